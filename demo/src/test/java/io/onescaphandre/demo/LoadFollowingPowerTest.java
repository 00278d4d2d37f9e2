package io.onescaphandre.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.onescaphandre.agent.proc.CpuTimes;
import io.onescaphandre.agent.proc.ProcessScanner;
import io.onescaphandre.agent.pseudofs.ProcFileReader;
import io.onescaphandre.agent.rapl.RaplMeter;
import io.onescaphandre.agent.rapl.RaplReading;
import io.onescaphandre.agent.rapl.RaplState;
import io.onescaphandre.agent.rapl.RaplZoneDiscovery;
import io.onescaphandre.simulation.SimulatedHost;
import io.onescaphandre.simulation.SimulatedRaplTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's load model, read back by the agent's own RAPL reader. */
class LoadFollowingPowerTest {
  @TempDir Path root;

  @Test
  void busyFractionIsTheBusyShareOfAllTicks() {
    CpuTimes before = new CpuTimes(100, 1000, 2);
    assertThat(LoadFollowingPower.busyFraction(before, new CpuTimes(150, 1200, 2))).isEqualTo(0.25);
    assertThat(LoadFollowingPower.busyFraction(before, new CpuTimes(100, 1000, 2))).isZero();
    assertThat(LoadFollowingPower.busyFraction(null, before)).isZero();
    assertThat(LoadFollowingPower.busyFraction(new CpuTimes(200, 1000, 2), before))
        .as("counters that went back (a reboot between readings) give no power, not negative")
        .isZero();
  }

  @Test
  void powerFollowsTheCpuLoadAndThePackageCounterWraps() throws Exception {
    Path sysfs = root.resolve("sys");
    SimulatedHost host = new SimulatedHost(root.resolve("proc"), root.resolve("unused"), 2);
    SimulatedRaplTree tree = SimulatedRaplTree.server(sysfs, 1);
    // 1 J below the wrap point of the package counter.
    tree.setEnergy(DemoMachine.PACKAGE, SimulatedRaplTree.INTEL_RANGE_UJ - 1_000_000);
    AtomicLong clock = new AtomicLong();
    RaplMeter meter = new RaplMeter(new RaplZoneDiscovery(sysfs), Files::readString, clock::get);
    RaplReading first = meter.read();
    LoadFollowingPower follower =
        new LoadFollowingPower(
            tree, DemoMachine.WATTS, new ProcessScanner(host.procfs(), new ProcFileReader()), 0);

    host.addCpuTicks(50, 50);
    follower.advance(2_000_000_000L);
    clock.addAndGet(2_000_000_000L);
    RaplReading second = meter.read();

    assertThat(second.state()).isEqualTo(RaplState.OK);
    // Half busy for 2 s: package 38 + 107 / 2 = 91.5 W, dram 6 + 8 / 2 = 10 W.
    assertThat(second.hostJoules() - first.hostJoules()).isCloseTo(2 * (91.5 + 10), within(0.01));
    assertThat(tree.energy(DemoMachine.PACKAGE)).as("wrapped").isLessThan(200_000_000L);
    assertThat(follower.totalWatts()).isCloseTo(91.5 + 10, within(0.01));
  }
}
