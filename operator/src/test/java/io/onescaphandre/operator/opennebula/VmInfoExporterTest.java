package io.onescaphandre.operator.opennebula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onescaphandre.operator.opennebula.FakeOpenNebula.Reply;
import io.onescaphandre.operator.opennebula.OpenNebulaFixtures.HistoryFixture;
import io.onescaphandre.operator.opennebula.OpenNebulaFixtures.VmFixture;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VmInfoExporterTest {
  private FakeOpenNebula one;
  private CachingOpenNebulaClient client;

  @BeforeEach
  void start() throws Exception {
    one = new FakeOpenNebula();
    one.answerBody("one.vmpool.info", OpenNebulaFixtures.vmPoolShort(OpenNebulaFixtures.VMS));
    client =
        new CachingOpenNebulaClient(
            new XmlRpcOpenNebulaClient(one.settings(), RetryPolicy.NONE, d -> {}),
            Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    one.close();
  }

  private static List<String> vmInfoLines(PrometheusMeterRegistry registry) {
    return registry.scrape().lines().filter(l -> l.startsWith("opennebula_vm_info")).toList();
  }

  @Test
  void exportsOneSeriesPerRunningVmOnAPrometheusRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (VmInfoExporter exporter = new VmInfoExporter(client, registry)) {
      VmInfoExporter.RefreshStatus status = exporter.refresh();

      assertThat(status.ok()).isTrue();
      assertThat(status.runningVms()).isEqualTo(4);
      assertThat(vmInfoLines(registry))
          .containsExactlyInAnyOrder(
              "opennebula_vm_info{gname=\"users\",hypervisor=\"kvm\",one_host_id=\"0\",one_vm_id=\"40\",uname=\"alice\",vm_name=\"web-1\"} 1",
              "opennebula_vm_info{gname=\"oneadmin\",hypervisor=\"kvm\",one_host_id=\"3\",one_vm_id=\"41\",uname=\"bob\",vm_name=\"db <primary> & co\"} 1",
              "opennebula_vm_info{gname=\"users\",hypervisor=\"lxc\",one_host_id=\"12\",one_vm_id=\"42\",uname=\"carol\",vm_name=\"ct-1\"} 1",
              "opennebula_vm_info{gname=\"users\",hypervisor=\"kvm\",one_host_id=\"7\",one_vm_id=\"43\",uname=\"alice\",vm_name=\"booting\"} 1");
      assertThat(registry.scrape()).contains("# TYPE opennebula_vm_info gauge");
    }
  }

  @Test
  void aVmThatStopsDisappearsAndTheLastPoolIsKeptWhileOpenNebulaIsDown() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (VmInfoExporter exporter = new VmInfoExporter(client, registry)) {
      exporter.refresh();
      List<VmFixture> afterShutdown = new ArrayList<>(OpenNebulaFixtures.VMS);
      afterShutdown.set(
          0,
          new VmFixture(
              40,
              "web-1",
              "alice",
              "users",
              8,
              0,
              List.of(new HistoryFixture(0, 0, "kvm-a.example.org", "kvm"))));
      one.answerBody("one.vmpool.info", OpenNebulaFixtures.vmPoolShort(afterShutdown));

      exporter.refresh();
      List<String> afterStop = vmInfoLines(registry);
      one.answer("one.vmpool.info", new Reply(503, "", Duration.ZERO));
      VmInfoExporter.RefreshStatus whileDown = exporter.refresh();

      assertThat(afterStop).hasSize(3).noneMatch(l -> l.contains("one_vm_id=\"40\""));
      assertThat(whileDown.ok()).isFalse();
      assertThat(whileDown.runningVms()).isEqualTo(3);
      assertThat(vmInfoLines(registry)).isEqualTo(afterStop);
    }
    assertThat(vmInfoLines(registry)).isEmpty();
  }

  @Test
  void otherRegistriesGetAMultiGaugeNamedVmInfo() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (VmInfoExporter exporter = new VmInfoExporter(client, registry)) {
      exporter.refresh();

      List<Gauge> gauges = List.copyOf(registry.find("opennebula_vm_info").gauges());
      assertThat(gauges).hasSize(4).allSatisfy(g -> assertThat(g.value()).isEqualTo(1.0));
      assertThat(
              registry
                  .find("opennebula_vm_info")
                  .tag("one_vm_id", "42")
                  .tag("hypervisor", "lxc")
                  .tag("one_host_id", "12")
                  .gauge())
          .isNotNull();
    }
  }

  @Test
  void refreshesOnItsOwnAtTheInterval() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (VmInfoExporter exporter = new VmInfoExporter(client, registry)) {
      exporter.start(Duration.ofMillis(50));
      await().atMost(Duration.ofSeconds(10)).until(() -> vmInfoLines(registry).size() == 4);

      one.answerBody("one.vmpool.info", "<VM_POOL/>");

      await().atMost(Duration.ofSeconds(10)).until(() -> vmInfoLines(registry).isEmpty());
    }
  }

  @Test
  void withoutAnyPoolNothingIsExportedAndTheFailureIsReported() throws Exception {
    try (FakeOpenNebula wrongSession = new FakeOpenNebula()) {
      CachingOpenNebulaClient badClient =
          new CachingOpenNebulaClient(
              new XmlRpcOpenNebulaClient(
                  wrongSession.settings("x:y", Duration.ofSeconds(5)), RetryPolicy.NONE, d -> {}),
              Clock.systemUTC());
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (VmInfoExporter exporter = new VmInfoExporter(badClient, registry)) {
        VmInfoExporter.RefreshStatus status = exporter.refresh();

        assertThat(status.failure()).hasMessageContaining("User couldn't be authenticated");
        assertThat(exporter.lastRefresh()).isEqualTo(status);
        assertThat(vmInfoLines(registry)).isEmpty();
      }
    }
  }
}
