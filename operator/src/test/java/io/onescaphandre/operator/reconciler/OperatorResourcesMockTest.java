package io.onescaphandre.operator.reconciler;

import static io.onescaphandre.operator.testsupport.Fixtures.NAMESPACE;
import static io.onescaphandre.operator.testsupport.Fixtures.agentPod;
import static io.onescaphandre.operator.testsupport.Fixtures.kvmNode;
import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static io.onescaphandre.operator.testsupport.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.onescaphandre.operator.api.HostIdSourceType;
import io.onescaphandre.operator.api.OpenNebulaSpec;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.SecretKeyRef;
import io.onescaphandre.operator.hostid.OpenNebulaHostDirectory;
import io.onescaphandre.operator.testsupport.MockCluster;
import io.onescaphandre.operator.testsupport.MockClusterExtension;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the operator owns besides the cluster's objects: the node labeller's threads live and die
 * with it, OpenNebula's state for a monitor is kept only while it lists that source, and a burst of
 * agent pod changes is a few status writes.
 */
class OperatorResourcesMockTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Each test's own mock API server, closed by JUnit after it. */
  @RegisterExtension final MockClusterExtension mock = new MockClusterExtension();

  private MockCluster cluster;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    cluster = mock.cluster();
    client = cluster.client();
  }

  @Test
  void theNodeLabellersThreadsStopWithTheOperator() {
    Map<String, Long> ids = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      client.nodes().resource(kvmNode("kvm-" + i, "10.0.0." + (i + 1))).create();
      ids.put("kvm-" + i, 100L + i);
    }
    cluster.runOperator();
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getHostId().setSources(List.of(HostIdSourceType.STATIC));
    m.getSpec().getHostId().setStaticIds(ids);
    client.resource(m).create();
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.nodes().list().getItems().stream()
                    .allMatch(
                        n -> n.getMetadata().getLabels().containsKey("one-scaphandre.io/host-id")));
    assertThat(labellerThreads()).isBetween(1L, 8L);

    cluster.stopOperator();

    await().atMost(WAIT).until(() -> labellerThreads() == 0);
  }

  @Test
  void openNebulasStateOfAMonitorIsDroppedWhenItNoLongerListsTheSourceOrIsDeleted() {
    client.nodes().resource(kvmNode("kvm-1", "10.0.0.1")).create();
    RecordingDirectory one = new RecordingDirectory();
    cluster.runOperator(one);
    ScaphandreMonitor m = monitor("lab");
    OpenNebulaSpec spec = new OpenNebulaSpec();
    spec.setEndpoint("http://frontend:2633/RPC2");
    spec.setSecretRef(new SecretKeyRef("one-auth", null));
    m.getSpec().setOpenNebula(spec);
    m.getSpec().getHostId().setSources(List.of(HostIdSourceType.OPEN_NEBULA_API));
    client.resource(m).create();
    await().atMost(WAIT).until(() -> one.asked.contains(List.of("kvm-1")));
    assertThat(one.forgotten).isEmpty();

    // As kubectl edit does: again on a 409, the operator's status write may come in between.
    cluster.editMonitor(
        NAMESPACE,
        "lab",
        x -> x.getSpec().getHostId().setSources(List.of(HostIdSourceType.NODE_LABEL)));
    await().atMost(WAIT).until(() -> one.forgotten.contains("lab"));
    int asked = one.asked.size();
    client.resources(ScaphandreMonitor.class).inNamespace(NAMESPACE).withName("lab").delete();
    await()
        .atMost(WAIT)
        .until(
            () ->
                client
                        .resources(ScaphandreMonitor.class)
                        .inNamespace(NAMESPACE)
                        .withName("lab")
                        .get()
                    == null);
    assertThat(one.asked).hasSize(asked);
  }

  @Test
  void aBurstOfAgentPodsBecomingReadyIsOneOrTwoStatusWrites() {
    cluster.installPrometheusOperatorCrds();
    int n = 30;
    for (int i = 0; i < n; i++) {
      client.nodes().resource(kvmNode(String.format("kvm-%02d", i), "10.0.0." + (i + 1))).create();
    }
    cluster.runOperator();
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getHostId().setSources(List.of(HostIdSourceType.HYPERVISOR_FILES));
    client.resource(m).create();
    await()
        .atMost(WAIT)
        .until(() -> status(m) != null && Integer.valueOf(n).equals(status(m).getSelectedNodes()));
    cluster.awaitQuiet(Duration.ofSeconds(6));
    cluster.operatorWritesSinceLastCall();

    for (int i = 0; i < n; i++) {
      String node = String.format("kvm-%02d", i);
      client.pods().resource(agentPod(m, node, report(100L + i, "ok"), true)).create();
    }
    await().atMost(WAIT).until(() -> Integer.valueOf(n).equals(status(m).getMappedHosts()));
    cluster.awaitQuiet(Duration.ofSeconds(6));

    List<String> statusWrites =
        cluster.operatorWritesSinceLastCall().stream()
            .filter(w -> w.contains("scaphandremonitors/lab/status"))
            .toList();
    // The first change is written at once, what follows within 5 s in one more write.
    assertThat(statusWrites).hasSizeBetween(1, 3);
  }

  private io.onescaphandre.operator.api.ScaphandreMonitorStatus status(ScaphandreMonitor m) {
    ScaphandreMonitor current =
        client
            .resources(ScaphandreMonitor.class)
            .inNamespace(NAMESPACE)
            .withName(m.getMetadata().getName())
            .get();
    return current == null ? null : current.getStatus();
  }

  private static long labellerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("node-labeler-") && t.isAlive())
        .count();
  }

  /** A directory that records which nodes it was asked about and which monitors it forgot. */
  private static final class RecordingDirectory implements OpenNebulaHostDirectory {
    final List<List<String>> asked = new CopyOnWriteArrayList<>();
    final List<String> forgotten = new CopyOnWriteArrayList<>();

    @Override
    public Lookup lookup(ScaphandreMonitor monitor, List<Node> nodes) {
      asked.add(nodes.stream().map(x -> x.getMetadata().getName()).toList());
      return Lookup.empty();
    }

    @Override
    public void forget(ScaphandreMonitor monitor) {
      forgotten.add(monitor.getMetadata().getName());
    }
  }
}
