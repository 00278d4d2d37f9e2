package io.onescaphandre.operator.hostid;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.onescaphandre.contracts.hostid.HostId;
import io.onescaphandre.contracts.init.InitReport;
import io.onescaphandre.operator.api.HostIdSourceType;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Gives each selected node its OpenNebula host id: the first of the monitor's sources that knows
 * it. Never guesses: a node whose id disagrees with a label set outside the operator, or two nodes
 * with the same id, stay unmapped and the problem is reported. Pure: OpenNebula's answer is asked
 * by the caller beforehand (for the nodes {@link #askOpenNebulaAbout} names) and passed in.
 */
public final class HostIdResolver {
  private HostIdResolver() {}

  /**
   * The selected nodes whose id is the openNebulaApi source's business: those no source listed
   * before it knows (OpenNebula's opinion of a node with a static id is not asked, nor reported).
   * Empty when the monitor does not list that source.
   */
  public static List<Node> askOpenNebulaAbout(
      ScaphandreMonitor monitor, List<Node> selected, Map<String, Pod> agentPodByNode) {
    List<HostIdSourceType> sources = monitor.getSpec().getHostId().getSources();
    if (!sources.contains(HostIdSourceType.OPEN_NEBULA_API)) {
      return List.of();
    }
    return unmappedBefore(
        HostIdSourceType.OPEN_NEBULA_API, monitor, selected, sources, agentPodByNode);
  }

  /**
   * @param selected nodes selected by the monitor
   * @param agentPodByNode the monitor's agent pod on each node (for hypervisorFiles)
   * @param lookup OpenNebula's answer about {@link #askOpenNebulaAbout} (empty when not asked)
   */
  public static HostIdResolution resolve(
      ScaphandreMonitor monitor,
      List<Node> selected,
      Map<String, Pod> agentPodByNode,
      OpenNebulaHostDirectory.Lookup lookup) {
    List<HostIdSourceType> sources = monitor.getSpec().getHostId().getSources();
    List<String> problems = new ArrayList<>(lookup.problems());

    Map<String, ResolvedNode> byName = new TreeMap<>();
    for (Node node : selected) {
      byName.put(
          node.getMetadata().getName(),
          resolveOne(
              monitor,
              node,
              sources,
              agentPodByNode.get(node.getMetadata().getName()),
              lookup,
              problems));
    }
    rejectDuplicateIds(byName, problems);
    return new HostIdResolution(new ArrayList<>(byName.values()), problems, lookup.failureReason());
  }

  /** The nodes no source listed before {@code source} gives an id to. */
  private static List<Node> unmappedBefore(
      HostIdSourceType source,
      ScaphandreMonitor monitor,
      List<Node> selected,
      List<HostIdSourceType> sources,
      Map<String, Pod> agentPodByNode) {
    List<HostIdSourceType> earlier = sources.subList(0, sources.indexOf(source));
    List<String> ignored = new ArrayList<>();
    return selected.stream()
        .filter(
            node ->
                earlier.stream()
                    .allMatch(
                        s ->
                            idFrom(
                                    s,
                                    monitor,
                                    node,
                                    agentPodByNode.get(node.getMetadata().getName()),
                                    OpenNebulaHostDirectory.Lookup.empty(),
                                    foreignLabel(monitor, node, ignored))
                                .isEmpty()))
        .toList();
  }

  private static Optional<HostId> idFrom(
      HostIdSourceType source,
      ScaphandreMonitor monitor,
      Node node,
      Pod agentPod,
      OpenNebulaHostDirectory.Lookup lookup,
      Optional<HostId> foreignLabel) {
    String name = node.getMetadata().getName();
    return switch (source) {
      case NODE_LABEL -> foreignLabel;
      case STATIC ->
          Optional.ofNullable(monitor.getSpec().getHostId().getStaticIds().get(name))
              .filter(v -> v >= 0 && v <= Integer.MAX_VALUE)
              .map(HostId::of);
      case HYPERVISOR_FILES ->
          Optional.ofNullable(agentPod).flatMap(AgentReport::of).map(InitReport::hostId);
      case OPEN_NEBULA_API -> Optional.ofNullable(lookup.hostIdByNode().get(name));
    };
  }

  private static ResolvedNode resolveOne(
      ScaphandreMonitor monitor,
      Node node,
      List<HostIdSourceType> sources,
      Pod agentPod,
      OpenNebulaHostDirectory.Lookup lookup,
      List<String> problems) {
    String name = node.getMetadata().getName();
    String address = NodeSelection.address(node);
    Optional<HostId> foreignLabel = foreignLabel(monitor, node, problems);
    for (HostIdSourceType source : sources) {
      Optional<HostId> id = idFrom(source, monitor, node, agentPod, lookup, foreignLabel);
      if (id.isEmpty()) {
        continue;
      }
      if (foreignLabel.isPresent() && !foreignLabel.get().equals(id.get())) {
        String message =
            "node "
                + name
                + " is labelled "
                + MonitorNames.HOST_ID_LABEL
                + "="
                + foreignLabel.get()
                + " outside this monitor but "
                + source.wireName()
                + " says "
                + id.get()
                + "; the label is left alone and the node unmapped";
        problems.add(message);
        return new ResolvedNode(name, address, null, null, message);
      }
      return new ResolvedNode(name, address, id.get(), source, null);
    }
    return new ResolvedNode(
        name,
        address,
        null,
        null,
        "no host id from " + sources.stream().map(HostIdSourceType::wireName).toList());
  }

  /**
   * The host-id label unless this monitor set it itself (the operator's own output is not an
   * input), parsed as a decimal id.
   */
  private static Optional<HostId> foreignLabel(
      ScaphandreMonitor monitor, Node node, List<String> problems) {
    Map<String, String> labels = node.getMetadata().getLabels();
    String value = labels == null ? null : labels.get(MonitorNames.HOST_ID_LABEL);
    if (value == null || NodeLabels.labelledBy(monitor, node)) {
      return Optional.empty();
    }
    try {
      return Optional.of(HostId.parse(value));
    } catch (IllegalArgumentException notAHostId) {
      problems.add(
          "node "
              + node.getMetadata().getName()
              + " has "
              + MonitorNames.HOST_ID_LABEL
              + "="
              + value
              + ", which is not a decimal host id");
      return Optional.empty();
    }
  }

  private static void rejectDuplicateIds(Map<String, ResolvedNode> byName, List<String> problems) {
    Map<HostId, List<ResolvedNode>> byId = new LinkedHashMap<>();
    byName.values().stream()
        .filter(ResolvedNode::mapped)
        .forEach(n -> byId.computeIfAbsent(n.hostId(), k -> new ArrayList<>()).add(n));
    byId.forEach(
        (id, claimants) -> {
          if (claimants.size() < 2) {
            return;
          }
          String who =
              String.join(
                  " and ",
                  claimants.stream()
                      .map(n -> n.nodeName() + " (" + n.source().wireName() + ")")
                      .toList());
          String message =
              "host id " + id + " is claimed by nodes " + who + "; none of them is mapped";
          problems.add(message);
          claimants.forEach(
              n ->
                  byName.put(
                      n.nodeName(),
                      new ResolvedNode(n.nodeName(), n.address(), null, null, message)));
        });
  }
}
