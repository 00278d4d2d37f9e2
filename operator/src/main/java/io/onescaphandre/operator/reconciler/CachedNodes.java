package io.onescaphandre.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.onescaphandre.operator.api.MonitorNames;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the operator keeps of a Node, and which node changes concern it. A real Node is 10 to 50 KB
 * (images, conditions, managed fields) and its status is rewritten by the kubelet; the operator
 * reads only its name, labels, taints, addresses and the annotations it sets itself. Keeping only
 * those makes the cache of 5,000 nodes a few MiB, and a heartbeat no reconcile.
 */
final class CachedNodes {
  /** The annotations of ours the operator reads back (who set the label, from which source). */
  private static final List<String> OWN_ANNOTATIONS =
      List.of(MonitorNames.HOST_ID_SOURCE_ANNOTATION, MonitorNames.LABELLED_BY_ANNOTATION);

  private CachedNodes() {}

  /** The node with only the fields the operator reads (and those the informer needs). */
  static Node prune(Node node) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(node.getMetadata().getName())
        .withUid(node.getMetadata().getUid())
        .withResourceVersion(node.getMetadata().getResourceVersion())
        .withLabels(node.getMetadata().getLabels())
        .withAnnotations(ownAnnotations(node))
        .endMetadata()
        .withNewSpec()
        .withTaints(node.getSpec() == null ? null : node.getSpec().getTaints())
        .endSpec()
        .withNewStatus()
        .withAddresses(node.getStatus() == null ? null : node.getStatus().getAddresses())
        .endStatus()
        .build();
  }

  /** True when the change can change a monitor's selection, host ids, targets or labels. */
  static boolean concernsMonitors(Node before, Node after) {
    return !Facts.of(before).equals(Facts.of(after));
  }

  private static Map<String, String> ownAnnotations(Node node) {
    Map<String, String> all = node.getMetadata().getAnnotations();
    if (all == null) {
      return null;
    }
    Map<String, String> own = new TreeMap<>();
    OWN_ANNOTATIONS.stream().filter(all::containsKey).forEach(k -> own.put(k, all.get(k)));
    return own.isEmpty() ? null : own;
  }

  private record Facts(
      Map<String, String> labels,
      Map<String, String> annotations,
      List<Taint> taints,
      List<NodeAddress> addresses) {
    static Facts of(Node node) {
      return new Facts(
          Optional.ofNullable(node.getMetadata().getLabels()).orElse(Map.of()),
          Optional.ofNullable(ownAnnotations(node)).orElse(Map.of()),
          node.getSpec() == null || node.getSpec().getTaints() == null
              ? List.of()
              : node.getSpec().getTaints(),
          node.getStatus() == null || node.getStatus().getAddresses() == null
              ? List.of()
              : node.getStatus().getAddresses());
    }
  }
}
