package io.onescaphandre.agent.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.onescaphandre.agent.rapl.RaplState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Precedence, the platform remainder over the meter's window, and faults as states. */
class HostPowerTest {
  private static final long SECOND = 1_000_000_000L;

  /** A meter whose next reading the test sets. */
  static final class FakeMeter implements WattSource {
    private final PowerSourceName name;
    WattReading next;

    FakeMeter(PowerSourceName name, WattReading first) {
      this.name = name;
      this.next = first;
    }

    @Override
    public PowerSourceName name() {
      return name;
    }

    @Override
    public WattReading read() {
      return next;
    }
  }

  private static final EstimateSource ESTIMATE =
      new EstimateSource(PowerCurve.linear("configured", "test", 100, 300));

  private static List<PowerSourceName> order(String text) {
    return PowerSourceName.parseList(text);
  }

  @Test
  void theFirstUsableSourceInOrderMakesTheTotal() {
    FakeMeter redfish =
        new FakeMeter(
            PowerSourceName.REDFISH, WattReading.failed(SourceState.ABSENT, "no address"));
    FakeMeter acpi = new FakeMeter(PowerSourceName.ACPI, WattReading.ok(180, 0));
    HostPower power =
        new HostPower(order("redfish,acpi,rapl,estimate"), List.of(redfish, acpi), ESTIMATE);
    power.measure(0, RaplState.OK, null, 0, 0);
    HostPowerSample s = power.measure(2 * SECOND, RaplState.OK, 200.0, 2, 0.5);
    assertThat(s.totalSource()).isEqualTo(PowerSourceName.ACPI);
    // RAPL 100 W, the meter 180 W: the remainder 80 W goes on top of RAPL's energy.
    assertThat(s.hostJoules()).isCloseTo(360, within(1e-9));
    assertThat(s.cpuJoules()).isCloseTo(200, within(1e-9));
    assertThat(s.remainderJoules()).isCloseTo(160, within(1e-9));
    assertThat(s.sources())
        .extracting(SourceStatus::source, SourceStatus::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(PowerSourceName.REDFISH, SourceState.ABSENT),
            org.assertj.core.groups.Tuple.tuple(PowerSourceName.ACPI, SourceState.OK),
            org.assertj.core.groups.Tuple.tuple(PowerSourceName.RAPL, SourceState.OK),
            org.assertj.core.groups.Tuple.tuple(PowerSourceName.ESTIMATE, SourceState.OK));
    assertThat(s.sources().get(3).watts()).isEqualTo(200); // the estimate, shown beside
    redfish.next = WattReading.ok(190, 0);
    HostPowerSample next = power.measure(4 * SECOND, RaplState.OK, 200.0, 2, 0.5);
    assertThat(next.totalSource()).isEqualTo(PowerSourceName.REDFISH);
    assertThat(next.totalJoules()).isCloseTo(360 + 380, within(1e-9));
  }

  @Test
  void aMeterAveragingOverAMinuteIsComparedWithRaplOverThatMinute() {
    FakeMeter redfish = new FakeMeter(PowerSourceName.REDFISH, WattReading.ok(200, 60));
    HostPower power = new HostPower(order("redfish,rapl"), List.of(redfish), null);
    long t = 0;
    power.measure(t, RaplState.OK, null, 0, 0);
    // A minute at 100 W of RAPL, during which the BMC's one-minute average settles at 200 W.
    for (int i = 0; i < 30; i++) {
      t += 2 * SECOND;
      power.measure(t, RaplState.OK, 200.0, 2, 0.3);
    }
    // A load step: RAPL jumps to 150 W, the BMC's average has not moved yet (it lags).
    t += 2 * SECOND;
    HostPowerSample step = power.measure(t, RaplState.OK, 300.0, 2, 0.9);
    // The remainder is 200 - RAPL's own minute average (100 W for 29 intervals and 150 W for one),
    // not 200 - 150: the fast CPU part follows RAPL at once, the platform part keeps its level.
    double raplMinute = (29 * 200.0 + 300.0) / 60;
    assertThat(step.remainderJoules()).isCloseTo((200 - raplMinute) * 2, within(1e-6));
    assertThat(step.hostJoules()).isCloseTo(300 + (200 - raplMinute) * 2, within(1e-6));
  }

  @Test
  void aWholeNodeMeterBelowRaplIsInconsistentAndSkipped() {
    FakeMeter ipmi = new FakeMeter(PowerSourceName.IPMI, WattReading.ok(60, 0));
    HostPower power = new HostPower(order("ipmi,rapl"), List.of(ipmi), null);
    power.measure(0, RaplState.OK, null, 0, 0);
    HostPowerSample s = power.measure(SECOND, RaplState.OK, 100.0, 1, 0.5);
    assertThat(s.totalSource()).isEqualTo(PowerSourceName.RAPL);
    assertThat(s.sources().get(0).state()).isEqualTo(SourceState.INCONSISTENT);
    assertThat(s.sources().get(0).message()).contains("less than RAPL");
    assertThat(s.hostJoules()).isEqualTo(100);
    // Integer watts and timing: a meter a watt below RAPL is within the slack.
    ipmi.next = WattReading.ok(99, 0);
    assertThat(power.measure(2 * SECOND, RaplState.OK, 100.0, 1, 0.5).totalSource())
        .isEqualTo(PowerSourceName.IPMI);
  }

  @Test
  void withoutRaplTheMeterIsTheWholeTotalAndTheCpuPolicyDividesIt() {
    FakeMeter acpi = new FakeMeter(PowerSourceName.ACPI, WattReading.ok(150, 1));
    HostPower power = new HostPower(order("acpi,rapl,estimate"), List.of(acpi), ESTIMATE);
    power.measure(0, RaplState.ABSENT, null, 0, 0);
    HostPowerSample s = power.measure(2 * SECOND, RaplState.ABSENT, null, 2, 0.2);
    assertThat(s.totalSource()).isEqualTo(PowerSourceName.ACPI);
    assertThat(s.hostJoules()).isEqualTo(300);
    assertThat(s.cpuJoules()).isEqualTo(300);
    assertThat(s.remainderJoules()).isZero();
  }

  @Test
  void withNothingMeasurableTheEstimateMakesTheTotal() {
    FakeMeter acpi =
        new FakeMeter(PowerSourceName.ACPI, WattReading.failed(SourceState.INVALID, "4.29 MW"));
    HostPower power = new HostPower(order("acpi,rapl,estimate"), List.of(acpi), ESTIMATE);
    power.measure(0, RaplState.ABSENT, null, 0, 0);
    HostPowerSample s = power.measure(2 * SECOND, RaplState.ABSENT, null, 2, 0.25);
    assertThat(s.totalSource()).isEqualTo(PowerSourceName.ESTIMATE);
    assertThat(s.estimated()).isTrue();
    assertThat(s.hostJoules()).isEqualTo(2 * 150.0);
  }

  @Test
  void theFirstIntervalAfterRaplBecomesReadableIsNotRapls() {
    HostPower power = HostPower.raplOnly();
    power.measure(0, RaplState.UNREADABLE, null, 0, 0);
    assertThat(power.measure(SECOND, RaplState.OK, null, 1, 0).totalSource()).isNull();
    assertThat(power.measure(2 * SECOND, RaplState.OK, 50.0, 1, 0).totalSource())
        .isEqualTo(PowerSourceName.RAPL);
    // With the estimate behind RAPL, an interval RAPL did not count stays a gap: a measured host
    // never takes a modelled interval into its counters.
    HostPower withEstimate = new HostPower(order("rapl,estimate"), List.of(), ESTIMATE);
    withEstimate.measure(0, RaplState.OK, null, 0, 0);
    assertThat(withEstimate.measure(SECOND, RaplState.DEGRADED, null, 1, 0).totalSource()).isNull();
    assertThat(withEstimate.measure(2 * SECOND, RaplState.ABSENT, null, 1, 0).totalSource())
        .isEqualTo(PowerSourceName.ESTIMATE);
  }

  @Test
  void badSourceListsAreClearErrors() {
    assertThatThrownBy(() -> PowerSourceName.parseList("rapl,psu"))
        .hasMessageContaining("unknown power source 'psu'");
    assertThatThrownBy(() -> PowerSourceName.parseList("rapl,rapl"))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> PowerSourceName.parseList(" , ")).hasMessageContaining("no source");
    assertThatThrownBy(() -> new HostPower(order("acpi"), List.of(), null))
        .hasMessageContaining("acpi");
  }
}
