package io.onescaphandre.operator.reconciler;

import static io.onescaphandre.operator.testsupport.Fixtures.NAMESPACE;
import static io.onescaphandre.operator.testsupport.Fixtures.kvmNode;
import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.ScrapeConfig;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.PlainJobConfigMapDependent;
import io.onescaphandre.operator.testsupport.MockCluster;
import io.onescaphandre.operator.testsupport.MonitorAssert;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Create, update, drift and delete of a monitor against the mock API server (SSA off). */
class MonitorLifecycleMockTest {
  private MockCluster cluster;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    cluster = MockCluster.start();
    client = cluster.client();
    cluster.installPrometheusOperatorCrds();
    client.nodes().resource(kvmNode("kvm-1", "10.0.0.1")).create();
    client.nodes().resource(kvmNode("kvm-2", "10.0.0.2")).create();
    cluster.runOperator();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private ScaphandreMonitor create() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getHostId().setStaticIds(new java.util.LinkedHashMap<>(Map.of("kvm-1", 11L, "kvm-2", 12L)));
    m.getSpec().getPrometheus().getScrapeConfig().setEnabled(true);
    return client.resource(m).create();
  }

  private ScaphandreMonitor current() {
    return client.resources(ScaphandreMonitor.class).inNamespace(NAMESPACE).withName("lab").get();
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> T get(Class<T> type, String name) {
    return client.resources(type).inNamespace(NAMESPACE).withName(name).get();
  }

  @Test
  void createMakesEveryObjectLabelsNodesAndReportsStatus() {
    create();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(get(ServiceAccount.class, "lab-agent")).isNotNull();
      assertThat(get(DaemonSet.class, "lab-agent")).isNotNull();
      assertThat(get(PodMonitor.class, "lab")).isNotNull();
      assertThat(get(ScrapeConfig.class, "lab")).isNotNull();
      assertThat(get(PrometheusRule.class, "lab")).isNotNull();
      assertThat(get(ConfigMap.class, "lab-prometheus-job")).isNotNull();
      MonitorAssert.assertThat(current()).observedGeneration(1).hasMappedHosts(2)
          .hasNode("kvm-1", 11L, "static").hasNode("kvm-2", 12L, "static");
    });
    DaemonSet ds = get(DaemonSet.class, "lab-agent");
    assertThat(ds.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("ScaphandreMonitor"));
    Node kvm1 = client.nodes().withName("kvm-1").get();
    assertThat(kvm1.getMetadata().getLabels()).containsEntry(MonitorNames.HOST_ID_LABEL, "11");
    assertThat(kvm1.getMetadata().getAnnotations())
        .containsEntry(MonitorNames.HOST_ID_SOURCE_ANNOTATION, "static")
        .containsEntry(MonitorNames.LABELLED_BY_ANNOTATION, NAMESPACE + "/lab");
    assertThat(get(ConfigMap.class, "lab-prometheus-job").getData().get(PlainJobConfigMapDependent.DATA_KEY))
        .contains("10.0.0.1:8080").contains("host_id: \"11\"");
  }
}
