package io.onescaphandre.operator.testsupport;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.MonitorResources;
import java.util.LinkedHashMap;
import java.util.Map;

/** Objects shaped like an OpenNebula KVM cluster. */
public final class Fixtures {
  public static final String NAMESPACE = "one-scaphandre";
  public static final String KVM_LABEL = "node-role.one-scaphandre.io/kvm";

  private Fixtures() {}

  /** A monitor selecting the nodes labelled {@value #KVM_LABEL}=true. */
  public static ScaphandreMonitor monitor(String name) {
    ScaphandreMonitor m = new ScaphandreMonitor();
    m.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    m.setSpec(new io.onescaphandre.operator.api.ScaphandreMonitorSpec());
    m.getSpec().setNodeSelector(new LinkedHashMap<>(Map.of(KVM_LABEL, "true")));
    return m;
  }

  /** A KVM node with an InternalIP. */
  public static Node kvmNode(String name, String ip) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels(KVM_LABEL, "true")
        .endMetadata()
        .withNewStatus()
        .addNewAddress()
        .withType("InternalIP")
        .withAddress(ip)
        .endAddress()
        .endStatus()
        .build();
  }

  public static Node withHostIdLabel(Node node, long id) {
    return new NodeBuilder(node)
        .editMetadata()
        .addToLabels(MonitorNames.HOST_ID_LABEL, Long.toString(id))
        .endMetadata()
        .build();
  }

  /** The init report JSON of docs/interfaces.md. */
  public static String report(Long hostId, String rapl) {
    return report(hostId, rapl, "ok".equals(rapl) ? "rapl" : "estimate");
  }

  /**
   * The init report JSON of docs/interfaces.md, with the source that makes the node's host power.
   */
  public static String report(Long hostId, String rapl, String powerSource) {
    return "{\"version\":1,\"hostId\":"
        + hostId
        + ",\"hostIdSource\":"
        + (hostId == null ? "null" : "\"one_db_config\"")
        + ",\"hostIdFile\":\"/var/tmp/one_db/config\",\"hypervisor\":\"kvm\",\"rapl\":\""
        + rapl
        + "\",\"raplZones\":[\"package-0\"],\"powerSource\":\""
        + powerSource
        + "\",\"powerSources\":{\"rapl\":\""
        + rapl
        + "\",\"estimate\":\"ok\"},\"message\":\"test\"}";
  }

  /** An agent pod of the monitor on a node, its init terminated with that message. */
  public static Pod agentPod(
      ScaphandreMonitor monitor, String nodeName, String initMessage, boolean ready) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(monitor.getMetadata().getName() + "-agent-" + nodeName)
        .withNamespace(monitor.getMetadata().getNamespace())
        .withLabels(MonitorResources.labels(monitor))
        .withCreationTimestamp("2026-01-01T00:00:00Z")
        .endMetadata()
        .withNewSpec()
        .withNodeName(nodeName)
        .endSpec()
        .withNewStatus()
        .addNewInitContainerStatus()
        .withName(MonitorNames.INIT_CONTAINER_NAME)
        .withNewState()
        .withNewTerminated()
        .withExitCode(0)
        .withMessage(initMessage)
        .endTerminated()
        .endState()
        .endInitContainerStatus()
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }
}
