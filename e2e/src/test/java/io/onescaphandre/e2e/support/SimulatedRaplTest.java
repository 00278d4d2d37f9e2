package io.onescaphandre.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatedRaplTest {
  @TempDir Path sysfs;

  @Test
  void laysOutPackagesAndDramLikeATwoSocketIntelHost() throws Exception {
    try (SimulatedRapl rapl = new SimulatedRapl(sysfs, 2, 35, 40, 6)) {
      Path powercap = sysfs.resolve("class/powercap");
      assertThat(Files.readString(powercap.resolve("intel-rapl:0/name"))).isEqualTo("package-0\n");
      assertThat(Files.readString(powercap.resolve("intel-rapl:1/name"))).isEqualTo("package-1\n");
      assertThat(Files.readString(powercap.resolve("intel-rapl:1:0/name"))).isEqualTo("dram\n");
      assertThat(Files.readString(powercap.resolve("intel-rapl:0/intel-rapl:0:0/name")))
          .as("the child zone is also reachable inside its package, as in sysfs")
          .isEqualTo("dram\n");
      assertThat(
              Long.parseLong(
                  Files.readString(powercap.resolve("intel-rapl:0/max_energy_range_uj")).trim()))
          .isEqualTo(SimulatedRapl.MAX_ENERGY_RANGE_UJ);
      assertThat(rapl.hostWatts()).isBetween(2 * 35.0 + 2 * 6, 2 * 75.0 + 2 * 6);
    }
  }

  @Test
  void countersMoveAndWrapAtTheMaximumRange() throws Exception {
    try (SimulatedRapl rapl = new SimulatedRapl(sysfs, 1, 35, 0, 6)) {
      Path packageCounter = rapl.powercap().resolve("intel-rapl:0/energy_uj");
      Path dramCounter = rapl.powercap().resolve("intel-rapl:0:0/energy_uj");
      long firstPackage = read(packageCounter);
      long firstDram = read(dramCounter);
      // The package starts 30 J below the top: at 35 W it wraps within a second.
      await("the package counter to wrap")
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> read(packageCounter) < firstPackage);
      assertThat(read(dramCounter)).as("dram counter moved").isGreaterThan(firstDram);
    }
  }

  private static long read(Path counter) throws Exception {
    return Long.parseLong(Files.readString(counter).trim());
  }
}
