package io.onescaphandre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** One selected node: its OpenNebula host id, where that came from, and its agent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStatus {
  private String name;
  private Long hostId;

  /** nodeLabel, static, hypervisorFiles or openNebulaApi; absent when no source knows the node. */
  private String hostIdSource;

  private Boolean agentReady;

  /**
   * ok, degraded, absent or unreadable as reported by the agent's init; absent until it has run.
   */
  private String rapl;

  /**
   * The source that makes the node's host power as the agent's init found it (rapl, acpi, ipmi,
   * redfish, or estimate: a model); absent until it has run or when none is usable.
   */
  private String powerSource;

  /** Why the node has no host id, when it has none. */
  private String message;

  public NodeStatus() {}

  public NodeStatus(
      String name,
      Long hostId,
      String hostIdSource,
      Boolean agentReady,
      String rapl,
      String message) {
    this.name = name;
    this.hostId = hostId;
    this.hostIdSource = hostIdSource;
    this.agentReady = agentReady;
    this.rapl = rapl;
    this.message = message;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Long getHostId() {
    return hostId;
  }

  public void setHostId(Long hostId) {
    this.hostId = hostId;
  }

  public String getHostIdSource() {
    return hostIdSource;
  }

  public void setHostIdSource(String hostIdSource) {
    this.hostIdSource = hostIdSource;
  }

  public Boolean getAgentReady() {
    return agentReady;
  }

  public void setAgentReady(Boolean agentReady) {
    this.agentReady = agentReady;
  }

  public String getPowerSource() {
    return powerSource;
  }

  public void setPowerSource(String powerSource) {
    this.powerSource = powerSource;
  }

  public String getRapl() {
    return rapl;
  }

  public void setRapl(String rapl) {
    this.rapl = rapl;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeStatus n
        && Objects.equals(name, n.name)
        && Objects.equals(hostId, n.hostId)
        && Objects.equals(hostIdSource, n.hostIdSource)
        && Objects.equals(agentReady, n.agentReady)
        && Objects.equals(rapl, n.rapl)
        && Objects.equals(powerSource, n.powerSource)
        && Objects.equals(message, n.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, hostId, hostIdSource, agentReady, rapl, powerSource, message);
  }
}
