package io.onescaphandre.agent.opennebula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeFeedTest {
  @TempDir Path root;

  @Test
  void hostPowerIsTheMeanOfTheEnergyCounterOverThePeriodAndTheFitFindsIdleAndSlope() {
    SimulatedProbeHost sim = new SimulatedProbeHost(root, 8);
    // 41 samples 2 s apart; busy CPUs cycle 1, 2, 3, 4, 5; power = 40 W + 10 W per busy CPU.
    for (int i = 0; i < 41; i++) {
      sim.step(2.0, 1 + i % 5, 40, 10);
    }
    ProbeFeed.HostPower p = sim.feed.host(Duration.ofSeconds(30));
    assertThat(p.available()).isTrue();
    assertThat(p.seconds()).isEqualTo(30.0);
    assertThat(p.watts()).isCloseTo(sim.meanWatts(15), within(1e-6));
    assertThat(p.idleWatts().getAsDouble()).isCloseTo(40, within(1e-6));
    assertThat(p.wattsPerBusyCpu().getAsDouble()).isCloseTo(10, within(1e-6));
    assertThat(p.joules()).isCloseTo(sim.totalJoules(), within(1e-3));

    // Longer than the history: the whole history, and the period says so.
    ProbeFeed.HostPower all = sim.feed.host(Duration.ofHours(1));
    assertThat(all.seconds())
        .isEqualTo(78.0); // 39 intervals with power (the first sample has none)
  }

  @Test
  void aSteadyLoadGivesTheLowestPowerAsIdleAndTheRestPerBusyCpu() {
    SimulatedProbeHost sim = new SimulatedProbeHost(root, 8);
    for (int i = 0; i < 10; i++) {
      sim.step(2.0, 2, 50, 15);
    }
    ProbeFeed.HostPower p = sim.feed.host(Duration.ofSeconds(600));
    assertThat(p.watts()).isCloseTo(80, within(1e-6));
    // No spread of load: no slope can be fitted, idle is the lowest power seen.
    assertThat(p.idleWatts().getAsDouble()).isCloseTo(80, within(1e-6));
    assertThat(p.wattsPerBusyCpu().getAsDouble()).isCloseTo(0, within(1e-6));
  }

  @Test
  void withoutRaplTheHostSaysWhyAndNoVmIsReported() {
    ProbeFeed feed = new ProbeFeed(Duration.ofSeconds(2), Instant.EPOCH);
    assertThat(ProbeText.host(feed.host(Duration.ofSeconds(600))))
        .isEqualTo("POWER_STATE=\"starting\"\n");
    SimulatedProbeHost sim = new SimulatedProbeHost(root.resolve("norapl"), 4, false);
    sim.step(2, 1, 0, 0);
    sim.step(2, 1, 0, 0);
    assertThat(ProbeText.host(sim.feed.host(Duration.ofSeconds(600))))
        .isEqualTo("POWER_STATE=\"rapl-absent\"\n");
    assertThat(ProbeText.vms(sim.feed.vms(Duration.ofSeconds(30)))).isEmpty();
  }

  @Test
  void vmBlocksDecodeToPowerAndEnergyAndAVmThatLeftIsDropped() {
    SimulatedProbeHost sim = new SimulatedProbeHost(root, 4);
    for (int i = 0; i < 20; i++) {
      sim.step(2.0, 2, 40, 10);
    }
    Map<Integer, Map<String, String>> vms =
        OneTemplate.vms(ProbeText.vms(sim.feed.vms(Duration.ofSeconds(30))));
    assertThat(vms).containsOnlyKeys(7, 12);
    double vm7 = Double.parseDouble(vms.get(7).get("POWER_W"));
    double vm12 = Double.parseDouble(vms.get(12).get("POWER_W"));
    assertThat(vm7).isCloseTo(sim.vmMeanWatts("7", 15), within(0.005));
    assertThat(vm12).isCloseTo(sim.vmMeanWatts("12", 15), within(0.005));
    assertThat(Double.parseDouble(vms.get(7).get("ENERGY_KWH")))
        .isCloseTo(sim.vmJoules("7") / 3.6e6, within(1e-6));

    sim.stopVm12();
    sim.step(2.0, 2, 40, 10);
    assertThat(OneTemplate.vms(ProbeText.vms(sim.feed.vms(Duration.ofSeconds(30)))))
        .containsOnlyKeys(7);
  }

  @Test
  void theHistoryStartsAgainAfterAnIntervalWithoutEnergy() {
    SimulatedProbeHost sim = new SimulatedProbeHost(root, 4);
    for (int i = 0; i < 10; i++) {
      sim.step(2.0, 2, 100, 0);
    }
    sim.feed.accept(
        io.onescaphandre.agent.sampling.Snapshot.empty(
            io.onescaphandre.agent.rapl.RaplState.UNREADABLE),
        sim.nanos());
    assertThat(sim.feed.host(Duration.ofSeconds(30)).available()).isFalse();
    assertThat(sim.feed.host(Duration.ofSeconds(30)).reason()).isEqualTo("rapl-unreadable");
  }

  @Test
  void periodParameter() {
    Duration max = Duration.ofMinutes(10);
    Duration fallback = Duration.ofSeconds(30);
    assertThat(ProbeEndpoints.period(URI.create("/opennebula/vms"), fallback, max))
        .isEqualTo(fallback);
    assertThat(ProbeEndpoints.period(URI.create("/opennebula/vms?period=90"), fallback, max))
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(ProbeEndpoints.period(URI.create("/opennebula/vms?x=1&period=2.5"), fallback, max))
        .isEqualTo(Duration.ofMillis(2500));
    assertThat(ProbeEndpoints.period(URI.create("/opennebula/vms?period=86400"), fallback, max))
        .isEqualTo(max);
    ProbeEndpoints endpoints =
        new ProbeEndpoints(new ProbeFeed(Duration.ofSeconds(2), Instant.EPOCH));
    assertThat(endpoints.host(URI.create("/opennebula/host?period=abc")))
        .isEqualTo(
            new ProbeEndpoints.Response(400, "period must be a number of seconds, not 'abc'\n"));
    assertThat(endpoints.vms(URI.create("/opennebula/vms?period=-5")).status()).isEqualTo(400);
    assertThat(endpoints.vms(URI.create("/opennebula/vms?period=NaN")).status()).isEqualTo(400);
  }
}
