package io.onescaphandre.agent.power;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The answers of ipmitool and FreeIPMI, as research/power-sources.md §2.1 records them. */
class DcmiPowerReadingTest {
  private final PlausibleWatts plausible = new PlausibleWatts(PlausibleWatts.DEFAULT_MAX_WATTS);

  static final String IPMITOOL =
      """

          Instantaneous power reading:                   197 Watts
          Minimum during sampling period:                175 Watts
          Maximum during sampling period:                242 Watts
          Average power reading over sample period:      190 Watts
          IPMI timestamp:                           Sun Mar  6 15:13:42 2022
          Sampling period:                          00123893 Seconds.
          Power reading state is:                   activated

      """;

  @Test
  void takesTheInstantaneousReadingNotTheStatistics() {
    WattReading reading = DcmiPowerReading.parse(IPMITOOL, plausible);
    assertThat(reading.state()).isEqualTo(SourceState.OK);
    assertThat(reading.watts()).isEqualTo(197);
    assertThat(reading.windowSeconds()).isZero();
  }

  @Test
  void readsFreeIpmi() {
    String freeipmi =
        """
        Current Power                        : 332 Watts
        Minimum Power over sampling duration : 68 watts
        Maximum Power over sampling duration : 448 watts
        Average Power over sampling duration : 301 watts
        Time Stamp                           : 12/06/2026 - 10:02:33
        Statistics reporting time period     : 2685198000 milliseconds
        Power Measurement                    : Active
        """;
    WattReading reading = DcmiPowerReading.parse(freeipmi, plausible);
    assertThat(reading.state()).isEqualTo(SourceState.OK);
    assertThat(reading.watts()).isEqualTo(332);
  }

  @Test
  void aDeactivatedMeterIsNotMeasuring() {
    String openBmc = IPMITOOL.replace("197 Watts", "0 Watts").replace("activated", "deactivated");
    assertThat(DcmiPowerReading.parse(openBmc, plausible).state()).isEqualTo(SourceState.INVALID);
    String stuckActive = IPMITOOL.replace("197 Watts", "0 Watts");
    assertThat(DcmiPowerReading.parse(stuckActive, plausible).state())
        .isEqualTo(SourceState.INVALID);
  }

  @Test
  void anAnswerWithoutReadingIsInvalid() {
    assertThat(DcmiPowerReading.parse("Error: unknown command\n", plausible).state())
        .isEqualTo(SourceState.INVALID);
  }

  @Test
  void ipmitoolFailuresAreSortedIntoStates() {
    assertThat(
            IpmiDcmiSource.classifyFailure(
                    "Could not open device at /dev/ipmi0 or /dev/ipmi/0 or"
                        + " /dev/ipmidev/0: No such file or directory")
                .state())
        .isEqualTo(SourceState.ABSENT);
    assertThat(
            IpmiDcmiSource.classifyFailure("Could not open device at /dev/ipmi0: Permission denied")
                .state())
        .isEqualTo(SourceState.UNREADABLE);
    assertThat(
            IpmiDcmiSource.classifyFailure("Error: Unable to establish IPMI v2 / RMCP+ session")
                .state())
        .isEqualTo(SourceState.UNREACHABLE);
    assertThat(
            IpmiDcmiSource.classifyFailure("> RAKP 2 HMAC is invalid\nError: Unable to establish")
                .state())
        .isEqualTo(SourceState.UNREADABLE);
    assertThat(
            IpmiDcmiSource.classifyFailure("DCMI request failed because: Invalid command (c1)")
                .state())
        .isEqualTo(SourceState.ABSENT);
  }
}
