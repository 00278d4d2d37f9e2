package io.onescaphandre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed; written only by the StatusFactory's output. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaphandreMonitorStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Agent pods the DaemonSet should run.")
  private Integer desiredAgents;

  @JsonPropertyDescription("Agent pods ready.")
  private Integer readyAgents;

  @JsonPropertyDescription("readyAgents/desiredAgents, for kubectl get.")
  private String readyAgentsOfDesired;

  @JsonPropertyDescription("Selected nodes with an OpenNebula host id.")
  private Integer mappedHosts;

  @JsonPropertyDescription("One row per selected node.")
  private List<NodeStatus> nodes = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }

  public Integer getDesiredAgents() {
    return desiredAgents;
  }

  public void setDesiredAgents(Integer desiredAgents) {
    this.desiredAgents = desiredAgents;
  }

  public Integer getReadyAgents() {
    return readyAgents;
  }

  public void setReadyAgents(Integer readyAgents) {
    this.readyAgents = readyAgents;
  }

  public String getReadyAgentsOfDesired() {
    return readyAgentsOfDesired;
  }

  public void setReadyAgentsOfDesired(String readyAgentsOfDesired) {
    this.readyAgentsOfDesired = readyAgentsOfDesired;
  }

  public Integer getMappedHosts() {
    return mappedHosts;
  }

  public void setMappedHosts(Integer mappedHosts) {
    this.mappedHosts = mappedHosts;
  }

  public List<NodeStatus> getNodes() {
    return nodes;
  }

  public void setNodes(List<NodeStatus> nodes) {
    this.nodes = nodes == null ? new ArrayList<>() : nodes;
  }

  /** The condition of this type, if present. */
  public java.util.Optional<Condition> condition(String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ScaphandreMonitorStatus other)) {
      return false;
    }
    return Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(conditions, other.conditions)
        && Objects.equals(desiredAgents, other.desiredAgents)
        && Objects.equals(readyAgents, other.readyAgents)
        && Objects.equals(readyAgentsOfDesired, other.readyAgentsOfDesired)
        && Objects.equals(mappedHosts, other.mappedHosts)
        && Objects.equals(nodes, other.nodes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, desiredAgents, readyAgents, mappedHosts, nodes);
  }
}
