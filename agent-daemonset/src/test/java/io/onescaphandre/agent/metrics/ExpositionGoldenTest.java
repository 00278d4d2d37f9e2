package io.onescaphandre.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.agent.attribution.BusyCpuPolicy;
import io.onescaphandre.agent.bench.GeneratedHost;
import io.onescaphandre.agent.power.HostPowerSample;
import io.onescaphandre.agent.power.PowerCurve;
import io.onescaphandre.agent.power.PowerSourceName;
import io.onescaphandre.agent.power.SourceState;
import io.onescaphandre.agent.power.SourceStatus;
import io.onescaphandre.agent.rapl.RaplState;
import io.onescaphandre.agent.sampling.Sampler;
import io.onescaphandre.agent.sampling.Snapshot;
import io.onescaphandre.contracts.http.BoundedHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's own families (opennebula_*, scaph_*) as served, compared byte for byte with what the
 * agent served before the exposition was rendered once per sample (issue 18): the files under
 * {@code src/test/resources/io/onescaphandre/agent/metrics/} were written by the Micrometer
 * registry the agent used until then, for the same steps, in both formats. JVM and process families
 * (whose values are live) are left out here; {@link MetricsPublisherTest} checks they are served.
 *
 * <p>To write the files again: {@code -Dagent.golden.write=<directory>}.
 */
class ExpositionGoldenTest {
  private static final String TEXT = BoundedHttpServer.PROMETHEUS_TEXT;
  private static final String OPENMETRICS = BoundedHttpServer.OPENMETRICS_TEXT;

  @TempDir Path root;

  @Test
  void handMadeSnapshotsRenderAsBefore() throws IOException {
    MetricsPublisher publisher = new MetricsPublisher(MetricsPublisher.newRegistry(), root);
    StringBuilder transcript = new StringBuilder();
    record("before any sample", publisher, transcript);
    publisher.publish(firstSample(), 1_500_000);
    record("first sample: no power yet", publisher, transcript);
    publisher.publish(fullSample(2, 7), 2_500_000);
    publisher.publishHostId(Optional.of(MetricsPublisherTest.kvmHost12()));
    record("power, every family, host id", publisher, transcript);
    publisher.sampleFailed("IOException");
    publisher.sampleFailed("IOException");
    publisher.sampleFailed("IllegalStateException");
    record("three failed samples", publisher, transcript);
    publisher.publish(fullSample(3, 2), 3_000_000);
    publisher.publishHostId(Optional.empty());
    record("fewer VMs, no host id", publisher, transcript);
    publisher.publish(lostPower(4), 1_000_000);
    record("RAPL lost", publisher, transcript);
    compare("hand-made.txt", transcript.toString(), 0);
  }

  @Test
  void aGeneratedHostRendersAsBefore() throws IOException {
    GeneratedHost g = GeneratedHost.mixed(root.resolve("tree"), 40, 6, 3, 12);
    AtomicLong clock = new AtomicLong(1);
    Sampler sampler = new Sampler(g.procfs, g.sysfs, new BusyCpuPolicy(), clock::get, 5, 8);
    MetricsPublisher publisher = new MetricsPublisher(MetricsPublisher.newRegistry(), root);
    StringBuilder transcript = new StringBuilder();
    for (int i = 1; i <= 4; i++) {
      g.advance(2.0);
      clock.addAndGet(2_000_000_000L);
      publisher.publish(sampler.sample(), 1_000_000L * i);
      record("sample " + i, publisher, transcript);
    }
    // The sampler sums over hash maps keyed by enums, whose order changes from one JVM to the next:
    // its figures may differ in the last digit from one run to the next, the code unchanged.
    compare("generated-host.txt", transcript.toString(), 1e-12);
  }

  private static void record(String step, MetricsPublisher publisher, StringBuilder transcript) {
    transcript.append("=== ").append(step).append(" (text 0.0.4)\n");
    transcript.append(agentFamilies(publisher.scrape(TEXT)));
    transcript.append("=== ").append(step).append(" (OpenMetrics)\n");
    transcript.append(agentFamilies(publisher.scrape(OPENMETRICS)));
  }

  /** The blocks (# HELP, # TYPE, samples) of the agent's own families, in the order served. */
  static String agentFamilies(String exposition) {
    StringBuilder out = new StringBuilder();
    boolean keep = false;
    for (String line : exposition.split("\n", -1)) {
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ") || line.startsWith("# UNIT ")) {
        String name = line.substring(7);
        keep = name.startsWith("opennebula_") || name.startsWith("scaph_");
      } else if (line.equals("# EOF")) {
        out.append(line).append('\n');
        continue;
      }
      if (keep && !line.isEmpty()) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  /**
   * Byte for byte when {@code tolerance} is 0; else every line alike but sample values, which may
   * differ by that relative tolerance.
   */
  private static void compare(String file, String actual, double tolerance) throws IOException {
    String writeTo = System.getProperty("agent.golden.write");
    if (writeTo != null) {
      Files.createDirectories(Path.of(writeTo));
      Files.writeString(Path.of(writeTo, file), actual, StandardCharsets.UTF_8);
      return;
    }
    String expected;
    try (InputStream in = ExpositionGoldenTest.class.getResourceAsStream(file)) {
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (tolerance == 0) {
      assertThat(actual).isEqualTo(expected);
      return;
    }
    List<String> want = expected.lines().toList();
    List<String> got = actual.lines().toList();
    assertThat(got).hasSameSizeAs(want);
    for (int i = 0; i < want.size(); i++) {
      String w = want.get(i);
      String g = got.get(i);
      int space = w.lastIndexOf(' ');
      if (w.startsWith("#") || w.startsWith("===") || space < 0 || w.equals(g)) {
        assertThat(g).isEqualTo(w);
        continue;
      }
      assertThat(g.substring(0, g.lastIndexOf(' ') + 1)).isEqualTo(w.substring(0, space + 1));
      double wv = Double.parseDouble(w.substring(space + 1));
      double gv = Double.parseDouble(g.substring(g.lastIndexOf(' ') + 1));
      assertThat(gv)
          .as(w)
          .isCloseTo(wv, org.assertj.core.data.Offset.offset(Math.abs(wv) * tolerance));
    }
  }

  private static Snapshot firstSample() {
    return new Snapshot(
        1,
        RaplState.OK,
        false,
        0,
        0,
        0,
        Map.of("package", 1234.5, "dram", 67.25),
        zones(1234.5),
        Map.of(),
        List.of(),
        List.of(new Snapshot.Vm("42", "kvm", 0, 0, 0.5)),
        List.of(),
        List.of(),
        0,
        0,
        0,
        0,
        List.of(),
        3,
        0,
        1.5,
        new HostPowerSample(
            null,
            0,
            0,
            0,
            0,
            List.of(new SourceStatus(PowerSourceName.RAPL, SourceState.OK, 0, 1301.75, "")),
            null));
  }

  private static List<Snapshot.Zone> zones(double joules) {
    return List.of(
        new Snapshot.Zone("intel-rapl:0", "package", "0", joules * 0.6, "ok", 0, 0),
        new Snapshot.Zone("intel-rapl:0:0", "dram", "0", 33.5, "ok", 0, 0),
        new Snapshot.Zone("intel-rapl:1", "package", "1", joules * 0.4, "degraded", 2, 12.5),
        new Snapshot.Zone("intel-rapl:1:0", "dram", "1", 33.75, "unreadable", 1, 1e-7));
  }

  /** Every family with values: VMs, pods and services with their rest, odd label values. */
  private static Snapshot fullSample(long sequence, int vmCount) {
    List<Snapshot.Vm> vms = new ArrayList<>();
    for (int i = 0; i < vmCount; i++) {
      vms.add(
          new Snapshot.Vm(
              Integer.toString(40 + i),
              i % 3 == 2 ? "lxc" : "kvm",
              12.5 + i,
              1e6 * i + 0.1,
              3.0 * i));
    }
    return new Snapshot(
        sequence,
        RaplState.DEGRADED,
        true,
        2.0,
        301.4,
        123_456_789.125,
        Map.of("package", 2000.0 * sequence, "dram", 300.5, "host", 123_456_789.125),
        zones(2000.0 * sequence),
        Map.of("0", 140.0, "1", 120.000001),
        List.of(
            new Snapshot.DomainPower("dram", "0", 20.0),
            new Snapshot.DomainPower("package", "0", 140.0),
            new Snapshot.DomainPower("package", "1", 120.000001)),
        vms,
        List.of(
            new Snapshot.Pod("0000-aaaa", "app", 4.25, 100.0),
            new Snapshot.Pod("0000-bbbb", "sidecar \"x\"", 0.0, 0.0),
            new Snapshot.Pod(Snapshot.REST, Snapshot.REST, 1.5, 55.5)),
        List.of(
            new Snapshot.Service("sshd.service", 0.25, 3.0),
            new Snapshot.Service("weird\\unit\nname.service", Double.NaN, 1.0E21),
            new Snapshot.Service(Snapshot.REST, 0, 0.5)),
        7.75,
        9001.0,
        0.125,
        0.0,
        List.of(
            new Snapshot.ProcessPower(
                4242, "/usr/bin/qemu-kvm-one", "qemu -name guest=one-40", "one-40", 12.5),
            new Snapshot.ProcessPower(
                17, "/usr/bin/python3", "python3 -c \"print('é')\"", "", 1.0 / 3),
            new Snapshot.ProcessPower(18, "", "[kworker/0:1]", "", 1e-9)),
        250,
        3,
        12.5,
        new HostPowerSample(
            PowerSourceName.REDFISH,
            602.8,
            500.0,
            102.8,
            123_456_789.125,
            List.of(
                new SourceStatus(PowerSourceName.REDFISH, SourceState.OK, 301.4, 5000.5, ""),
                new SourceStatus(PowerSourceName.RAPL, SourceState.DEGRADED, 0, 4000.0, "zone"),
                new SourceStatus(PowerSourceName.ESTIMATE, SourceState.OK, 280.0, 4500.0, "")),
            PowerCurve.linear("ccf", "Cascade Lake", 80, 300)));
  }

  private static Snapshot lostPower(long sequence) {
    return new Snapshot(
        sequence,
        RaplState.UNREADABLE,
        false,
        2.0,
        0,
        0,
        Map.of(),
        List.of(),
        Map.of(),
        List.of(),
        List.of(new Snapshot.Vm("41", "kvm", 0, 1000000.1, 3.0)),
        List.of(),
        List.of(),
        0,
        0,
        0,
        0,
        List.of(),
        2,
        3,
        14.0,
        new HostPowerSample(
            null,
            0,
            0,
            0,
            0,
            List.of(
                new SourceStatus(PowerSourceName.RAPL, SourceState.UNREADABLE, 0, 4000.0, "gone")),
            null));
  }
}
