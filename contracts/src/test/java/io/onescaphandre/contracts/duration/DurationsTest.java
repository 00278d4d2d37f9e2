package io.onescaphandre.contracts.duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "2s,2000",
    "1m30s,90000",
    "500ms,500",
    "2h,7200000",
    "1h0m5s,3605000",
    "0s,0",
    "1h1ms,3600001",
    "90s,90000",
    "999999h999999m999999s999999ms,3660997338999",
    "007s,7000"
  })
  void parsesTheGrammar(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    assertThat(Durations.valid(text)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "s",
        "1",
        "1.5s",
        "1d",
        "1w",
        "1y",
        "30s1m",
        "1s1s",
        "1m1m",
        "-1s",
        "+1s",
        " 2s",
        "2s ",
        "1us",
        "1ns",
        "1000000h",
        "1H",
        "PT15S",
        "1m 30s",
        "1sms",
        "1ms1s",
        "１s"
      })
  void refusesWhatIsNotInTheGrammar(String text) {
    assertThat(Durations.valid(text)).isFalse();
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a duration such as 2s, 1m30s or 500ms");
  }

  @Test
  void nullAndHugeTextsAreRefusedWithoutEchoingThemWhole() {
    assertThatThrownBy(() -> Durations.parse(null)).hasMessageStartingWith("nothing is not");
    String huge = "1".repeat(10_000) + "s";
    assertThatThrownBy(() -> Durations.parse(huge))
        .hasMessageContaining("...'")
        .message()
        .hasSizeLessThan(200);
  }

  @Test
  void formatIsTheShortestTextAndParsesBack() {
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(Durations.format(Duration.ofMillis(3_600_001))).isEqualTo("1h1ms");
    Random random = new Random(19);
    for (int i = 0; i < 10_000; i++) {
      Duration d = Duration.ofMillis(Math.floorMod(random.nextLong(), 999_999L * 3_600_000L));
      assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }
    assertThatThrownBy(() -> Durations.format(Duration.ofNanos(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.format(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.format(Duration.ofHours(1_000_000)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fieldsRefuseOutOfBoundsNamingFieldAndRange() {
    DurationField interval = DurationFields.AGENT_INTERVAL;
    assertThat(interval.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(interval.parse("500ms")).isEqualTo(interval.min());
    assertThat(interval.parse("5m")).isEqualTo(interval.max());
    assertThatThrownBy(() -> interval.parse("499ms"))
        .hasMessage("spec.agent.interval: 499ms is outside 500ms to 5m");
    assertThatThrownBy(() -> interval.parse("0s")).hasMessageContaining("outside 500ms to 5m");
    assertThatThrownBy(() -> interval.parse("999999h")).hasMessageContaining("outside 500ms to 5m");
    assertThatThrownBy(() -> interval.parse("1d"))
        .hasMessageStartingWith("spec.agent.interval: '1d' is not")
        .hasMessageEndingWith("from 500ms to 5m");
  }

  @Test
  void everySpecFieldHasARuleAndMessageFromItsOwnBounds() {
    assertThat(DurationField.specFields())
        .extracting(DurationField::name)
        .containsExactly(
            "spec.agent.interval",
            "spec.prometheus.interval",
            "spec.openNebula.timeout",
            "spec.openNebula.refreshInterval");
    assertThat(DurationFields.AGENT_INTERVAL_RULE)
        .isEqualTo(
            "self.matches('"
                + Durations.PATTERN
                + "')"
                + " && duration(self) >= duration('500ms') && duration(self) <= duration('5m')");
    assertThat(DurationFields.OPENNEBULA_REFRESH_INTERVAL_MESSAGE)
        .startsWith("spec.openNebula.refreshInterval must be")
        .endsWith("from 5s to 24h");
    assertThat(DurationFields.PROMETHEUS_INTERVAL_MESSAGE)
        .contains("spec.prometheus.interval", "1s to 1h");
    assertThat(DurationFields.OPENNEBULA_TIMEOUT_MESSAGE)
        .contains("spec.openNebula.timeout", "1s to 5m");
  }

  @Test
  void converterTurnsErrorsIntoPicocliOnesAndKeepsTheFieldBounds() {
    assertThat(new DurationConverter.AgentInterval().convert("1m30s"))
        .isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(() -> new DurationConverter.AgentInterval().convert("1ms"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("--interval: 1ms is outside 500ms to 5m");
    assertThatThrownBy(() -> new DurationConverter().convert("0s"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("outside 1ms to 24h");
    assertThat(new DurationConverter.OpenNebulaTimeout().convert("10s"))
        .isEqualTo(Duration.ofSeconds(10));
  }
}
