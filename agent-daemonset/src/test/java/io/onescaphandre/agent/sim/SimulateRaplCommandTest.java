package io.onescaphandre.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.onescaphandre.agent.proc.CpuTimes;
import io.onescaphandre.agent.proc.ProcessScanner;
import io.onescaphandre.agent.pseudofs.ProcFileReader;
import io.onescaphandre.agent.rapl.RaplMeter;
import io.onescaphandre.agent.rapl.RaplReading;
import io.onescaphandre.agent.rapl.RaplState;
import io.onescaphandre.agent.rapl.RaplZoneDiscovery;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateRaplCommandTest {
  @TempDir Path root;

  private SimulateRaplCommand command() {
    SimulateRaplCommand command = new SimulateRaplCommand();
    new CommandLine(command).parseArgs("--path.sysfs", root.resolve("sys").toString());
    return command;
  }

  @Test
  void busyFractionIsTheBusyShareOfAllTicks() {
    CpuTimes before = new CpuTimes(100, 1000, 2);
    assertThat(LoadFollowingPower.busyFraction(before, new CpuTimes(150, 1200, 2))).isEqualTo(0.25);
    assertThat(LoadFollowingPower.busyFraction(before, new CpuTimes(100, 1000, 2))).isZero();
    assertThat(LoadFollowingPower.busyFraction(null, before)).isZero();
  }

  @Test
  void powerFollowsTheCpuLoadAndThePackageCounterWraps() {
    SimulateRaplCommand command = command();
    SimulatedHost host = new SimulatedHost(root.resolve("proc"), root.resolve("unused"), 2);
    SimulatedRaplTree tree = SimulatedRaplTree.server(command.sysfs, 1);
    // 1 J below the wrap point of the package counter.
    tree.setEnergy(SimulateRaplCommand.PACKAGE, SimulatedRaplTree.INTEL_RANGE_UJ - 1_000_000);
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    RaplMeter meter =
        new RaplMeter(
            new RaplZoneDiscovery(command.sysfs), java.nio.file.Files::readString, clock::get);
    RaplReading first = meter.read();
    LoadFollowingPower follower =
        new LoadFollowingPower(
            tree,
            java.util.Map.of(
                SimulateRaplCommand.PACKAGE,
                    new LoadFollowingPower.Watts(command.packageIdle, command.packageBusy),
                SimulateRaplCommand.DRAM,
                    new LoadFollowingPower.Watts(command.dramIdle, command.dramBusy)),
            new ProcessScanner(host.procfs(), new ProcFileReader()),
            0);

    host.addCpuTicks(50, 50);
    follower.advance(2_000_000_000L);
    clock.addAndGet(2_000_000_000L);
    RaplReading second = meter.read();

    assertThat(second.state()).isEqualTo(RaplState.OK);
    // Half busy for 2 s: package 38 + 107 / 2 = 91.5 W, dram 6 + 8 / 2 = 10 W.
    assertThat(second.hostJoules() - first.hostJoules()).isCloseTo(2 * (91.5 + 10), within(0.01));
    assertThat(tree.energy(SimulateRaplCommand.PACKAGE)).isLessThan(200_000_000L);
    assertThat(follower.totalWatts()).isCloseTo(91.5 + 10, within(0.01));
  }

  @Test
  void theClassOnlyLayoutResolvesWithinClassPowercap() throws Exception {
    Path sysfs = root.resolve("flat");
    SimulatedRaplTree tree =
        SimulatedRaplTree.server(sysfs, 2, SimulatedRaplTree.Layout.CLASS_ONLY, 1L << 32, 1L << 32);
    Path powercap = sysfs.resolve("class/powercap");
    assertThat(java.nio.file.Files.isSymbolicLink(powercap.resolve("intel-rapl:0"))).isFalse();
    assertThat(java.nio.file.Files.readString(powercap.resolve("intel-rapl:0/intel-rapl:0:0/name")))
        .isEqualTo("dram\n");
    assertThat(sysfs.resolve("devices")).doesNotExist();
    tree.addMicrojoules("intel-rapl:1", (1L << 32) + 5);
    assertThat(tree.energy("intel-rapl:1")).as("wrapped at the given range").isEqualTo(5);
    RaplReading reading = new RaplMeter(new RaplZoneDiscovery(sysfs)).read();
    assertThat(reading.state()).isEqualTo(RaplState.OK);
  }
}
