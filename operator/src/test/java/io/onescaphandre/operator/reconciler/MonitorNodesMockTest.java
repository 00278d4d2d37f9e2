package io.onescaphandre.operator.reconciler;

import static io.onescaphandre.operator.testsupport.Fixtures.NAMESPACE;
import static io.onescaphandre.operator.testsupport.Fixtures.kvmNode;
import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static io.onescaphandre.operator.testsupport.Fixtures.withHostIdLabel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.ScrapeConfig;
import io.onescaphandre.operator.api.Condition;
import io.onescaphandre.operator.api.HostIdSourceType;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.PrometheusOperatorCrds;
import io.onescaphandre.operator.status.Reasons;
import io.onescaphandre.operator.testsupport.MockCluster;
import io.onescaphandre.operator.testsupport.MonitorAssert;
import io.onescaphandre.operator.testsupport.ScrapeTargets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ScrapeConfig and the plain job follow the nodes; missing Prometheus Operator CRDs are a
 * condition.
 */
class MonitorNodesMockTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private MockCluster cluster;
  private KubernetesClient client;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private void start(boolean prometheusOperator) {
    cluster = MockCluster.start();
    client = cluster.client();
    if (prometheusOperator) {
      cluster.installPrometheusOperatorCrds();
    }
    client.nodes().resource(withHostIdLabel(kvmNode("kvm-1", "10.0.0.1"), 11)).create();
    client.nodes().resource(kvmNode("kvm-2", "10.0.0.2")).create();
    cluster.runOperator();
  }

  /** kvm-1 by a label someone else set, kvm-2 by the monitor's static map. */
  private void createMonitor() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec()
        .getHostId()
        .setSources(List.of(HostIdSourceType.NODE_LABEL, HostIdSourceType.STATIC));
    m.getSpec().getHostId().setStaticIds(new LinkedHashMap<>(Map.of("kvm-2", 12L)));
    m.getSpec().getPrometheus().getScrapeConfig().setEnabled(true);
    client.resource(m).create();
  }

  private ScaphandreMonitor current() {
    return client.resources(ScaphandreMonitor.class).inNamespace(NAMESPACE).withName("lab").get();
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> T get(
      Class<T> type, String name) {
    return client.resources(type).inNamespace(NAMESPACE).withName(name).get();
  }

  /** Waits until both the ScrapeConfig and the plain job hold exactly these targets. */
  private void awaitTargets(String... targets) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ScrapeConfig sc = get(ScrapeConfig.class, "lab");
              ConfigMap job = get(ConfigMap.class, "lab-prometheus-job");
              assertThat(sc).isNotNull();
              assertThat(job).isNotNull();
              assertThat(ScrapeTargets.of(sc)).containsExactly(targets);
              assertThat(ScrapeTargets.of(job)).containsExactly(targets);
            });
  }

  @Test
  void targetsFollowNodesAddedRemovedAndRelabelled() {
    start(true);
    createMonitor();
    awaitTargets("10.0.0.1:8080 11 kvm-1", "10.0.0.2:8080 12 kvm-2");

    client.nodes().resource(withHostIdLabel(kvmNode("kvm-3", "10.0.0.3"), 13)).create();
    awaitTargets("10.0.0.1:8080 11 kvm-1", "10.0.0.2:8080 12 kvm-2", "10.0.0.3:8080 13 kvm-3");

    client
        .nodes()
        .withName("kvm-1")
        .edit(
            n -> {
              n.getMetadata().getLabels().put(MonitorNames.HOST_ID_LABEL, "21");
              return n;
            });
    awaitTargets("10.0.0.1:8080 21 kvm-1", "10.0.0.2:8080 12 kvm-2", "10.0.0.3:8080 13 kvm-3");

    client.nodes().withName("kvm-2").delete();
    awaitTargets("10.0.0.1:8080 21 kvm-1", "10.0.0.3:8080 13 kvm-3");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                MonitorAssert.assertThat(current())
                    .hasMappedHosts(2)
                    .hasNode("kvm-1", 21L, "nodeLabel")
                    .hasNode("kvm-3", 13L, "nodeLabel"));
  }

  @Test
  void aChangedStaticIdMovesTheNodeLabelAndTheTargets() {
    start(true);
    createMonitor();
    awaitTargets("10.0.0.1:8080 11 kvm-1", "10.0.0.2:8080 12 kvm-2");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(client.nodes().withName("kvm-2").get().getMetadata().getLabels())
                    .containsEntry(MonitorNames.HOST_ID_LABEL, "12"));
    cluster.editMonitor(
        NAMESPACE,
        "lab",
        m -> m.getSpec().getHostId().setStaticIds(new LinkedHashMap<>(Map.of("kvm-2", 22L))));
    awaitTargets("10.0.0.1:8080 11 kvm-1", "10.0.0.2:8080 22 kvm-2");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(client.nodes().withName("kvm-2").get().getMetadata().getLabels())
                    .containsEntry(MonitorNames.HOST_ID_LABEL, "22"));
    // The label another party set on kvm-1 is never rewritten by the operator.
    assertThat(client.nodes().withName("kvm-1").get().getMetadata().getAnnotations())
        .doesNotContainKey(MonitorNames.LABELLED_BY_ANNOTATION);
  }

  @Test
  void missingPrometheusOperatorCrdsAreAConditionAndTheMonitorsAppearWithThem() {
    start(false);
    createMonitor();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(get(DaemonSet.class, "lab-agent")).isNotNull();
              assertThat(get(ConfigMap.class, "lab-prometheus-job")).isNotNull();
              MonitorAssert.assertThat(current())
                  .hasCondition(
                      Condition.DEGRADED, Condition.TRUE, Reasons.PROMETHEUS_OPERATOR_MISSING)
                  .conditionMessageContains(Condition.DEGRADED, PrometheusOperatorCrds.POD_MONITORS)
                  .conditionMessageContains(
                      Condition.DEGRADED, PrometheusOperatorCrds.SCRAPE_CONFIGS)
                  .conditionMessageContains(
                      Condition.DEGRADED, PrometheusOperatorCrds.PROMETHEUS_RULES)
                  .hasMappedHosts(2);
            });
    assertThat(get(PodMonitor.class, "lab")).isNull();
    assertThat(get(ScrapeConfig.class, "lab")).isNull();
    assertThat(get(PrometheusRule.class, "lab")).isNull();
    assertThat(cluster.reconciles().failed()).isZero();

    cluster.installPrometheusOperatorCrds();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(get(PodMonitor.class, "lab")).isNotNull();
              assertThat(get(PrometheusRule.class, "lab")).isNotNull();
              MonitorAssert.assertThat(current())
                  .hasCondition(Condition.DEGRADED, Condition.FALSE, Reasons.AS_EXPECTED);
            });
    awaitTargets("10.0.0.1:8080 11 kvm-1", "10.0.0.2:8080 12 kvm-2");
  }

  @Test
  void onlyTheWatchedNamespacesAreReconciledAndNodesAreStillSeen() {
    cluster = MockCluster.start();
    client = cluster.client();
    cluster.installPrometheusOperatorCrds();
    client.nodes().resource(withHostIdLabel(kvmNode("kvm-1", "10.0.0.1"), 11)).create();
    cluster.runOperator(builder -> builder.withNamespaces(java.util.Set.of(NAMESPACE)));
    createMonitor();
    ScaphandreMonitor other = monitor("lab");
    other.getMetadata().setNamespace("elsewhere");
    client.resource(other).create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                MonitorAssert.assertThat(current())
                    .hasMappedHosts(1)
                    .hasNode("kvm-1", 11L, "nodeLabel"));
    awaitTargets("10.0.0.1:8080 11 kvm-1");
    cluster.awaitQuiet(Duration.ofMillis(500));
    ScaphandreMonitor unwatched =
        client.resources(ScaphandreMonitor.class).inNamespace("elsewhere").withName("lab").get();
    assertThat(unwatched.getStatus().getObservedGeneration()).isNull();
    assertThat(unwatched.getMetadata().getFinalizers()).isEmpty();
    assertThat(client.apps().daemonSets().inNamespace("elsewhere").withName("lab-agent").get())
        .isNull();
  }
}
