package io.onescaphandre.e2e.phases;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.e2e.support.E2e;
import io.onescaphandre.e2e.support.Figures;
import io.onescaphandre.e2e.support.ProcStat;
import io.onescaphandre.e2e.support.QemuGuests;
import io.onescaphandre.e2e.support.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Phase 4: real QEMU guests run as OpenNebula starts them (emulator qemu-kvm-one, -name
 * guest=one-ID,debug-threads=on) and burn different amounts of CPU, as seen in /proc.
 */
class E04QemuGuestsIT {
  @BeforeAll
  static void controlPlane() {
    E2e.assumeControlPlane();
  }

  @Test
  void guestsLookLikeOpenNebulaVmsInProc() throws Exception {
    for (QemuGuests.Guest guest : SharedFixtures.guests().guests()) {
      Path proc = Path.of("/proc", Long.toString(guest.process().pid()));
      assertThat(Files.readString(proc.resolve("comm")).trim()).isEqualTo("qemu-kvm-one");
      String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
      assertThat(cmdline)
          .contains("qemu-kvm-one -name guest=" + guest.vmName() + ",debug-threads=on");
      try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
        List<String> threadNames = tasks.map(t -> readQuietly(t.resolve("comm"))).toList();
        assertThat(threadNames).as("debug-threads=on names the vCPU thread").contains("CPU 0/TCG");
      }
    }
  }

  @Test
  void busierGuestsUseMoreCpu() {
    List<QemuGuests.Guest> guests = SharedFixtures.guests().guests();
    Map<Integer, Double> before = new HashMap<>();
    guests.forEach(g -> before.put(g.vmId(), ProcStat.cpuSeconds(g.process().pid())));
    long start = System.nanoTime();
    sleepSeconds(15); // the window the guests' CPU is measured over
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<Integer, Double> share = new HashMap<>();
    for (QemuGuests.Guest g : guests) {
      double used = ProcStat.cpuSeconds(g.process().pid()) - before.get(g.vmId());
      share.put(g.vmId(), used / seconds);
      Figures.record(
          "qemu-guests",
          g.vmName() + " (duty " + g.dutyPercent() + "%) CPU",
          used / seconds,
          "cores");
    }
    List<QemuGuests.Guest> byDuty =
        guests.stream()
            .sorted((a, b) -> Integer.compare(b.dutyPercent(), a.dutyPercent()))
            .toList();
    for (int i = 0; i + 1 < byDuty.size(); i++) {
      assertThat(share.get(byDuty.get(i).vmId()))
          .as(
              "CPU of %s (duty %d%%) above %s (duty %d%%): %s",
              byDuty.get(i).vmName(),
              byDuty.get(i).dutyPercent(),
              byDuty.get(i + 1).vmName(),
              byDuty.get(i + 1).dutyPercent(),
              share)
          .isGreaterThan(share.get(byDuty.get(i + 1).vmId()));
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (Exception e) {
      return "";
    }
  }

  static void sleepSeconds(long seconds) {
    try {
      Thread.sleep(seconds * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
