package io.onescaphandre.agent.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.onescaphandre.agent.cgroup.CgroupClassifier;
import io.onescaphandre.agent.cgroup.CgroupCpuReader;
import io.onescaphandre.agent.cgroup.CgroupHierarchy;
import io.onescaphandre.agent.cgroup.CgroupPath;
import io.onescaphandre.agent.proc.CommandLine;
import io.onescaphandre.agent.proc.CpuTimes;
import io.onescaphandre.agent.proc.ProcStat;
import io.onescaphandre.agent.pseudofs.ProcFileReader;
import io.onescaphandre.agent.rapl.RaplMeter;
import io.onescaphandre.agent.rapl.RaplReading;
import io.onescaphandre.agent.rapl.RaplZoneDiscovery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes every reader of a host file with Jazzer: {@code /proc/<pid>/stat}, {@code cmdline}, {@code
 * cgroup}, {@code /proc/stat}, cgroup v2 {@code cpu.stat} and v1 {@code cpuacct.usage}, and a
 * powercap zone's {@code name}, {@code max_energy_range_uj}, {@code constraint_0_max_power_uw} and
 * {@code energy_uj}. The first byte picks the reader, the rest is the file. No exception may escape
 * and the results stay in range; the fuzz execution's 256 MiB heap bounds memory.
 *
 * <p>Jazzer fuzzes one test per JVM, hence one test for all readers. In the default build it runs
 * in fuzzing mode for 30 s (the agent's pom); elsewhere (an IDE, {@code -Dtest}) it replays the
 * committed corpus under {@code HostFileReadersFuzzTestInputs/readers/}.
 */
class HostFileReadersFuzzTest {
  private static Path tree;
  private static CgroupCpuReader cgroupV2;
  private static CgroupCpuReader cgroupV1;
  private static long inputs;

  @BeforeAll
  static void tree() throws IOException {
    tree = Files.createTempDirectory("fuzz-host");
    Files.createDirectories(tree.resolve("v2/fs/cgroup/x.scope"));
    Files.writeString(tree.resolve("v2/fs/cgroup/cgroup.controllers"), "cpu\n");
    Files.createDirectories(tree.resolve("v1/fs/cgroup/cpu,cpuacct/x"));
    Files.createDirectories(tree.resolve("rapl/devices/virtual/powercap/intel-rapl/intel-rapl:0"));
    Files.createDirectories(tree.resolve("rapl/class/powercap"));
    Files.createSymbolicLink(
        tree.resolve("rapl/class/powercap/intel-rapl:0"),
        tree.resolve("rapl/devices/virtual/powercap/intel-rapl/intel-rapl:0"));
    cgroupV2 = new CgroupCpuReader(tree.resolve("v2"), new ProcFileReader());
    cgroupV1 = new CgroupCpuReader(tree.resolve("v1"), new ProcFileReader());
  }

  @AfterAll
  static void report() {
    System.out.printf("FUZZ host file readers: %d inputs%n", inputs);
  }

  @FuzzTest(maxDuration = "30s")
  void readers(FuzzedDataProvider data) throws IOException {
    inputs++;
    int reader = data.consumeInt(0, 6);
    byte[] file = data.consumeRemainingAsBytes();
    switch (reader) {
      case 0 -> procStat(file);
      case 1 -> commandLine(file);
      case 2 -> cgroupFile(file);
      case 3 -> systemStat(file);
      case 4 -> cgroupCpu(file);
      default -> powercap(file, reader == 6);
    }
  }

  private static void procStat(byte[] file) {
    ProcStat stat = ProcStat.parse(file, file.length);
    if (stat != null) {
      assertThat(stat.cpuTicks()).isNotNegative();
      stat.kernelThread();
    }
    long[] times = new long[2];
    if (ProcStat.parseTimes(file, file.length, times)) {
      assertThat(times[0]).isNotNegative();
    }
  }

  private static void commandLine(byte[] file) {
    CommandLine line = CommandLine.parse(file, file.length);
    assertThat(line.display().length()).isLessThanOrEqualTo(CommandLine.DISPLAY_LIMIT);
    assertThat(line.executable().length()).isLessThanOrEqualTo(CommandLine.DISPLAY_LIMIT);
    assertThat(line.vcpus()).isBetween(0, 4096);
  }

  private static void cgroupFile(byte[] file) {
    CgroupPath path = CgroupPath.parse(new String(file, StandardCharsets.UTF_8));
    if (path != null) {
      assertThat(path.path()).startsWith("/");
      new CgroupClassifier().classify(path.path());
      cgroupV2.usageMicros(path);
      path.isWithin("/machine.slice");
    }
  }

  private static void systemStat(byte[] file) {
    CpuTimes times = CpuTimes.parse(file, file.length);
    if (times != null) {
      assertThat(times.busyTicks()).isNotNegative();
      assertThat(times.totalTicks()).isGreaterThanOrEqualTo(times.busyTicks());
      assertThat(times.cpuCount()).isPositive();
    }
  }

  private static void cgroupCpu(byte[] file) {
    write(tree.resolve("v2/fs/cgroup/x.scope/cpu.stat"), file);
    write(tree.resolve("v1/fs/cgroup/cpu,cpuacct/x/cpuacct.usage"), file);
    assertThat(cgroupV2.usageMicros(new CgroupPath("/x.scope", CgroupHierarchy.V2)))
        .isGreaterThanOrEqualTo(-1);
    assertThat(cgroupV1.usageMicros(new CgroupPath("/x", CgroupHierarchy.V1_CPUACCT)))
        .isGreaterThanOrEqualTo(-1);
  }

  /**
   * A zone whose files are the input's lines; two reads of its counter, the second one's the rest.
   */
  private static void powercap(byte[] file, boolean asCounter) {
    Path zone = tree.resolve("rapl/devices/virtual/powercap/intel-rapl/intel-rapl:0");
    String[] lines = new String(file, StandardCharsets.UTF_8).split("\n", 5);
    String name = asCounter ? "package-0" : lines[0];
    write(zone.resolve("name"), name.getBytes(StandardCharsets.UTF_8));
    write(zone.resolve("max_energy_range_uj"), line(lines, asCounter ? 0 : 1));
    write(zone.resolve("constraint_0_max_power_uw"), line(lines, asCounter ? 1 : 2));
    write(zone.resolve("energy_uj"), line(lines, asCounter ? 2 : 3));
    AtomicLong clock = new AtomicLong();
    RaplMeter meter =
        new RaplMeter(new RaplZoneDiscovery(tree.resolve("rapl")), Files::readString, clock::get);
    RaplReading first = meter.read();
    clock.addAndGet(2_000_000_000L);
    write(zone.resolve("energy_uj"), line(lines, asCounter ? 3 : 4));
    RaplReading second = meter.read();
    assertThat(second.hostJoules()).isGreaterThanOrEqualTo(first.hostJoules()).isNotNegative();
    for (RaplReading.ZoneEnergy z : second.zones()) {
      assertThat(z.joules()).isNotNegative();
      // At most the ceiling of any zone (1.5 kW psys) twice over 2 s, plus the 1 J slack.
      assertThat(z.joules()).isLessThanOrEqualTo(1500 * 2 * 2 + 1);
    }
  }

  private static byte[] line(String[] lines, int index) {
    return index < lines.length ? lines[index].getBytes(StandardCharsets.UTF_8) : new byte[0];
  }

  private static void write(Path file, byte[] content) {
    try {
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
