package io.onescaphandre.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.onescaphandre.contracts.hostid.HostId;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.AgentDaemonSetDependent;
import io.onescaphandre.operator.hostid.AgentReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kubelet stand-in against the demo's API server, with the init and the agent faked. */
class DemoKubeletTest {
  private DemoCluster cluster;
  private KubernetesClient client;
  private DemoKubelet kubelet;
  private final Map<String, List<String>> initArgsByNode = new ConcurrentHashMap<>();
  private final List<List<String>> agentStarts = new CopyOnWriteArrayList<>();
  private final AtomicBoolean agentReady = new AtomicBoolean();
  private ScaphandreMonitor monitor;

  @BeforeEach
  void start() {
    monitor = SampleMonitor.load();
    cluster = DemoCluster.start(monitor.getMetadata().getNamespace());
    client = cluster.client();
    DaemonSet ds = AgentDaemonSetDependent.desiredFor(monitor);
    client.apps().daemonSets().resource(ds).create();
    kubelet =
        new DemoKubelet(
                cluster.newClient("kubelet-under-test"),
                monitor.getMetadata().getNamespace(),
                (node, args) -> {
                  initArgsByNode.put(node, args);
                  return new DemoKubelet.InitResult(
                      0,
                      "{\"version\":1,\"hostId\":"
                          + (node.endsWith("2") ? 8 : 9)
                          + ",\"rapl\":\"ok\"}\n");
                },
                args -> agentStarts.add(args),
                agentReady::get)
            .start();
  }

  @AfterEach
  void stop() {
    kubelet.close();
    cluster.close();
  }

  private List<Pod> pods() {
    return client.pods().inNamespace(monitor.getMetadata().getNamespace()).list().getItems();
  }

  /** The DaemonSet, once the kubelet stand-in has written its status. */
  private DaemonSet daemonSet() {
    DaemonSet ds =
        client
            .apps()
            .daemonSets()
            .inNamespace(monitor.getMetadata().getNamespace())
            .withName(monitor.getMetadata().getName() + "-agent")
            .get();
    assertThat(ds.getStatus()).as("DaemonSet status").isNotNull();
    return ds;
  }

  @Test
  void onePodPerSelectedNodeWithTheInitReportThenReadyWithTheAgent() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(pods())
                  .extracting(p -> p.getSpec().getNodeName())
                  .containsExactlyInAnyOrder("one-kvm-01", "one-kvm-02", "one-kvm-03");
              assertThat(pods()).allSatisfy(p -> assertThat(AgentReport.of(p)).isPresent());
              assertThat(daemonSet().getStatus().getDesiredNumberScheduled()).isEqualTo(3);
            });
    assertThat(daemonSet().getStatus().getNumberReady()).isZero();
    assertThat(pods())
        .allSatisfy(
            p ->
                assertThat(p.getStatus().getConditions())
                    .anySatisfy(
                        c ->
                            assertThat(c.getType() + "=" + c.getStatus())
                                .isEqualTo("Ready=False")));
    Pod kvm2 =
        pods().stream()
            .filter(p -> p.getSpec().getNodeName().equals("one-kvm-02"))
            .findFirst()
            .orElseThrow();
    assertThat(AgentReport.of(kvm2).orElseThrow().hostId()).isEqualTo(new HostId(8));
    assertThat(kvm2.getMetadata().getLabels())
        .containsEntry(MonitorNames.MANAGED_BY_LABEL, MonitorNames.OPERATOR_NAME);
    assertThat(initArgsByNode.get("one-kvm-02")).first().isEqualTo("init");
    assertThat(agentStarts)
        .singleElement()
        .satisfies(args -> assertThat(args).first().isEqualTo("run"));

    agentReady.set(true);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(daemonSet().getStatus().getNumberReady()).isEqualTo(3);
              assertThat(pods())
                  .allSatisfy(
                      p ->
                          assertThat(p.getStatus().getConditions())
                              .anySatisfy(
                                  c ->
                                      assertThat(c.getType() + "=" + c.getStatus())
                                          .isEqualTo("Ready=True")));
            });
  }

  @Test
  void aNodeThatIsNoLongerSelectedLosesItsPod() {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pods()).hasSize(3));
    client
        .nodes()
        .withName("one-kvm-03")
        .edit(
            n -> {
              n.getMetadata().getLabels().remove(DemoNode.OPENNEBULA_HOST_LABEL);
              return n;
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(pods())
                  .extracting(p -> p.getSpec().getNodeName())
                  .containsExactlyInAnyOrder("one-kvm-01", "one-kvm-02");
              assertThat(daemonSet().getStatus().getDesiredNumberScheduled()).isEqualTo(2);
            });
  }
}
