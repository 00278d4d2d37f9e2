package io.onescaphandre.operator.hostid;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.onescaphandre.operator.api.ScaphandreMonitorSpec;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nodes the agent DaemonSet runs on, as the scheduler would choose them: nodeSelector, required
 * node affinity, and NoSchedule/NoExecute taints the tolerations do not cover.
 */
public final class NodeSelection {
  /** Taints the DaemonSet controller tolerates on its own (pkg/controller/daemon/util). */
  private static final Set<String> DAEMONSET_TOLERATED_TAINTS =
      Set.of(
          "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable",
          "node.kubernetes.io/disk-pressure", "node.kubernetes.io/memory-pressure",
          "node.kubernetes.io/pid-pressure", "node.kubernetes.io/unschedulable");

  private NodeSelection() {}

  /** The selected nodes, sorted by name. */
  public static List<Node> select(ScaphandreMonitorSpec spec, Collection<Node> nodes) {
    return nodes.stream()
        .filter(n -> selects(spec, n))
        .sorted(Comparator.comparing(n -> n.getMetadata().getName()))
        .toList();
  }

  public static boolean selects(ScaphandreMonitorSpec spec, Node node) {
    Map<String, String> labels = labels(node);
    boolean selectorMatches =
        spec.getNodeSelector().entrySet().stream()
            .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    return selectorMatches && affinityMatches(spec, node, labels) && toleratesTaints(spec, node);
  }

  /**
   * The address Prometheus reaches the agent's hostPort on: InternalIP, else ExternalIP, else name.
   */
  public static String address(Node node) {
    List<NodeAddress> addresses =
        node.getStatus() == null || node.getStatus().getAddresses() == null
            ? List.of()
            : node.getStatus().getAddresses();
    for (String type : List.of("InternalIP", "ExternalIP", "Hostname")) {
      for (NodeAddress a : addresses) {
        if (type.equals(a.getType()) && a.getAddress() != null && !a.getAddress().isBlank()) {
          return a.getAddress();
        }
      }
    }
    return node.getMetadata().getName();
  }

  private static Map<String, String> labels(Node node) {
    return node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
  }

  private static boolean affinityMatches(
      ScaphandreMonitorSpec spec, Node node, Map<String, String> labels) {
    if (spec.getAffinity() == null
        || spec.getAffinity().getNodeAffinity() == null
        || spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
            == null) {
      return true;
    }
    List<NodeSelectorTerm> terms =
        spec.getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    if (terms == null || terms.isEmpty()) {
      return true;
    }
    // Terms are ORed; the requirements inside one term are ANDed (core/v1 NodeSelector).
    return terms.stream().anyMatch(term -> termMatches(term, node, labels));
  }

  private static boolean termMatches(NodeSelectorTerm term, Node node, Map<String, String> labels) {
    boolean expressions =
        term.getMatchExpressions() == null
            || term.getMatchExpressions().stream().allMatch(r -> requirementMatches(r, labels));
    Map<String, String> fields = Map.of("metadata.name", node.getMetadata().getName());
    boolean matchFields =
        term.getMatchFields() == null
            || term.getMatchFields().stream().allMatch(r -> requirementMatches(r, fields));
    return expressions && matchFields;
  }

  static boolean requirementMatches(NodeSelectorRequirement r, Map<String, String> labels) {
    String value = labels.get(r.getKey());
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (r.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      case "Gt" -> compareAsInteger(value, values) > 0;
      case "Lt" -> compareAsInteger(value, values) < 0;
      default -> false;
    };
  }

  /** Sign of value - values[0] as integers; 0 (no match for Gt or Lt) when either is not one. */
  private static int compareAsInteger(String value, List<String> values) {
    if (value == null || values.size() != 1) {
      return 0;
    }
    try {
      return Long.compare(Long.parseLong(value), Long.parseLong(values.get(0)));
    } catch (NumberFormatException notAnInteger) {
      return 0;
    }
  }

  private static boolean toleratesTaints(ScaphandreMonitorSpec spec, Node node) {
    if (node.getSpec() == null || node.getSpec().getTaints() == null) {
      return true;
    }
    return node.getSpec().getTaints().stream()
        .filter(t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()))
        .filter(t -> !DAEMONSET_TOLERATED_TAINTS.contains(t.getKey()))
        .allMatch(t -> spec.getTolerations().stream().anyMatch(tol -> tolerates(tol, t)));
  }

  static boolean tolerates(Toleration toleration, Taint taint) {
    if (toleration.getEffect() != null
        && !toleration.getEffect().isEmpty()
        && !toleration.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if ("Exists".equals(toleration.getOperator())) {
      return toleration.getKey() == null
          || toleration.getKey().isEmpty()
          || toleration.getKey().equals(taint.getKey());
    }
    return java.util.Objects.equals(toleration.getKey(), taint.getKey())
        && java.util.Objects.equals(
            emptyIfNull(toleration.getValue()), emptyIfNull(taint.getValue()));
  }

  private static String emptyIfNull(String s) {
    return s == null ? "" : s;
  }
}
