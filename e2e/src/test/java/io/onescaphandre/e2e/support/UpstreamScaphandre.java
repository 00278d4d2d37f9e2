package io.onescaphandre.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Upstream Scaphandre 1.0.0 (unmodified, from crates.io) serving Prometheus metrics on a loopback
 * address, in a private mount namespace where a simulated RAPL tree is /sys/class/powercap
 * (e2e/lib/scaphandre-in-namespace.sh). Run as upstream's own install does: {@code prometheus
 * --qemu}.
 */
public final class UpstreamScaphandre implements AutoCloseable {
  private static final String MODULES =
      "intel_rapl_msr 20480 0 - Live 0x0000000000000000\n"
          + "intel_rapl_common 36864 1 intel_rapl_msr, Live 0x0000000000000000\n";

  private final ManagedProcess process;
  private final String metricsUrl;

  private UpstreamScaphandre(ManagedProcess process, String metricsUrl) {
    this.process = process;
    this.metricsUrl = metricsUrl;
  }

  public static UpstreamScaphandre start(
      String name, SimulatedRapl rapl, String address, int port) {
    Path dir = E2e.work(name);
    Path modules = dir.resolve("proc-modules");
    try {
      Files.writeString(modules, MODULES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path script = E2e.repoRoot().resolve("e2e/lib/scaphandre-in-namespace.sh");
    ManagedProcess process =
        ManagedProcess.start(
            name,
            List.of(
                script.toString(),
                rapl.powercap().toString(),
                E2e.cache().resolve("lib/fake-proc-modules.so").toString(),
                modules.toString(),
                E2e.bin("scaphandre").toString(),
                "prometheus",
                "--address",
                address,
                "--port",
                Integer.toString(port),
                "--qemu"),
            Map.of("RUST_BACKTRACE", "1"));
    UpstreamScaphandre scaphandre =
        new UpstreamScaphandre(process, "http://" + address + ":" + port + "/metrics");
    scaphandre.awaitHostPower(Duration.ofSeconds(90));
    return scaphandre;
  }

  public String metricsUrl() {
    return metricsUrl;
  }

  public ManagedProcess process() {
    return process;
  }

  public MetricsText scrape() {
    return MetricsText.scrape(metricsUrl);
  }

  /**
   * Scaphandre measures during the request and needs two readings before it reports power. It
   * refreshes only when more than 2 s passed since the previous request, and every request resets
   * that clock (upstream issue #434): polled every second it never measures. Hence 3 s here.
   */
  private void awaitHostPower(Duration timeout) {
    ProcessWaits.until(
        process,
        "Scaphandre to report host power",
        timeout,
        Duration.ofSeconds(3),
        () -> {
          try {
            return scrape().named("scaph_host_power_microwatts").isEmpty()
                ? "no scaph_host_power_microwatts yet"
                : "reported";
          } catch (IllegalStateException e) {
            return e.getMessage();
          }
        },
        "reported"::equals);
  }

  @Override
  public void close() {
    process.close();
  }
}
