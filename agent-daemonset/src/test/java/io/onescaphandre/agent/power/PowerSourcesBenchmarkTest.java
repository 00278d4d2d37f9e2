package io.onescaphandre.agent.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.onescaphandre.agent.rapl.RaplState;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BENCHMARKS figures of the power sources for docs/benchmarks/agent.md, excluded from the normal
 * build. Run with {@code ./mvnw -B -o -pl agent-daemonset test -Dagent.test.groups=benchmark
 * -Dagent.test.excludedGroups=none -Dtest=PowerSourcesBenchmarkTest}: the sampler thread's cost of
 * deciding the host total each sample (default sources, an ACPI meter present), and the cost of one
 * BMC poll on its own thread (ipmitool over lanplus, a Redfish GET chain), medians of CPU time.
 */
@Tag("benchmark")
class PowerSourcesBenchmarkTest {
  @TempDir Path dir;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private static double medianMicros(long[] nanos) {
    Arrays.sort(nanos);
    return nanos[nanos.length / 2] / 1e3;
  }

  @Test
  void perSampleCostOfTheHostTotal() throws IOException {
    Path meter = dir.resolve("sys/class/hwmon/hwmon3");
    Files.createDirectories(meter);
    Files.writeString(meter.resolve("name"), "power_meter\n");
    Files.writeString(meter.resolve("power1_average"), "245000000\n");
    Files.writeString(meter.resolve("power1_average_interval"), "1000\n");
    PlausibleWatts plausible = new PlausibleWatts(PlausibleWatts.DEFAULT_MAX_WATTS);
    try (HostPower power =
        new HostPower(
            PowerSourceName.parseList("redfish,acpi,rapl,estimate"),
            List.of(
                new PolledSource(
                    new RedfishSource(
                        new RedfishSettings(
                            BmcEndpoint.none(), null, null, null, null, Duration.ofSeconds(5)),
                        plausible),
                    Duration.ofSeconds(10)),
                new AcpiPowerMeterSource(dir.resolve("sys"), plausible)),
            new EstimateSource(PowerCurve.linear("configured", "bench", 100, 400)))) {
      int n = 20_000;
      long[] cpu = new long[n];
      long t = 0;
      for (int i = -5_000; i < n; i++) {
        t += 2_000_000_000L;
        long c0 = THREADS.getCurrentThreadCpuTime();
        HostPowerSample s = power.measure(t, RaplState.OK, 200.0, 2, 0.4);
        long c1 = THREADS.getCurrentThreadCpuTime();
        if (i >= 0) {
          cpu[i] = c1 - c0;
        }
        assertThat(s.totalSource()).isEqualTo(PowerSourceName.ACPI);
      }
      System.out.printf(
          Locale.ROOT,
          "BENCH host_total_per_sample_cpu_us_median=%.1f samples=%d%n",
          medianMicros(cpu),
          n);
    }
  }

  @Test
  void costOfOneBmcPoll() throws Exception {
    String ipmitool = Peers.ipmitool();
    Peers.requireModule("pyghmi");
    Peers.requireModule("sushy_tools");
    Path reading = Files.writeString(dir.resolve("reading"), "245 active\n");
    Path password = Files.writeString(dir.resolve("password"), "pw\n");
    int udp = Peers.freeUdpPort();
    int tcp = Peers.freeTcpPort();
    Path mockup = dir.resolve("mockup");
    Files.createDirectories(mockup.resolve("Chassis/1/Power"));
    Files.writeString(
        mockup.resolve("index.json"), "{\"Chassis\": {\"@odata.id\": \"/redfish/v1/Chassis\"}}");
    Files.writeString(
        mockup.resolve("Chassis/index.json"),
        "{\"Members\": [{\"@odata.id\": \"/redfish/v1/Chassis/1\"}]}");
    Files.writeString(
        mockup.resolve("Chassis/1/index.json"),
        "{\"Power\": {\"@odata.id\": \"/redfish/v1/Chassis/1/Power\"}}");
    Files.writeString(
        mockup.resolve("Chassis/1/Power/index.json"),
        "{\"PowerControl\": [{\"PowerConsumedWatts\": 300}]}");
    try (Peers.Peer bmc =
            new Peers.Peer(
                dir.resolve("bmc.log"),
                Peers.python().toString(),
                Path.of("src/test/resources/peers/dcmi_bmc.py").toAbsolutePath().toString(),
                Integer.toString(udp),
                reading.toString(),
                "u",
                "pw");
        Peers.Peer redfish =
            new Peers.Peer(
                dir.resolve("sushy.log"),
                Peers.python().resolve("../sushy-static").normalize().toString(),
                "-i",
                "127.0.0.1",
                "-p",
                Integer.toString(tcp),
                "-m",
                mockup.toString())) {
      PlausibleWatts plausible = new PlausibleWatts(PlausibleWatts.DEFAULT_MAX_WATTS);
      IpmiDcmiSource ipmi =
          new IpmiDcmiSource(
              new IpmiSettings(
                  ipmitool,
                  "lanplus",
                  "127.0.0.1",
                  udp,
                  "u",
                  password,
                  Duration.ofSeconds(10),
                  dir),
              plausible);
      Files.writeString(dir.resolve("user"), "u\n");
      RedfishSource rf =
          new RedfishSource(
              new RedfishSettings(
                  BmcEndpoint.of(URI.create("http://127.0.0.1:" + tcp)),
                  dir.resolve("user"),
                  password,
                  null,
                  null,
                  Duration.ofSeconds(5)),
              plausible);
      await("both BMC peers to answer")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> ipmi.read().usable() && rf.read().usable());
      int n = 50;
      long[] ipmiCpu = new long[n];
      long[] ipmiWall = new long[n];
      long[] rfCpu = new long[n];
      long[] rfWall = new long[n];
      for (int i = 0; i < n; i++) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        assertThat(ipmi.read().usable()).isTrue();
        ipmiWall[i] = System.nanoTime() - w0;
        ipmiCpu[i] = THREADS.getCurrentThreadCpuTime() - c0;
        c0 = THREADS.getCurrentThreadCpuTime();
        w0 = System.nanoTime();
        assertThat(rf.read().usable()).isTrue();
        rfWall[i] = System.nanoTime() - w0;
        rfCpu[i] = THREADS.getCurrentThreadCpuTime() - c0;
      }
      System.out.printf(
          Locale.ROOT,
          "BENCH ipmitool_poll_wall_ms_median=%.1f ipmitool_poll_agent_cpu_ms_median=%.2f"
              + " redfish_poll_wall_ms_median=%.1f redfish_poll_agent_cpu_ms_median=%.2f polls=%d%n",
          medianMicros(ipmiWall) / 1e3,
          medianMicros(ipmiCpu) / 1e3,
          medianMicros(rfWall) / 1e3,
          medianMicros(rfCpu) / 1e3,
          n);
    }
  }
}
