package io.onescaphandre.operator.hostid;

import java.util.List;

/**
 * Every selected node (sorted by name) and the problems found while resolving their ids.
 *
 * @param sourceFailureReason the Degraded reason when a host id source (OpenNebula) could not be
 *     asked; null when every source answered (the problems, if any, are then conflicts)
 */
public record HostIdResolution(
    List<ResolvedNode> nodes, List<String> problems, String sourceFailureReason) {
  public HostIdResolution {
    nodes = List.copyOf(nodes);
    problems = List.copyOf(problems);
  }

  public HostIdResolution(List<ResolvedNode> nodes, List<String> problems) {
    this(nodes, problems, null);
  }

  /** True when a source failed, so the reconcile should be retried soon. */
  public boolean sourceFailed() {
    return sourceFailureReason != null;
  }

  /** The nodes with a host id, which the ScrapeConfig, the plain job and the node labels use. */
  public List<MappedNode> mapped() {
    return nodes.stream()
        .filter(ResolvedNode::mapped)
        .map(n -> new MappedNode(n.nodeName(), n.hostId(), n.address()))
        .toList();
  }
}
