package io.onescaphandre.agent.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.onescaphandre.agent.attribution.BusyCpuPolicy;
import io.onescaphandre.agent.metrics.MetricsPublisher;
import io.onescaphandre.agent.rapl.RaplState;
import io.onescaphandre.simulation.SimulatedRaplTree;
import io.onescaphandre.simulation.SimulatedRaplTree.EnergyFileFault;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Faults injected into a moving powercap tree (BENCHMARKS.md, "Faults"): the energy the agent
 * publishes across each fault against the truth the simulation used, and the power it shows in the
 * intervals around it. Each run prints one {@code FAULT} line with the figures.
 */
class RaplFaultsTest {
  @TempDir Path root;

  @Test
  void packageCounterSteppingBackIsAResetNotAWrap() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    Run run = new Run(f);
    run.intervals(5, () -> {});
    // In the 6th interval the package counter moves 120 J, then falls 500 J without wrapping.
    run.interval(
        () -> f.rapl.setEnergy("intel-rapl:0", f.rapl.energy("intel-rapl:0") - 500_000_000L));
    assertThat(run.last.powerAvailable()).isFalse();
    assertThat(run.last.domainJoules()).doesNotContainKey("host");
    run.intervals(10, () -> {});

    Snapshot.Zone pkg = zone(run.last, "intel-rapl:0");
    assertThat(pkg.resets()).isEqualTo(1);
    assertThat(pkg.gapSeconds()).isCloseTo(2.0, within(1e-9));
    // What is missing is exactly the package's 120 J of the refused interval: reported as a gap.
    assertThat(run.addedJoules()).isCloseTo(run.truthJoules - 120.0, within(1e-6));
    assertThat(run.maxHostWatts).isLessThanOrEqualTo(KvmHostFixture.HOST_WATTS * 1.01);
    assertThat(run.maxVmWatts).isLessThanOrEqualTo(50.0 * 1.01);
    assertThat(run.last.raplState()).isEqualTo(RaplState.OK);
    run.assertMonotonic();
    run.scrapeContains("opennebula_rapl_counter_resets_total{zone=\"intel-rapl:0\"} 1.0");
    run.report("package counter steps back 500 J", 120.0);
  }

  @Test
  void missingMaxEnergyRangeOnAnAmdHostIsDegradedAndItsWrapsStillCount() {
    SimulatedRaplTree rapl = SimulatedRaplTree.amdServer(root.resolve("sys"), 1);
    rapl.withoutMaxEnergyRange("intel-rapl:0");
    // 150 J below the (unknown to the agent) wrap point; 100 W, so the wrap falls in interval 1.
    rapl.setEnergy("intel-rapl:0", SimulatedRaplTree.AMD_RANGE_UJ - 150_000_000L);
    KvmHostFixture f = new KvmHostFixture(root, 4, rapl, Map.of("intel-rapl:0", 100.0));
    Run run = new Run(f);
    run.intervals(20, () -> {});

    assertThat(run.last.raplState()).isEqualTo(RaplState.DEGRADED);
    Snapshot.Zone pkg = zone(run.last, "intel-rapl:0");
    assertThat(pkg.state()).isEqualTo("degraded");
    assertThat(pkg.resets()).isZero();
    assertThat(run.addedJoules()).isCloseTo(run.truthJoules, within(run.truthJoules * 0.01));
    assertThat(run.maxHostWatts).isLessThanOrEqualTo(100.0 * 1.01);
    run.assertMonotonic();
    run.scrapeContains(
        "opennebula_rapl_state{state=\"degraded\"} 1.0",
        "opennebula_rapl_zone_state{state=\"degraded\",zone=\"intel-rapl:0\"} 1.0");
    run.report("AMD range, max_energy_range_uj missing, counter wraps", 0);

    // The same zone stepping back 500 J is no wrap at any range the hardware can have.
    run.interval(() -> rapl.setEnergy("intel-rapl:0", rapl.energy("intel-rapl:0") - 500_000_000L));
    assertThat(zone(run.last, "intel-rapl:0").resets()).isEqualTo(1);
    assertThat(run.last.powerAvailable()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(EnergyFileFault.class)
  void unreadablePackageIsStatedAndTheGapIsNotReplayedAsASpike(EnergyFileFault fault) {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    Run run = new Run(f);
    run.intervals(5, () -> {});
    run.interval(() -> f.rapl.breakEnergyFile("intel-rapl:0", fault));
    for (int i = 0; i < 3; i++) {
      // While the file is broken: stated per zone, no host total or power from the other zones.
      assertThat(run.last.raplState()).isEqualTo(RaplState.DEGRADED);
      assertThat(zone(run.last, "intel-rapl:0").state()).isEqualTo("unreadable");
      assertThat(run.last.powerAvailable()).isFalse();
      assertThat(run.last.domainJoules()).isEmpty();
      assertThat(run.last.vms()).allSatisfy(vm -> assertThat(vm.watts()).isZero());
      run.scrapeContains(
          "opennebula_rapl_zone_state{state=\"unreadable\",zone=\"intel-rapl:0\"} 1.0");
      run.scrapeLacks(
          "opennebula_host_power_watts ",
          "opennebula_host_energy_joules_total{domain=\"host\"}",
          "opennebula_vm_power_watts{");
      if (i < 2) {
        run.interval(() -> {});
      }
    }
    // The file is back: the interval across the gap adds nothing for the zone, then counting goes
    // on.
    run.interval(() -> f.rapl.repairEnergyFile("intel-rapl:0"));
    assertThat(run.last.powerAvailable()).isFalse();
    run.intervals(8, () -> {});
    assertThat(run.last.raplState()).isEqualTo(RaplState.OK);
    assertThat(run.last.powerAvailable()).isTrue();

    Snapshot.Zone pkg = zone(run.last, "intel-rapl:0");
    // Unread in 3 samples, then the interval it came back in adds nothing: 4 intervals, 8 s, 480 J.
    assertThat(pkg.gapSeconds()).isCloseTo(8.0, within(1e-9));
    assertThat(run.addedJoules()).isCloseTo(run.truthJoules - 4 * 120.0, within(1e-6));
    assertThat(run.maxHostWatts).isLessThanOrEqualTo(KvmHostFixture.HOST_WATTS * 1.01);
    assertThat(run.maxVmWatts).isLessThanOrEqualTo(50.0 * 1.01);
    run.assertMonotonic();
    run.report("package energy_uj " + fault.name().toLowerCase() + " for 3 samples", 480.0);
  }

  @Test
  void jumpAboveTheZonesMaxPowerIsRefused() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    f.rapl.maxPower("intel-rapl:1", 150.0);
    Run run = new Run(f);
    run.intervals(3, () -> {});
    // 2 kJ more than the 100 J of the interval: 1 kW on a 150 W package is no energy that happened.
    run.interval(() -> f.rapl.addMicrojoules("intel-rapl:1", 2_000_000_000L));
    run.intervals(3, () -> {});
    assertThat(zone(run.last, "intel-rapl:1").resets()).isEqualTo(1);
    assertThat(run.maxHostWatts).isLessThanOrEqualTo(KvmHostFixture.HOST_WATTS * 1.01);
    assertThat(run.addedJoules()).isCloseTo(run.truthJoules - 100.0, within(1e-6));
    run.assertMonotonic();
  }

  private static Snapshot.Zone zone(Snapshot s, String id) {
    return s.zones().stream().filter(z -> z.zone().equals(id)).findFirst().orElseThrow();
  }

  /** Drives the fixture interval by interval and keeps the figures. */
  static final class Run {
    final KvmHostFixture f;
    final Sampler sampler;
    final MetricsPublisher publisher;
    Snapshot first;
    Snapshot last;
    double truthJoules;
    double maxHostWatts;
    double maxVmWatts;
    final List<Snapshot> snapshots = new ArrayList<>();

    Run(KvmHostFixture f) {
      this.f = f;
      this.sampler = f.sampler(new BusyCpuPolicy());
      this.publisher = new MetricsPublisher(MetricsPublisher.newRegistry(), f.host.procfs());
      record(sampler.sample());
      first = last;
    }

    void intervals(int n, Runnable fault) {
      for (int i = 0; i < n; i++) {
        interval(fault);
      }
    }

    /** One interval of the fixture's load, then {@code fault}, then a sample. */
    void interval(Runnable fault) {
      f.advanceStandardInterval();
      truthJoules += f.intervalJoules();
      fault.run();
      record(sampler.sample());
    }

    private void record(Snapshot s) {
      last = s;
      snapshots.add(s);
      publisher.publish(s, 1);
      if (s.powerAvailable()) {
        maxHostWatts = Math.max(maxHostWatts, s.hostWatts());
        for (Snapshot.Vm vm : s.vms()) {
          maxVmWatts = Math.max(maxVmWatts, vm.watts());
        }
      }
    }

    /** Host energy published at the end minus at the start: every zone's counter summed. */
    double addedJoules() {
      return hostTotal(last) - hostTotal(first);
    }

    private static double hostTotal(Snapshot s) {
      return s.zones().stream().mapToDouble(Snapshot.Zone::joules).sum();
    }

    void assertMonotonic() {
      Map<String, Double> highest = new HashMap<>();
      for (Snapshot s : snapshots) {
        Map<String, Double> counters = new HashMap<>();
        s.zones().forEach(z -> counters.put("zone " + z.zone(), z.joules()));
        s.domainJoules().forEach((d, j) -> counters.put("domain " + d, j));
        s.vms().forEach(vm -> counters.put("vm " + vm.vmId(), vm.joules()));
        counters.forEach(
            (name, value) -> {
              Double before = highest.put(name, value);
              assertThat(value).as(name).isGreaterThanOrEqualTo(before == null ? 0 : before);
            });
      }
    }

    void scrapeContains(String... lines) {
      assertThat(publisher.scrape(MetricsServerText.TEXT)).contains(lines);
    }

    void scrapeLacks(String... lines) {
      String out = publisher.scrape(MetricsServerText.TEXT);
      for (String line : lines) {
        assertThat(out).doesNotContain(line);
      }
    }

    void report(String fault, double expectedGapJoules) {
      double added = addedJoules();
      System.out.printf(
          java.util.Locale.ROOT,
          "FAULT %s: truth %.1f J, added %.1f J (%.2f %%), gap %.1f J reported, max host %.1f W,"
              + " max VM %.1f W, %d samples%n",
          fault,
          truthJoules,
          added,
          100 * (added - truthJoules) / truthJoules,
          expectedGapJoules,
          maxHostWatts,
          maxVmWatts,
          snapshots.size());
    }
  }

  /** The content type the tests scrape. */
  static final class MetricsServerText {
    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
  }
}
