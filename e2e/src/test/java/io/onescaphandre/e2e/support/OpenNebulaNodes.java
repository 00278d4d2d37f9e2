package io.onescaphandre.e2e.support;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Node objects shaped like OpenNebula KVM hosts registered by a kubelet: addresses (InternalIP on
 * its own loopback address, Hostname), the usual kubernetes.io labels, status.capacity and
 * allocatable (without them the scheduler sees room for 0 pods) and a Ready condition.
 */
public final class OpenNebulaNodes {
  public static final String HOST_ID_LABEL = "one-scaphandre.io/host-id";

  private OpenNebulaNodes() {}

  public static String nodeName(int n) {
    return "one-kvm-" + n;
  }

  public static Node node(int n, Map<String, String> extraLabels) {
    String name = nodeName(n);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("kubernetes.io/hostname", name);
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", "amd64");
    labels.putAll(extraLabels);
    String now = Instant.now().toString();
    return new NodeBuilder()
        .withNewMetadata().withName(name).withLabels(labels).endMetadata()
        .withNewSpec().endSpec()
        .withNewStatus()
          .addNewAddress().withType("InternalIP").withAddress(Loopback.nodeAddress(n)).endAddress()
          .addNewAddress().withType("Hostname").withAddress(name).endAddress()
          .withCapacity(resources())
          .withAllocatable(resources())
          .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
            .withMessage("kubelet stand-in of the one-scaphandre e2e harness")
            .withLastHeartbeatTime(now).withLastTransitionTime(now).endCondition()
          .withNewNodeInfo().withKubeletVersion("v1.34.12").withOperatingSystem("linux")
            .withArchitecture("amd64").withContainerRuntimeVersion("none://e2e").withKernelVersion("6.1.0-e2e")
            .withOsImage("OpenNebula KVM host (simulated)").withMachineID("").withSystemUUID("")
            .withBootID("").withKubeProxyVersion("").endNodeInfo()
        .endStatus()
        .build();
  }

  private static Map<String, Quantity> resources() {
    return Map.of("cpu", new Quantity("16"), "memory", new Quantity("64Gi"), "pods", new Quantity("110"),
        "ephemeral-storage", new Quantity("100Gi"));
  }

  /** Creates the node, status included (a Node create keeps its status), or adds the labels to it. */
  public static Node ensure(int n, Map<String, String> extraLabels) {
    var client = E2e.client();
    Node wanted = node(n, extraLabels);
    Node existing = client.nodes().withName(wanted.getMetadata().getName()).get();
    if (existing == null) {
      return client.nodes().resource(wanted).create();
    }
    return client.nodes().withName(existing.getMetadata().getName())
        .edit(node -> new NodeBuilder(node).editMetadata().addToLabels(extraLabels).endMetadata().build());
  }
}
