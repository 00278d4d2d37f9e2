package io.onescaphandre.operator.hostid;

import static io.onescaphandre.operator.testsupport.Fixtures.NAMESPACE;
import static io.onescaphandre.operator.testsupport.Fixtures.agentPod;
import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static io.onescaphandre.operator.testsupport.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.onescaphandre.operator.api.Condition;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.status.Reasons;
import io.onescaphandre.operator.testsupport.MockCluster;
import io.onescaphandre.operator.testsupport.MockClusterExtension;
import io.onescaphandre.operator.testsupport.MonitorAssert;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** hypervisorFiles end to end: the agent pods' init reports become node labels and status rows. */
class HostIdFromAgentReportTest {
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

  private ScaphandreMonitor current() {
    return client.resources(ScaphandreMonitor.class).inNamespace(NAMESPACE).withName("lab").get();
  }

  @Test
  void theInitReportsOfTheAgentPodsMapTheirNodes() {
    ScaphandreMonitor m = client.resource(monitor("lab")).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                MonitorAssert.assertThat(current())
                    .hasCondition(Condition.DEGRADED, Condition.TRUE, Reasons.HOST_IDS_MISSING));

    client.resource(agentPod(m, "kvm-1", report(12L, "ok"), true)).create();
    client.resource(agentPod(m, "kvm-2", report(13L, "ok", "acpi"), true)).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              MonitorAssert.assertThat(current())
                  .hasMappedHosts(2)
                  .hasNode("kvm-1", 12L, "hypervisorFiles")
                  .hasNode("kvm-2", 13L, "hypervisorFiles")
                  .hasCondition(Condition.DEGRADED, Condition.FALSE, Reasons.AS_EXPECTED);
              // status.nodes names the source of each node's host power, as the init found it.
              assertThat(current().getStatus().getNodes())
                  .extracting(n -> n.getName() + "=" + n.getPowerSource())
                  .containsExactlyInAnyOrder("kvm-1=rapl", "kvm-2=acpi");
              assertThat(client.nodes().withName("kvm-1").get().getMetadata().getLabels())
                  .containsEntry(MonitorNames.HOST_ID_LABEL, "12");
              assertThat(client.nodes().withName("kvm-2").get().getMetadata().getAnnotations())
                  .containsEntry(MonitorNames.HOST_ID_SOURCE_ANNOTATION, "hypervisorFiles");
            });
  }
}
