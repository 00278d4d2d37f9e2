package io.onescaphandre.e2e.support;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Node objects shaped like OpenNebula KVM hosts registered by a kubelet: addresses (InternalIP on
 * its own loopback address, Hostname), the usual kubernetes.io labels, status.capacity and
 * allocatable (without them the scheduler sees room for 0 pods) and a Ready condition.
 *
 * <p>Part of the kubelet stand-in (simulated): every node made here gets its heartbeat, the Lease
 * {@code kube-node-lease/<node>} renewed every {@value #HEARTBEAT_SECONDS} s as a kubelet renews
 * it. Without it, kube-controller-manager's node lifecycle controller marks the node Unknown after
 * its grace period (about 50 s) and taints it {@code node.kubernetes.io/unreachable}: the DaemonSet
 * controller then makes no pod for it and the scheduler binds none to it.
 */
public final class OpenNebulaNodes {
  public static final String HOST_ID_LABEL = "one-scaphandre.io/host-id";
  static final int HEARTBEAT_SECONDS = 10;
  private static final String LEASE_NAMESPACE = "kube-node-lease";
  private static final Set<String> BEATING = ConcurrentHashMap.newKeySet();
  private static ScheduledExecutorService heartbeat;

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
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .endSpec()
        .withNewStatus()
        .addNewAddress()
        .withType("InternalIP")
        .withAddress(Loopback.nodeAddress(n))
        .endAddress()
        .addNewAddress()
        .withType("Hostname")
        .withAddress(name)
        .endAddress()
        .withCapacity(resources())
        .withAllocatable(resources())
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .withReason("KubeletReady")
        .withMessage("kubelet stand-in of the one-scaphandre e2e harness")
        .withLastHeartbeatTime(now)
        .withLastTransitionTime(now)
        .endCondition()
        .withNewNodeInfo()
        .withKubeletVersion("v1.34.12")
        .withOperatingSystem("linux")
        .withArchitecture("amd64")
        .withContainerRuntimeVersion("none://e2e")
        .withKernelVersion("6.1.0-e2e")
        .withOsImage("OpenNebula KVM host (simulated)")
        .withMachineID("")
        .withSystemUUID("")
        .withBootID("")
        .withKubeProxyVersion("")
        .endNodeInfo()
        .endStatus()
        .build();
  }

  private static Map<String, Quantity> resources() {
    return Map.of(
        "cpu",
        new Quantity("16"),
        "memory",
        new Quantity("64Gi"),
        "pods",
        new Quantity("110"),
        "ephemeral-storage",
        new Quantity("100Gi"));
  }

  /**
   * Creates the node, status included (a Node create keeps its status), or adds the labels to it.
   */
  public static Node ensure(int n, Map<String, String> extraLabels) {
    var client = E2e.client();
    Node wanted = node(n, extraLabels);
    String name = wanted.getMetadata().getName();
    renewLease(name);
    startHeartbeat(name);
    Node existing = client.nodes().withName(name).get();
    if (existing == null) {
      return client.nodes().resource(wanted).create();
    }
    return client
        .nodes()
        .withName(name)
        .edit(
            node ->
                new NodeBuilder(node)
                    .editMetadata()
                    .addToLabels(extraLabels)
                    .endMetadata()
                    .build());
  }

  /** The node's Lease, held by the node and renewed now (what a kubelet's heartbeat does). */
  static Lease lease(String nodeName, ZonedDateTime now) {
    return new LeaseBuilder()
        .withNewMetadata()
        .withName(nodeName)
        .withNamespace(LEASE_NAMESPACE)
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity(nodeName)
        .withLeaseDurationSeconds(40)
        .withRenewTime(now.withZoneSameInstant(ZoneOffset.UTC))
        .endSpec()
        .build();
  }

  private static void renewLease(String nodeName) {
    E2e.client()
        .leases()
        .inNamespace(LEASE_NAMESPACE)
        .resource(lease(nodeName, ZonedDateTime.now(ZoneOffset.UTC)))
        .fieldManager("e2e-kubelet-stand-in")
        .forceConflicts()
        .serverSideApply();
  }

  private static synchronized void startHeartbeat(String nodeName) {
    if (!BEATING.add(nodeName)) {
      return;
    }
    if (heartbeat == null) {
      heartbeat =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "kubelet-stand-in-heartbeat");
                t.setDaemon(true);
                return t;
              });
      heartbeat.scheduleWithFixedDelay(
          OpenNebulaNodes::beat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }
  }

  private static void beat() {
    for (String nodeName : BEATING) {
      try {
        renewLease(nodeName);
      } catch (RuntimeException e) {
        System.err.println(
            "kubelet stand-in: heartbeat of " + nodeName + " failed: " + e.getMessage());
      }
    }
  }
}
