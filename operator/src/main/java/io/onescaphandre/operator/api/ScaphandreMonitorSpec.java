package io.onescaphandre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to measure (which nodes), with which agent, how hosts are identified, and how it is scraped.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaphandreMonitorSpec {
  @JsonPropertyDescription("Node labels that select the OpenNebula hosts (as a pod nodeSelector).")
  private Map<String, String> nodeSelector = new LinkedHashMap<>();

  @JsonPropertyDescription("Tolerations of the agent pods, e.g. for tainted hypervisor nodes.")
  private List<Toleration> tolerations = new ArrayList<>();

  @JsonPropertyDescription(
      "Affinity of the agent pods; required node affinity also selects the hosts.")
  private Affinity affinity;

  private AgentSpec agent = new AgentSpec();
  private HostIdSpec hostId = new HostIdSpec();
  private OpenNebulaSpec openNebula;
  private PrometheusSpec prometheus = new PrometheusSpec();
  private PowerSpec power = new PowerSpec();

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector == null ? new LinkedHashMap<>() : nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations == null ? new ArrayList<>() : tolerations;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public AgentSpec getAgent() {
    return agent;
  }

  public void setAgent(AgentSpec agent) {
    this.agent = agent == null ? new AgentSpec() : agent;
  }

  public HostIdSpec getHostId() {
    return hostId;
  }

  public void setHostId(HostIdSpec hostId) {
    this.hostId = hostId == null ? new HostIdSpec() : hostId;
  }

  public OpenNebulaSpec getOpenNebula() {
    return openNebula;
  }

  public void setOpenNebula(OpenNebulaSpec openNebula) {
    this.openNebula = openNebula;
  }

  public PrometheusSpec getPrometheus() {
    return prometheus;
  }

  public void setPrometheus(PrometheusSpec prometheus) {
    this.prometheus = prometheus == null ? new PrometheusSpec() : prometheus;
  }

  public PowerSpec getPower() {
    return power;
  }

  public void setPower(PowerSpec power) {
    this.power = power == null ? new PowerSpec() : power;
  }
}
