package io.onescaphandre.operator.opennebula;

import static io.onescaphandre.operator.testsupport.Fixtures.NAMESPACE;
import static io.onescaphandre.operator.testsupport.Fixtures.kvmNode;
import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.ScrapeConfig;
import io.onescaphandre.operator.api.Condition;
import io.onescaphandre.operator.api.HostIdSourceType;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.OpenNebulaSpec;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.SecretKeyRef;
import io.onescaphandre.operator.opennebula.OpenNebulaFixtures.HostFixture;
import io.onescaphandre.operator.status.Reasons;
import io.onescaphandre.operator.testsupport.MockCluster;
import io.onescaphandre.operator.testsupport.MonitorAssert;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The openNebulaApi host id source end to end: the operator against the mock API server (CRUD, SSA
 * off), the monitor's Secret in it, and a fake oned on a loopback port.
 */
class OpenNebulaHostIdSourceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<HostFixture> HOSTS =
      List.of(
          new HostFixture(5, "kvm-a", "kvm-a.example.org", "kvm", "kvm", 2, 0, "default"),
          new HostFixture(9, "lxc-b", "lxc-b", "lxc", "lxc", 2, 101, "containers"),
          new HostFixture(20, "vcenter-c", "vcenter-c", "vcenter", "vcenter", 2, 0, "default"));

  private FakeOpenNebula one;
  private MockCluster cluster;
  private KubernetesClient client;

  /** Settings of every OpenNebula client the operator created, in order. */
  private final List<OpenNebulaConnectionSettings> clientsCreated = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    one = new FakeOpenNebula().answerBody("one.hostpool.info", OpenNebulaFixtures.hostPool(HOSTS));
    cluster = MockCluster.start();
    client = cluster.client();
    cluster.installPrometheusOperatorCrds();
    client.nodes().resource(kvmNode("kvm-a", "10.0.0.1")).create();
    client.nodes().resource(kvmNode("lxc-b", "10.0.0.2")).create();
    OpenNebulaConnections connections =
        new OpenNebulaConnections(
            settings -> {
              clientsCreated.add(settings);
              return new XmlRpcOpenNebulaClient(
                  settings, RetryPolicy.NONE, RetryPolicy.Sleeper.THREAD);
            },
            Clock.systemUTC());
    cluster.runOperator(new OpenNebulaApiHostDirectory(client, connections));
  }

  @AfterEach
  void stop() {
    cluster.close();
    one.close();
  }

  private void secret(String session) {
    Map<String, String> data =
        Map.of(
            "one_auth",
            Base64.getEncoder().encodeToString((session + "\n").getBytes(StandardCharsets.UTF_8)));
    var existing = client.secrets().inNamespace(NAMESPACE).withName("one-auth");
    if (existing.get() == null) {
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("one-auth")
                  .withNamespace(NAMESPACE)
                  .addToLabels(MonitorOpenNebulaSettings.CREDENTIALS_LABEL, "true")
                  .endMetadata()
                  .withData(data)
                  .build())
          .create();
    } else {
      existing.edit(s -> new SecretBuilder(s).withData(data).build());
    }
  }

  private ScaphandreMonitor create() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getHostId().setSources(new ArrayList<>(List.of(HostIdSourceType.OPEN_NEBULA_API)));
    OpenNebulaSpec spec = new OpenNebulaSpec();
    spec.setEndpoint(one.endpoint().toString());
    spec.setSecretRef(new SecretKeyRef("one-auth", null));
    spec.setTimeout("2s");
    spec.setRefreshInterval("5s");
    m.getSpec().setOpenNebula(spec);
    m.getSpec().getPrometheus().getScrapeConfig().setEnabled(true);
    return client.resource(m).create();
  }

  private ScaphandreMonitor current() {
    return client.resources(ScaphandreMonitor.class).inNamespace(NAMESPACE).withName("lab").get();
  }

  private Map<String, String> labels(String node) {
    Map<String, String> labels = client.nodes().withName(node).get().getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  private void awaitBothMapped() {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                MonitorAssert.assertThat(current())
                    .hasMappedHosts(2)
                    .hasNode("kvm-a", 5L, "openNebulaApi")
                    .hasNode("lxc-b", 9L, "openNebulaApi")
                    .hasCondition(Condition.DEGRADED, Condition.FALSE, Reasons.AS_EXPECTED));
  }

  @Test
  void nodesGetTheirHostIdsFromOpenNebulaAndAnLxcHostCountsLikeKvm() {
    secret(FakeOpenNebula.SESSION);
    create();
    awaitBothMapped();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(labels("kvm-a")).containsEntry(MonitorNames.HOST_ID_LABEL, "5");
              assertThat(labels("lxc-b")).containsEntry(MonitorNames.HOST_ID_LABEL, "9");
              ScrapeConfig scrape =
                  client.resources(ScrapeConfig.class).inNamespace(NAMESPACE).withName("lab").get();
              assertThat(scrape).isNotNull();
              assertThat(scrape.getSpec().getStaticConfigs())
                  .anySatisfy(c -> assertThat(c.getLabels()).containsEntry("host_id", "5"))
                  .anySatisfy(c -> assertThat(c.getLabels()).containsEntry("host_id", "9"));
            });
    Node kvm = client.nodes().withName("kvm-a").get();
    assertThat(kvm.getMetadata().getAnnotations())
        .containsEntry(MonitorNames.HOST_ID_SOURCE_ANNOTATION, "openNebulaApi");
    assertThat(one.calls)
        .allSatisfy(c -> assertThat(c.session()).isEqualTo(FakeOpenNebula.SESSION));
    // Reconciles come back every refreshInterval and reuse the one client; an unchanged pool writes
    // nothing.
    // First let what the mapping itself caused (status patch, events) land: on a loaded machine it
    // can
    // still be in flight here. If every refresh wrote, this wait would time out and fail the test.
    await()
        .atMost(WAIT)
        .until(
            () -> {
              cluster.operatorWritesSinceLastCall();
              int before = one.calls.size();
              await().atMost(WAIT).until(() -> one.calls.size() > before);
              return cluster.operatorWritesSinceLastCall().isEmpty();
            });
    int calls = one.calls.size();
    await().atMost(WAIT).until(() -> one.calls.size() >= calls + 3);
    assertThat(cluster.operatorWritesSinceLastCall()).isEmpty();
    assertThat(clientsCreated).hasSize(1);
    assertThat(cluster.reconciles().failed()).isZero();
  }

  @Test
  void aRefusedSessionIsDegradedWithOpenNebulasWordsAndNothingCrashes() {
    secret("oneadmin:wrong");
    create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                MonitorAssert.assertThat(current())
                    .hasCondition(
                        Condition.DEGRADED,
                        Condition.TRUE,
                        Reasons.OPEN_NEBULA_AUTHENTICATION_FAILED)
                    .conditionMessageContains(Condition.DEGRADED, "User couldn't be authenticated")
                    .conditionMessageContains(Condition.DEGRADED, "spec.openNebula.secretRef")
                    .hasNode("kvm-a", null, null)
                    .hasMappedHosts(0));
    assertThat(labels("kvm-a")).doesNotContainKey(MonitorNames.HOST_ID_LABEL);
    assertThat(cluster.reconciles().failed()).isZero();
  }

  @Test
  void aMissingSecretIsDegradedNamingIt() {
    create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                MonitorAssert.assertThat(current())
                    .hasCondition(
                        Condition.DEGRADED, Condition.TRUE, Reasons.OPEN_NEBULA_SECRET_MISSING)
                    .conditionMessageContains(
                        Condition.DEGRADED, "Secret " + NAMESPACE + "/one-auth")
                    .conditionMessageContains(Condition.DEGRADED, "does not exist"));
    assertThat(one.calls).isEmpty();
    assertThat(cluster.reconciles().failed()).isZero();
  }

  @Test
  void hostIdsSurviveOpenNebulaGoingAwayAndTheFailureIsShown() {
    secret(FakeOpenNebula.SESSION);
    create();
    awaitBothMapped();
    one.close();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                MonitorAssert.assertThat(current())
                    .hasCondition(
                        Condition.DEGRADED, Condition.TRUE, Reasons.OPEN_NEBULA_UNREACHABLE)
                    .conditionMessageContains(
                        Condition.DEGRADED, "host ids kept from the host pool read at")
                    .hasNode("kvm-a", 5L, "openNebulaApi")
                    .hasNode("lxc-b", 9L, "openNebulaApi")
                    .hasMappedHosts(2));
    assertThat(labels("kvm-a")).containsEntry(MonitorNames.HOST_ID_LABEL, "5");
    // While OpenNebula stays away the status says the same thing: nothing is written again. First
    // let
    // the writes of the transition itself land (a loaded machine delays them); if every reconcile
    // wrote, this wait would time out and fail the test.
    await()
        .atMost(WAIT)
        .until(
            () -> {
              cluster.operatorWritesSinceLastCall();
              long before = cluster.reconciles().finished();
              await().atMost(WAIT).until(() -> cluster.reconciles().finished() > before);
              return cluster.operatorWritesSinceLastCall().isEmpty();
            });
    long reconciles = cluster.reconciles().finished();
    await().atMost(WAIT).until(() -> cluster.reconciles().finished() >= reconciles + 3);
    assertThat(cluster.operatorWritesSinceLastCall()).isEmpty();
    assertThat(cluster.reconciles().failed()).isZero();
  }

  @Test
  void twoNodesMatchingOneHostAreDegradedNamingBothAndNeitherIsMapped() {
    client.nodes().resource(kvmNode("kvm-a.example.org", "10.0.0.3")).create();
    secret(FakeOpenNebula.SESSION);
    create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                MonitorAssert.assertThat(current())
                    .hasCondition(Condition.DEGRADED, Condition.TRUE, Reasons.HOST_ID_CONFLICT)
                    .conditionMessageContains(
                        Condition.DEGRADED,
                        "OpenNebula host kvm-a (id 5) matches several nodes: kvm-a, kvm-a.example.org")
                    .hasNode("kvm-a", null, null)
                    .hasNode("kvm-a.example.org", null, null)
                    .hasNode("lxc-b", 9L, "openNebulaApi"));
    assertThat(labels("kvm-a")).doesNotContainKey(MonitorNames.HOST_ID_LABEL);
  }

  @Test
  void aRotatedSecretIsUsedThroughANewClient() {
    secret("oneadmin:old-password");
    create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                MonitorAssert.assertThat(current())
                    .hasCondition(
                        Condition.DEGRADED,
                        Condition.TRUE,
                        Reasons.OPEN_NEBULA_AUTHENTICATION_FAILED));
    secret(FakeOpenNebula.SESSION);
    awaitBothMapped();
    assertThat(clientsCreated)
        .extracting(OpenNebulaConnectionSettings::session)
        .containsExactly("oneadmin:old-password", FakeOpenNebula.SESSION);
    int before = one.calls.size();
    await().atMost(WAIT).until(() -> one.calls.size() > before + 1);
    assertThat(one.calls.subList(before, one.calls.size()))
        .allSatisfy(c -> assertThat(c.session()).isEqualTo(FakeOpenNebula.SESSION));
  }
}
