package io.onescaphandre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the operator observed; written only by the StatusFactory's output. Its size does not grow
 * with the cluster: counts for all selected nodes, rows for at most {@value #MAX_NODE_ROWS} of them
 * (an object in etcd is limited to 1.5 MiB, and every watcher of monitors receives the whole
 * status).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaphandreMonitorStatus {
  /** Most rows in {@link #getNodes()}: about 20 KB of status at 150 bytes a row. */
  public static final int MAX_NODE_ROWS = 100;

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

  @JsonPropertyDescription("Nodes the monitor selects.")
  private Integer selectedNodes;

  @JsonPropertyDescription(
      "Selected nodes without a host id, with an agent not ready, or whose RAPL is not ok.")
  private Integer nodesNeedingAttention;

  @JsonPropertyDescription(
      "Rows of at most "
          + MAX_NODE_ROWS
          + " selected nodes, sorted by name: every node"
          + " while they are that few, else the nodes needing attention first. Every node also carries its"
          + " host id in its one-scaphandre.io/host-id label.")
  private List<NodeStatus> nodes = new ArrayList<>();

  @JsonPropertyDescription(
      "Selected nodes without a row in nodes (absent when every node has one).")
  private Integer nodesNotListed;

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

  public Integer getSelectedNodes() {
    return selectedNodes;
  }

  public void setSelectedNodes(Integer selectedNodes) {
    this.selectedNodes = selectedNodes;
  }

  public Integer getNodesNeedingAttention() {
    return nodesNeedingAttention;
  }

  public void setNodesNeedingAttention(Integer nodesNeedingAttention) {
    this.nodesNeedingAttention = nodesNeedingAttention;
  }

  public Integer getNodesNotListed() {
    return nodesNotListed;
  }

  public void setNodesNotListed(Integer nodesNotListed) {
    this.nodesNotListed = nodesNotListed;
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
        && Objects.equals(selectedNodes, other.selectedNodes)
        && Objects.equals(nodesNeedingAttention, other.nodesNeedingAttention)
        && Objects.equals(nodes, other.nodes)
        && Objects.equals(nodesNotListed, other.nodesNotListed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        observedGeneration,
        conditions,
        desiredAgents,
        readyAgents,
        mappedHosts,
        selectedNodes,
        nodesNeedingAttention,
        nodes,
        nodesNotListed);
  }
}
