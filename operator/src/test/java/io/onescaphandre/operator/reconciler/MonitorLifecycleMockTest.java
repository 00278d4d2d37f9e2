package io.onescaphandre.operator.reconciler;

import static io.onescaphandre.operator.testsupport.Fixtures.NAMESPACE;
import static io.onescaphandre.operator.testsupport.Fixtures.kvmNode;
import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.ScrapeConfig;
import io.onescaphandre.operator.api.Condition;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.PlainJobConfigMapDependent;
import io.onescaphandre.operator.status.Reasons;
import io.onescaphandre.operator.testsupport.MockCluster;
import io.onescaphandre.operator.testsupport.MockClusterExtension;
import io.onescaphandre.operator.testsupport.MonitorAssert;
import io.onescaphandre.operator.testsupport.ScrapeTargets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Create, update, drift, steady state and delete of a monitor against the mock API server (SSA
 * off).
 */
class MonitorLifecycleMockTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private MockCluster cluster;
  private KubernetesClient client;

  /** Each test's own mock API server, closed by JUnit after it. */
  @RegisterExtension final MockClusterExtension mock = new MockClusterExtension();

  @BeforeEach
  void start() {
    cluster = mock.cluster().withPrometheusOperatorAndKvmNodes(2);
    client = cluster.client();
    cluster.runOperator();
  }

  private ScaphandreMonitor create() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getHostId().setStaticIds(new LinkedHashMap<>(Map.of("kvm-1", 11L, "kvm-2", 12L)));
    m.getSpec().getPrometheus().getScrapeConfig().setEnabled(true);
    return client.resource(m).create();
  }

  private ScaphandreMonitor current() {
    return client.resources(ScaphandreMonitor.class).inNamespace(NAMESPACE).withName("lab").get();
  }

  private <T extends HasMetadata> T get(Class<T> type, String name) {
    return client.resources(type).inNamespace(NAMESPACE).withName(name).get();
  }

  private void createAndAwaitAll() {
    create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(get(ServiceAccount.class, "lab-agent")).isNotNull();
              assertThat(get(DaemonSet.class, "lab-agent")).isNotNull();
              assertThat(get(PodMonitor.class, "lab")).isNotNull();
              assertThat(get(ScrapeConfig.class, "lab")).isNotNull();
              assertThat(get(PrometheusRule.class, "lab")).isNotNull();
              assertThat(get(ConfigMap.class, "lab-prometheus-job")).isNotNull();
              MonitorAssert.assertThat(current())
                  .observedGeneration(1)
                  .hasMappedHosts(2)
                  .hasNode("kvm-1", 11L, "static")
                  .hasNode("kvm-2", 12L, "static");
            });
  }

  @Test
  void createMakesEveryObjectLabelsNodesAndReportsStatus() {
    createAndAwaitAll();
    DaemonSet ds = get(DaemonSet.class, "lab-agent");
    assertThat(ds.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("ScaphandreMonitor"));
    assertThat(current().getMetadata().getFinalizers()).isNotEmpty();
    Node kvm1 = client.nodes().withName("kvm-1").get();
    assertThat(kvm1.getMetadata().getLabels()).containsEntry(MonitorNames.HOST_ID_LABEL, "11");
    assertThat(kvm1.getMetadata().getAnnotations())
        .containsEntry(MonitorNames.HOST_ID_SOURCE_ANNOTATION, "static")
        .containsEntry(MonitorNames.LABELLED_BY_ANNOTATION, NAMESPACE + "/lab");
    List<String> targets = List.of("10.0.0.1:8080 11 kvm-1", "10.0.0.2:8080 12 kvm-2");
    assertThat(ScrapeTargets.of(get(ScrapeConfig.class, "lab"))).containsExactlyElementsOf(targets);
    assertThat(ScrapeTargets.of(get(ConfigMap.class, "lab-prometheus-job")))
        .containsExactlyElementsOf(targets);
    assertThat(
            get(ConfigMap.class, "lab-prometheus-job")
                .getData()
                .get(PlainJobConfigMapDependent.DATA_KEY))
        .contains("job_name: one-scaphandre-agent");
    // One Event per condition on its first transition, about the monitor.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace(NAMESPACE).list().getItems())
                    .filteredOn(e -> "lab".equals(e.getInvolvedObject().getName()))
                    .extracting(e -> e.getReason())
                    .contains(
                        "Ready" + Reasons.AGENTS_NOT_READY, "Degraded" + Reasons.AS_EXPECTED));
  }

  @Test
  void theReconcilerAppliesWhatRenderPrints() {
    createAndAwaitAll();
    ScaphandreMonitor m = current();
    DaemonSet applied = get(DaemonSet.class, "lab-agent");
    DaemonSet rendered =
        MonitorPlan.compute(
                m,
                client.nodes().list().getItems(),
                Map.of(),
                io.onescaphandre.operator.hostid.OpenNebulaHostDirectory.Lookup.empty(),
                "one-scaphandre-agent:0.1.0")
            .objectsToApply()
            .stream()
            .filter(DaemonSet.class::isInstance)
            .map(DaemonSet.class::cast)
            .findFirst()
            .orElseThrow();
    // As JSON: the API's copy has empty lists where the desired one has none.
    assertThat(JSON.asJson(applied.getSpec())).isEqualTo(JSON.asJson(rendered.getSpec()));
  }

  @Test
  void aNewImageRollsTheDaemonSet() {
    // The admin allows the project's agent from its own registry, at any version.
    cluster.stopOperator();
    cluster.runOperator(
        o ->
            o.withAdmissionPolicy(
                new io.onescaphandre.operator.admission.AdmissionPolicy(
                    "one-scaphandre-agent:0.1.0",
                    java.util.Set.of("registry.example/one-scaphandre-agent:*"),
                    java.util.Set.of("registry.example/one-scaphandre-agent:*"),
                    false,
                    false)));
    createAndAwaitAll();
    String before =
        get(DaemonSet.class, "lab-agent")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getImage();
    assertThat(before).isEqualTo("one-scaphandre-agent:0.1.0");
    cluster.editMonitor(
        NAMESPACE,
        "lab",
        m -> m.getSpec().getAgent().setImage("registry.example/one-scaphandre-agent:0.2.0"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              DaemonSet ds = get(DaemonSet.class, "lab-agent");
              assertThat(ds.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                  .isEqualTo("registry.example/one-scaphandre-agent:0.2.0");
              assertThat(ds.getSpec().getTemplate().getSpec().getInitContainers().get(0).getImage())
                  .isEqualTo("registry.example/one-scaphandre-agent:0.2.0");
              MonitorAssert.assertThat(current()).observedGeneration(2);
            });
  }

  @Test
  void aHandEditedDaemonSetIsRestored() {
    createAndAwaitAll();
    DaemonSet wanted = get(DaemonSet.class, "lab-agent");
    client
        .apps()
        .daemonSets()
        .inNamespace(NAMESPACE)
        .withName("lab-agent")
        .edit(
            ds -> {
              ds.getSpec().getTemplate().getSpec().setHostPID(false);
              ds.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getSecurityContext()
                  .setPrivileged(true);
              return ds;
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              DaemonSet ds = get(DaemonSet.class, "lab-agent");
              assertThat(ds.getSpec().getTemplate().getSpec().getHostPID()).isTrue();
              assertThat(JSON.asJson(ds.getSpec())).isEqualTo(JSON.asJson(wanted.getSpec()));
            });
    client
        .resources(ConfigMap.class)
        .inNamespace(NAMESPACE)
        .withName("lab-prometheus-job")
        .delete();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ConfigMap plainJob = get(ConfigMap.class, "lab-prometheus-job");
              assertThat(plainJob).isNotNull();
              assertThat(ScrapeTargets.of(plainJob)).hasSize(2);
            });
  }

  @Test
  void steadyStateMakesNoWriteRequests() {
    createAndAwaitAll();
    cluster.awaitQuiet(Duration.ofSeconds(1));
    cluster.operatorWritesSinceLastCall();
    long before = cluster.reconciles().finished();
    // A node change makes every monitor reconcile; this one changes nothing the monitor cares
    // about.
    client
        .nodes()
        .resource(
            new io.fabric8.kubernetes.api.model.NodeBuilder()
                .withNewMetadata()
                .withName("web-1")
                .addToLabels("role", "web")
                .endMetadata()
                .build())
        .create();
    await().atMost(WAIT).until(() -> cluster.reconciles().finished() >= before + 1);
    cluster.awaitQuiet(Duration.ofSeconds(1));
    assertThat(cluster.reconciles().finished()).isGreaterThan(before);
    assertThat(cluster.reconciles().failed()).isZero();
    assertThat(cluster.operatorWritesSinceLastCall()).isEmpty();
  }

  @Test
  void deletingTheMonitorRemovesWhatItMadeAndTheLabelsItSet() {
    createAndAwaitAll();
    client
        .nodes()
        .resource(
            io.onescaphandre.operator.testsupport.Fixtures.withHostIdLabel(
                kvmNode("kvm-9", "10.0.0.9"), 19))
        .create();
    await().atMost(WAIT).untilAsserted(() -> MonitorAssert.assertThat(current()).hasMappedHosts(3));
    client.resources(ScaphandreMonitor.class).inNamespace(NAMESPACE).withName("lab").delete();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(current()).isNull();
              assertThat(get(ServiceAccount.class, "lab-agent")).isNull();
              assertThat(get(DaemonSet.class, "lab-agent")).isNull();
              assertThat(get(PodMonitor.class, "lab")).isNull();
              assertThat(get(ScrapeConfig.class, "lab")).isNull();
              assertThat(get(PrometheusRule.class, "lab")).isNull();
              assertThat(get(ConfigMap.class, "lab-prometheus-job")).isNull();
              for (String name : List.of("kvm-1", "kvm-2")) {
                Node node = client.nodes().withName(name).get();
                assertThat(node.getMetadata().getLabels())
                    .doesNotContainKey(MonitorNames.HOST_ID_LABEL);
                assertThat(node.getMetadata().getAnnotations())
                    .doesNotContainKeys(
                        MonitorNames.HOST_ID_SOURCE_ANNOTATION,
                        MonitorNames.LABELLED_BY_ANNOTATION);
              }
            });
    // A label someone else set stays.
    assertThat(client.nodes().withName("kvm-9").get().getMetadata().getLabels())
        .containsEntry(MonitorNames.HOST_ID_LABEL, "19");
  }

  @Test
  void anInvalidSpecIsAConditionWithItsReasonAndMakesNothing() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getAgent().setPort(70000);
    m.getSpec().getHostId().setStaticIds(new LinkedHashMap<>(Map.of("kvm-1", 5L, "kvm-2", 5L)));
    client.resource(m).create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                MonitorAssert.assertThat(current())
                    .hasCondition(Condition.READY, Condition.FALSE, Reasons.INVALID_SPEC)
                    .hasCondition(Condition.DEGRADED, Condition.TRUE, Reasons.INVALID_SPEC)
                    .conditionMessageContains(
                        Condition.READY, "agent.port 70000 is outside 1-65535")
                    .conditionMessageContains(Condition.READY, "gives host id 5 to several nodes"));
    cluster.awaitQuiet(Duration.ofMillis(500));
    assertThat(get(DaemonSet.class, "lab-agent")).isNull();
    assertThat(get(ServiceAccount.class, "lab-agent")).isNull();
    assertThat(client.nodes().withName("kvm-1").get().getMetadata().getLabels())
        .doesNotContainKey(MonitorNames.HOST_ID_LABEL);
    assertThat(cluster.reconciles().failed()).isZero();
  }
}
