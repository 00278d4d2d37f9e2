package io.onescaphandre.operator.opennebula;

import static io.onescaphandre.operator.testsupport.Fixtures.NAMESPACE;
import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onescaphandre.operator.api.OpenNebulaSpec;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.SecretKeyRef;
import io.onescaphandre.operator.testsupport.MockCluster;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * opennebula_vm_info as the run command serves it: targets from the monitors, refreshed on their
 * interval.
 */
class OpenNebulaVmInfoServiceTest {
  private FakeOpenNebula one;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<OpenNebulaConnectionSettings> clientsCreated = new CopyOnWriteArrayList<>();
  private final AtomicReference<List<VmInfoService.Target>> targets =
      new AtomicReference<>(List.of());

  @BeforeEach
  void start() throws Exception {
    one =
        new FakeOpenNebula()
            .answerBody("one.vmpool.info", OpenNebulaFixtures.vmPoolShort(OpenNebulaFixtures.VMS));
  }

  @AfterEach
  void stop() {
    one.close();
  }

  private VmInfoService service() {
    return new VmInfoService(
        registry,
        targets::get,
        Duration.ofMinutes(5),
        Clock.systemUTC(),
        settings -> {
          clientsCreated.add(settings);
          return new XmlRpcOpenNebulaClient(settings, RetryPolicy.NONE, d -> {});
        });
  }

  private List<String> vmInfoLines() {
    return registry.scrape().lines().filter(l -> l.startsWith("opennebula_vm_info")).toList();
  }

  @Test
  void monitorsWithTheSameSettingsAreAskedOnceAndTheSmallestIntervalWins() {
    targets.set(
        List.of(
            new VmInfoService.Target(one.settings(), Duration.ofMinutes(5)),
            new VmInfoService.Target(one.settings(), Duration.ofSeconds(30))));
    try (VmInfoService service = service()) {
      VmInfoExporter.RefreshStatus status = service.refresh();

      assertThat(status.ok()).isTrue();
      assertThat(status.runningVms()).isEqualTo(4);
      assertThat(one.methodsCalled()).containsExactly("one.vmpool.info");
      assertThat(clientsCreated).hasSize(1);
      assertThat(service.nextDelay()).isEqualTo(Duration.ofSeconds(30));
      assertThat(vmInfoLines())
          .hasSize(4)
          .contains(
              "opennebula_vm_info{gname=\"users\",hypervisor=\"lxc\",one_host_id=\"12\",one_vm_id=\"42\",uname=\"carol\",vm_name=\"ct-1\"} 1");
    }
    assertThat(vmInfoLines()).isEmpty();
  }

  @Test
  void withoutMonitorsNothingIsExportedAndTheClientIsDropped() {
    targets.set(List.of(new VmInfoService.Target(one.settings(), null)));
    try (VmInfoService service = service()) {
      service.refresh();
      assertThat(vmInfoLines()).hasSize(4);

      targets.set(List.of());
      service.refresh();
      assertThat(vmInfoLines()).isEmpty();
      assertThat(service.nextDelay()).isEqualTo(Duration.ofMinutes(5));

      targets.set(List.of(new VmInfoService.Target(one.settings(), null)));
      service.refresh();
      assertThat(vmInfoLines()).hasSize(4);
      // the dropped client kept nothing: a new one was made
      assertThat(clientsCreated).hasSize(2);
    }
  }

  @Test
  void aRotatedSessionGetsANewClientAndAnUnreachableOpenNebulaKeepsItsLastPool() {
    targets.set(
        List.of(
            new VmInfoService.Target(one.settings("oneadmin:old", Duration.ofSeconds(2)), null)));
    try (VmInfoService service = service()) {
      VmInfoExporter.RefreshStatus refused = service.refresh();
      assertThat(refused.ok()).isFalse();
      assertThat(refused.failure().kind()).isEqualTo(OpenNebulaException.Kind.AUTHENTICATION);
      assertThat(vmInfoLines()).isEmpty();

      targets.set(List.of(new VmInfoService.Target(one.settings(), null)));
      assertThat(service.refresh().ok()).isTrue();
      assertThat(clientsCreated)
          .extracting(OpenNebulaConnectionSettings::session)
          .containsExactly("oneadmin:old", FakeOpenNebula.SESSION);
      List<String> good = vmInfoLines();
      assertThat(good).hasSize(4);

      one.close();
      VmInfoExporter.RefreshStatus down = service.refresh();
      assertThat(down.failure().kind()).isEqualTo(OpenNebulaException.Kind.UNREACHABLE);
      assertThat(down.runningVms()).isEqualTo(4);
      assertThat(vmInfoLines()).isEqualTo(good);
    }
  }

  @Test
  void startRefreshesAtOnceAndAgainUntilClosed() {
    targets.set(List.of(new VmInfoService.Target(one.settings(), Duration.ofMillis(10))));
    VmInfoService service = service();
    service.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> one.calls.size() >= 2);
    assertThat(service.nextDelay()).isEqualTo(VmInfoService.MIN_INTERVAL);
    assertThat(vmInfoLines()).hasSize(4);
    service.close();
    int calls = one.calls.size();
    assertThat(vmInfoLines()).isEmpty();
    await()
        .pollDelay(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(one.calls).hasSize(calls));
  }

  @Test
  void theTargetsAreTheMonitorsSpecOpenNebulaWithTheirSecrets() {
    try (MockCluster cluster = MockCluster.start()) {
      KubernetesClient client = cluster.client();
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("one-auth")
                  .withNamespace(NAMESPACE)
                  .addToLabels(MonitorOpenNebulaSettings.CREDENTIALS_LABEL, "true")
                  .endMetadata()
                  .withStringData(Map.of("one_auth", FakeOpenNebula.SESSION))
                  .build())
          .create();
      client.resource(withOpenNebula(monitor("a"), "one-auth", "2m")).create();
      client.resource(withOpenNebula(monitor("b"), "missing-secret", "1m")).create();
      client.resource(monitor("c")).create();
      ScaphandreMonitor elsewhere = withOpenNebula(monitor("d"), "one-auth", "1m");
      elsewhere.getMetadata().setNamespace("other");
      client.resource(elsewhere).create();

      List<VmInfoService.Target> found =
          VmInfoService.monitorTargets(client, java.util.Set.of(NAMESPACE)).get();

      assertThat(found)
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.settings().endpoint()).isEqualTo(one.endpoint());
                assertThat(t.settings().session()).isEqualTo(FakeOpenNebula.SESSION);
                assertThat(t.refreshInterval()).isEqualTo(Duration.ofMinutes(2));
              });
      // all namespaces: d's Secret is not in its namespace, so it is left out too
      assertThat(VmInfoService.monitorTargets(client, java.util.Set.of()).get()).hasSize(1);

      targets.set(VmInfoService.monitorTargets(client, java.util.Set.of()).get());
      try (VmInfoService service = service()) {
        assertThat(service.refresh().runningVms()).isEqualTo(4);
      }
    }
  }

  private ScaphandreMonitor withOpenNebula(ScaphandreMonitor m, String secret, String interval) {
    OpenNebulaSpec spec = new OpenNebulaSpec();
    spec.setEndpoint(one.endpoint().toString());
    spec.setSecretRef(new SecretKeyRef(secret, null));
    spec.setRefreshInterval(interval);
    m.getSpec().setOpenNebula(spec);
    return m;
  }
}
