package io.onescaphandre.e2e.phases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.onescaphandre.demo.PrometheusText;
import io.onescaphandre.e2e.support.E2e;
import io.onescaphandre.e2e.support.Figures;
import io.onescaphandre.e2e.support.Loopback;
import io.onescaphandre.e2e.support.ManagedProcess;
import io.onescaphandre.e2e.support.MetricsText;
import io.onescaphandre.e2e.support.Parts;
import io.onescaphandre.e2e.support.PromQl;
import io.onescaphandre.e2e.support.PrometheusServer;
import io.onescaphandre.e2e.support.QemuGuests;
import io.onescaphandre.e2e.support.SharedFixtures;
import io.onescaphandre.e2e.support.SimulatedRapl;
import io.onescaphandre.e2e.support.UpstreamScaphandre;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Phase 5, upstream half of the side-by-side: Scaphandre 1.0.0 from crates.io, with the same
 * simulated RAPL tree and the same QEMU guests, scraped by a real Prometheus 3 with the seed's
 * plain job (static target, {@code host_id} label). Records what the comparison table needs.
 */
class E05UpstreamScaphandreIT {
  private static final String HOST_ID = "7";

  @BeforeAll
  static void controlPlane() {
    E2e.assumeControlPlane();
  }

  @Test
  void upstreamScaphandreSeesTheGuestsByCommandLineOnlyAndIsScrapedByPrometheus() {
    List<QemuGuests.Guest> guests = SharedFixtures.guests().guests();
    String address = Loopback.nodeAddress(150);
    int port = Loopback.freePort();
    try (SimulatedRapl rapl = new SimulatedRapl(E2e.work("scaphandre-sysfs"), 2, 35, 40, 6);
        UpstreamScaphandre scaphandre =
            UpstreamScaphandre.start("scaphandre", rapl, address, port);
        PrometheusServer prometheus =
            PrometheusServer.start("scaphandre", plainJob(address + ":" + port), Map.of())) {
      PromQl api = prometheus.api();
      // The seed's job as it is: Prometheus 3 refuses a scrape whose Content-Type it cannot read
      // unless
      // the job names a fallback protocol, and Scaphandre 1.0 answers without one (upstream #400).
      String refusal = awaitScrapeError(api, Duration.ofSeconds(60));
      Figures.recordText(
          "side-by-side",
          "scaphandre scraped by Prometheus 3 with the seed's plain job",
          "refused: " + refusal);
      assertThat(refusal).containsIgnoringCase("content-type");
      prometheus.reload(
          plainJob(address + ":" + port)
              .replace(
                  "  static_configs:",
                  "  fallback_scrape_protocol: PrometheusText0.0.4\n  static_configs:"));
      double cpuBefore = scaphandre.process().cpuSeconds();
      long start = System.nanoTime();
      api.await(
          "up{job=\"scaphandre\",host_id=\"" + HOST_ID + "\"} == 1",
          r -> r.size() == 1,
          Duration.ofSeconds(60));
      Figures.recordText(
          "side-by-side", "scaphandre scraped by Prometheus 3 with fallback_scrape_protocol", "up");
      List<PromQl.Sample> power =
          api.await(
              "scaph_host_power_microwatts{host_id=\"" + HOST_ID + "\"}",
              r -> r.size() == 1,
              Duration.ofSeconds(60));
      Figures.record(
          "side-by-side", "scaphandre: simulated host power at that moment", rapl.hostWatts(), "W");
      Figures.record("side-by-side", "scaphandre host power", power.get(0).value() / 1e6, "W");
      assertThat(power.get(0).value() / 1e6).isBetween(1.0, 1000.0);

      // Let Prometheus scrape it for a while (Scaphandre does its work during each scrape).
      E04QemuGuestsIT.sleepSeconds(20);
      MetricsText scrape = scaphandre.scrape();
      for (QemuGuests.Guest guest : guests) {
        List<PrometheusText.Sample> vm =
            scrape.named("scaph_process_power_consumption_microwatts").stream()
                .filter(
                    s ->
                        s.labels()
                            .getOrDefault("cmdline", "")
                            .contains("guest=" + guest.vmName() + ","))
                .toList();
        assertThat(vm).as("%s's qemu process in Scaphandre's output", guest.vmName()).isNotEmpty();
        boolean identified =
            vm.stream().anyMatch(s -> guest.vmName().equals(s.labels().get("vmname")));
        Figures.recordText(
            "side-by-side",
            "scaphandre " + guest.vmName() + " identified by vmname",
            identified ? "yes" : "no (qemu-kvm-one is not qemu-system)");
        Figures.record(
            "side-by-side",
            "scaphandre "
                + guest.vmName()
                + " (duty "
                + guest.dutyPercent()
                + "%) power, mean of 20 s",
            sum(
                    api.query(
                        "sum(avg_over_time(scaph_process_power_consumption_microwatts{cmdline=~\".*guest="
                            + guest.vmName()
                            + ",.*\"}[20s]))"))
                / 1e6,
            "W");
      }
      double minutes = (System.nanoTime() - start) / 60e9;
      Figures.record(
          "side-by-side", "scaphandre series per host", scrape.samples().size(), "series");
      Figures.record("side-by-side", "scaphandre bytes per scrape", scrape.bytes(), "bytes");
      Figures.record(
          "side-by-side",
          "scaphandre CPU per minute (scraped every 5 s)",
          (scaphandre.process().cpuSeconds() - cpuBefore) / minutes,
          "s/min");
      Figures.record(
          "side-by-side", "scaphandre RSS", scaphandre.process().rssKib() / 1024.0, "MiB");
    }
  }

  /**
   * The other half: our builtin agent, same simulated tree parameters, same guests, same scrape
   * interval, run the same way (a process on a loopback address), for the same figures.
   */
  @Test
  void ourAgentOnTheSameHostForTheSameFigures() {
    Parts.assumeAgent();
    List<QemuGuests.Guest> guests = SharedFixtures.guests().guests();
    String address = Loopback.nodeAddress(151);
    int port = Loopback.freePort();
    try (SimulatedRapl rapl = new SimulatedRapl(E2e.work("agent-sysfs"), 2, 35, 40, 6);
        ManagedProcess agent =
            ManagedProcess.start(
                "agent-side-by-side",
                List.of(
                    Parts.javaBinary(),
                    "-Xmx96m",
                    "-jar",
                    Parts.agentJar().toString(),
                    "run",
                    "--path.sysfs=" + rapl.sysfs(),
                    "--web.listen-address=" + address + ":" + port),
                Map.of());
        PrometheusServer prometheus =
            PrometheusServer.start(
                "agent",
                plainJob(address + ":" + port).replace("job_name: scaphandre", "job_name: agent"),
                Map.of())) {
      PromQl api = prometheus.api();
      api.await("up{job=\"agent\"} == 1", r -> r.size() == 1, Duration.ofSeconds(90));
      double cpuBefore = agent.cpuSeconds();
      long start = System.nanoTime();
      List<PromQl.Sample> power =
          api.await(
              "opennebula_host_power_watts{host_id=\"" + HOST_ID + "\"}",
              r -> r.size() == 1,
              Duration.ofSeconds(60));
      Figures.record(
          "side-by-side", "our agent: simulated host power at that moment", rapl.hostWatts(), "W");
      Figures.record("side-by-side", "our agent host power", power.get(0).value(), "W");
      // Deliberate: 20 s of samples and scrapes before the per-VM figures are read.
      E04QemuGuestsIT.sleepSeconds(20);
      MetricsText scrape = MetricsText.scrape("http://" + address + ":" + port + "/metrics");
      for (QemuGuests.Guest guest : guests) {
        List<PrometheusText.Sample> vm =
            scrape.named("opennebula_vm_power_watts").stream()
                .filter(s -> Integer.toString(guest.vmId()).equals(s.labels().get("one_vm_id")))
                .toList();
        assertThat(vm).as("%s identified by our agent", guest.vmName()).hasSize(1);
        assertThat(vm.get(0).labels()).containsEntry("vmname", guest.vmName());
        Figures.recordText(
            "side-by-side", "our agent " + guest.vmName() + " identified by vmname", "yes");
        Figures.record(
            "side-by-side",
            "our agent "
                + guest.vmName()
                + " (duty "
                + guest.dutyPercent()
                + "%) power, mean of 20 s",
            sum(
                api.query(
                    "avg_over_time(opennebula_vm_power_watts{one_vm_id=\""
                        + guest.vmId()
                        + "\"}[20s])")),
            "W");
      }
      double minutes = (System.nanoTime() - start) / 60e9;
      Figures.record(
          "side-by-side", "our agent series per host", scrape.samples().size(), "series");
      Figures.record("side-by-side", "our agent bytes per scrape", scrape.bytes(), "bytes");
      Figures.record(
          "side-by-side",
          "our agent CPU per minute (scraped every 5 s)",
          (agent.cpuSeconds() - cpuBefore) / minutes,
          "s/min");
      Figures.record("side-by-side", "our agent RSS (-Xmx96m)", agent.rssKib() / 1024.0, "MiB");
    }
  }

  /** The last scrape error of the only target, once there is one. */
  private static String awaitScrapeError(PromQl api, Duration timeout) {
    try {
      return await("a scrape of the only target")
          .atMost(timeout)
          .pollInterval(Duration.ofSeconds(1))
          .pollDelay(Duration.ZERO)
          .until(() -> scrapeError(api), Objects::nonNull);
    } catch (ConditionTimeoutException e) {
      return "(no scrape within " + timeout + ")";
    }
  }

  /** The target's last scrape error, "(none: ...)" when it is up, null before its first scrape. */
  private static String scrapeError(PromQl api) {
    for (var target : api.activeTargets()) {
      String error = target.path("lastError").asText("");
      if (!error.isEmpty()) {
        return error;
      }
      if ("up".equals(target.path("health").asText())) {
        return "(none: the target is up)";
      }
    }
    return null;
  }

  private static double sum(List<PromQl.Sample> samples) {
    return samples.stream().mapToDouble(PromQl.Sample::value).sum();
  }

  /** The seed's generate_conf.sh output: one static target per host with its host_id. */
  private static String plainJob(String target) {
    return """
        global: {scrape_interval: 5s, evaluation_interval: 5s}
        scrape_configs:
        - job_name: scaphandre
          static_configs:
          - targets: ['%s']
            labels: {host_id: '%s'}
        """
        .formatted(target, HOST_ID);
  }
}
