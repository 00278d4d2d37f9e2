package io.onescaphandre.operator.hostid;

import java.util.List;

/** Every selected node (sorted by name) and the problems found while resolving their ids. */
public record HostIdResolution(List<ResolvedNode> nodes, List<String> problems) {
  public HostIdResolution {
    nodes = List.copyOf(nodes);
    problems = List.copyOf(problems);
  }

  /** The nodes with a host id, which the ScrapeConfig, the plain job and the node labels use. */
  public List<MappedNode> mapped() {
    return nodes.stream()
        .filter(ResolvedNode::mapped)
        .map(n -> new MappedNode(n.nodeName(), n.hostId(), n.address()))
        .toList();
  }
}
