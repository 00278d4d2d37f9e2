package io.onescaphandre.operator.reconciler;

import static io.onescaphandre.operator.testsupport.Fixtures.NAMESPACE;
import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.onescaphandre.operator.admission.AdmissionPolicy;
import io.onescaphandre.operator.api.Condition;
import io.onescaphandre.operator.api.PowerSourceType;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.status.Reasons;
import io.onescaphandre.operator.testsupport.MockCluster;
import io.onescaphandre.operator.testsupport.MockClusterExtension;
import io.onescaphandre.operator.testsupport.MonitorAssert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A monitor asking for an image or arguments the admin did not allow: Degraded with its reason, an
 * Event, and its DaemonSet left exactly as it was. Mock API server, SSA off.
 */
class AdmissionPolicyMockTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String DEFAULT_IMAGE = "registry.example/one-scaphandre-agent:0.1.0";
  private MockCluster cluster;
  private KubernetesClient client;

  /** Each test's own mock API server, closed by JUnit after it. */
  @RegisterExtension final MockClusterExtension mock = new MockClusterExtension();

  @BeforeEach
  void start() {
    cluster = mock.cluster().withPrometheusOperatorAndKvmNodes(1);
    client = cluster.client();
    cluster.runOperator(o -> o.withAdmissionPolicy(AdmissionPolicy.defaults(DEFAULT_IMAGE)));
  }

  private ScaphandreMonitor current() {
    return client.resources(ScaphandreMonitor.class).inNamespace(NAMESPACE).withName("lab").get();
  }

  private DaemonSet daemonSet() {
    return client.apps().daemonSets().inNamespace(NAMESPACE).withName("lab-agent").get();
  }

  private void editAgent(
      java.util.function.Consumer<io.onescaphandre.operator.api.AgentSpec> edit) {
    cluster.editMonitor(NAMESPACE, "lab", m -> edit.accept(m.getSpec().getAgent()));
  }

  private List<String> eventReasons() {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> "lab".equals(e.getInvolvedObject().getName()))
        .map(e -> e.getReason())
        .toList();
  }

  /** A monitor within the default policy, reconciled and quiet: its DaemonSet as applied. */
  private DaemonSet createLabAndAwaitItsDaemonSet() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getHostId().setStaticIds(new LinkedHashMap<>(Map.of("kvm-1", 11L)));
    client.resource(m).create();
    await().atMost(WAIT).untilAsserted(() -> assertThat(daemonSet()).isNotNull());
    cluster.awaitQuiet(Duration.ofMillis(300));
    return daemonSet();
  }

  @Test
  void aForeignImageOrExtraArgsLeaveTheDaemonSetAsItWas() {
    DaemonSet before = createLabAndAwaitItsDaemonSet();
    assertThat(before.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo(DEFAULT_IMAGE);

    editAgent(a -> a.setImage("evil.example/miner:1"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              MonitorAssert.assertThat(current())
                  .observedGeneration(2)
                  .hasCondition(Condition.DEGRADED, Condition.TRUE, Reasons.AGENT_IMAGE_NOT_ALLOWED)
                  .conditionMessageContains(
                      Condition.DEGRADED, "agent image evil.example/miner:1 is not allowed")
                  .conditionMessageContains(Condition.DEGRADED, "init image evil.example/miner:1")
                  .hasCondition(Condition.READY, Condition.FALSE, Reasons.AGENT_IMAGE_NOT_ALLOWED)
                  .hasCondition(
                      Condition.PROGRESSING, Condition.FALSE, Reasons.AGENT_IMAGE_NOT_ALLOWED);
              assertThat(eventReasons()).contains("Degraded" + Reasons.AGENT_IMAGE_NOT_ALLOWED);
            });
    cluster.awaitQuiet(Duration.ofMillis(300));
    assertThat(daemonSet()).as("the DaemonSet is not touched").isEqualTo(before);

    editAgent(
        a -> {
          a.setImage(null);
          a.setExtraArgs(new ArrayList<>(List.of("--web.listen-address=:1")));
        });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              MonitorAssert.assertThat(current())
                  .observedGeneration(3)
                  .hasCondition(Condition.DEGRADED, Condition.TRUE, Reasons.EXTRA_ARGS_NOT_ALLOWED);
              assertThat(eventReasons()).contains("Degraded" + Reasons.EXTRA_ARGS_NOT_ALLOWED);
            });
    cluster.awaitQuiet(Duration.ofMillis(300));
    assertThat(daemonSet()).isEqualTo(before);

    // Back within the policy: reconciled again, the condition clears.
    editAgent(
        a -> {
          a.setExtraArgs(new ArrayList<>());
          a.setInterval("5s");
        });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              MonitorAssert.assertThat(current())
                  .observedGeneration(4)
                  .hasCondition(Condition.DEGRADED, Condition.FALSE, Reasons.AS_EXPECTED);
              assertThat(
                      daemonSet()
                          .getSpec()
                          .getTemplate()
                          .getSpec()
                          .getContainers()
                          .get(0)
                          .getArgs())
                  .contains("--interval=5s");
            });
  }

  @Test
  void anImageTheAdminAllowsIsApplied() {
    cluster.stopOperator();
    cluster.runOperator(
        o ->
            o.withAdmissionPolicy(
                new AdmissionPolicy(
                    DEFAULT_IMAGE,
                    Set.of("registry.example/one-scaphandre-agent:*"),
                    Set.of(),
                    false,
                    false)));
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getHostId().setStaticIds(new LinkedHashMap<>(Map.of("kvm-1", 11L)));
    m.getSpec().getAgent().setImage("registry.example/one-scaphandre-agent:0.2.0");
    m.getSpec().getAgent().setInitImage(DEFAULT_IMAGE);
    client.resource(m).create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(daemonSet())
                    .isNotNull()
                    .satisfies(
                        ds ->
                            assertThat(
                                    ds.getSpec()
                                        .getTemplate()
                                        .getSpec()
                                        .getContainers()
                                        .get(0)
                                        .getImage())
                                .isEqualTo("registry.example/one-scaphandre-agent:0.2.0")));
  }

  @Test
  void ipmiWithoutTheAdminsConsentIsRefusedAndTheDaemonSetStaysUnprivileged() {
    DaemonSet before = createLabAndAwaitItsDaemonSet();
    assertThat(
            before
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getSecurityContext()
                .getPrivileged())
        .isFalse();

    cluster.editMonitor(
        NAMESPACE,
        "lab",
        edited ->
            edited
                .getSpec()
                .getPower()
                .setSources(new ArrayList<>(List.of(PowerSourceType.IPMI, PowerSourceType.RAPL))));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              MonitorAssert.assertThat(current())
                  .observedGeneration(2)
                  .hasCondition(
                      Condition.DEGRADED,
                      Condition.TRUE,
                      Reasons.PRIVILEGED_POWER_SOURCE_NOT_ALLOWED)
                  .conditionMessageContains(Condition.DEGRADED, "--allow-privileged-power-sources")
                  .hasCondition(
                      Condition.READY,
                      Condition.FALSE,
                      Reasons.PRIVILEGED_POWER_SOURCE_NOT_ALLOWED);
              assertThat(eventReasons())
                  .contains("Degraded" + Reasons.PRIVILEGED_POWER_SOURCE_NOT_ALLOWED);
            });
    cluster.awaitQuiet(Duration.ofMillis(300));
    assertThat(daemonSet())
        .as("the DaemonSet is not touched: no privileged agent")
        .isEqualTo(before);
  }

  @Test
  void ipmiIsAppliedPrivilegedWhenTheAdminAllowsIt() {
    cluster.stopOperator();
    cluster.runOperator(
        o ->
            o.withAdmissionPolicy(
                new AdmissionPolicy(
                    DEFAULT_IMAGE,
                    AdmissionPolicy.defaultAgentImages(),
                    AdmissionPolicy.defaultInitImages(),
                    false,
                    true)));
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getHostId().setStaticIds(new LinkedHashMap<>(Map.of("kvm-1", 11L)));
    m.getSpec()
        .getPower()
        .setSources(new ArrayList<>(List.of(PowerSourceType.IPMI, PowerSourceType.RAPL)));
    client.resource(m).create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(daemonSet())
                    .isNotNull()
                    .satisfies(
                        ds ->
                            assertThat(
                                    ds.getSpec()
                                        .getTemplate()
                                        .getSpec()
                                        .getContainers()
                                        .get(0)
                                        .getSecurityContext()
                                        .getPrivileged())
                                .isTrue()));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                MonitorAssert.assertThat(current())
                    .hasCondition(Condition.DEGRADED, Condition.FALSE, Reasons.AS_EXPECTED));
  }
}
