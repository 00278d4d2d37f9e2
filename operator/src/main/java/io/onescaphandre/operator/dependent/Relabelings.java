package io.onescaphandre.operator.dependent;

import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfig;
import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfigBuilder;
import io.onescaphandre.operator.api.AgentFlavor;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.util.List;

/** Relabelling rules that give series their OpenNebula labels (docs/interfaces.md). */
public final class Relabelings {
  /**
   * Prometheus' sanitised name of the node label one-scaphandre.io/host-id (attachMetadata.node).
   */
  public static final String NODE_HOST_ID_META =
      "__meta_kubernetes_node_label_one_scaphandre_io_host_id";

  /**
   * OpenNebula names its KVM guests one-&lt;vm id&gt; on the QEMU command line ({@code -name
   * guest=one-42,debug-threads=on}) whatever the emulator binary; Prometheus anchors the regex.
   */
  public static final String GUEST_REGEX = ".*guest=one-([0-9]+),.*";

  private Relabelings() {}

  /**
   * Target relabelings of the PodMonitor: host_id and one_host_id from the node label, node from
   * the pod.
   */
  public static List<RelabelConfig> podTargetRelabelings() {
    return List.of(
        replace(NODE_HOST_ID_META, "host_id"),
        replace(NODE_HOST_ID_META, "one_host_id"),
        replace("__meta_kubernetes_pod_node_name", "node"));
  }

  /** For upstream Scaphandre: vmname and one_vm_id from its cmdline label, then cmdline dropped. */
  public static List<RelabelConfig> metricRelabelings(ScaphandreMonitor monitor) {
    if (monitor.getSpec().getAgent().getFlavor() != AgentFlavor.SCAPHANDRE) {
      return List.of();
    }
    return List.of(
        new RelabelConfigBuilder()
            .withSourceLabels("cmdline")
            .withRegex(GUEST_REGEX)
            .withTargetLabel("one_vm_id")
            .withReplacement("$1")
            .withAction("replace")
            .build(),
        new RelabelConfigBuilder()
            .withSourceLabels("cmdline")
            .withRegex(GUEST_REGEX)
            .withTargetLabel("vmname")
            .withReplacement("one-$1")
            .withAction("replace")
            .build(),
        new RelabelConfigBuilder().withRegex("cmdline").withAction("labeldrop").build());
  }

  private static RelabelConfig replace(String source, String target) {
    return new RelabelConfigBuilder()
        .withSourceLabels(source)
        .withTargetLabel(target)
        .withAction("replace")
        .build();
  }
}
