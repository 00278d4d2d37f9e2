package io.onescaphandre.operator.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportPeriodTest {
  private static final ZoneId MADRID = ZoneId.of("Europe/Madrid");

  @Test
  void lastCalendarMonthIsThatOfTheZone() {
    // 00:30 on 1 December in Madrid is still 30 November in UTC
    Instant now = Instant.parse("2026-11-30T23:30:00Z");
    ReportPeriod madrid = ReportPeriod.lastCalendarMonth(now, MADRID);
    assertThat(madrid.from()).isEqualTo(Instant.parse("2026-10-31T23:00:00Z"));
    assertThat(madrid.to()).isEqualTo(Instant.parse("2026-11-30T23:00:00Z"));
    ReportPeriod utc = ReportPeriod.lastCalendarMonth(now, ZoneOffset.UTC);
    assertThat(utc.from()).isEqualTo(Instant.parse("2026-10-01T00:00:00Z"));
    assertThat(utc.to()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    // January: the month before is December of the year before
    assertThat(
            ReportPeriod.lastCalendarMonth(Instant.parse("2027-01-15T00:00:00Z"), ZoneOffset.UTC)
                .from())
        .isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
  }

  @Test
  void daysFollowTheZoneAcrossTheClockChangeAndTileThePeriod() {
    ReportPeriod october =
        ReportPeriod.lastCalendarMonth(Instant.parse("2026-11-10T12:00:00Z"), MADRID);
    List<Instant[]> days = october.days();
    assertThat(days).hasSize(31);
    // 25 October 2026: clocks go back, a 25 h day
    assertThat(
            days.stream()
                .mapToLong(d -> Duration.between(d[0], d[1]).toHours())
                .filter(h -> h == 25))
        .hasSize(1);
    for (int i = 1; i < days.size(); i++) {
      assertThat(days.get(i)[0]).isEqualTo(days.get(i - 1)[1]);
    }
    assertThat(days.get(0)[0]).isEqualTo(october.from());
    assertThat(days.get(30)[1]).isEqualTo(october.to());
    // a period that starts and ends inside days
    ReportPeriod partial =
        new ReportPeriod(
            Instant.parse("2026-10-01T10:00:00Z"),
            Instant.parse("2026-10-02T05:00:00Z"),
            ZoneOffset.UTC);
    assertThat(partial.days()).hasSize(2);
    assertThat(partial.days().get(0)[1]).isEqualTo(Instant.parse("2026-10-02T00:00:00Z"));
  }

  @Test
  void datesAndDateTimes() {
    assertThat(ReportPeriod.parse("2026-10-01", MADRID, "--from"))
        .isEqualTo(Instant.parse("2026-09-30T22:00:00Z"));
    assertThat(ReportPeriod.parse("2026-10-01T06:00:00+02:00", MADRID, "--from"))
        .isEqualTo(Instant.parse("2026-10-01T04:00:00Z"));
    assertThatThrownBy(() -> ReportPeriod.parse("October", MADRID, "--to"))
        .hasMessageContaining("--to must be a date (2026-10-01)");
    assertThatThrownBy(() -> new ReportPeriod(Instant.EPOCH, Instant.EPOCH, MADRID))
        .hasMessageContaining("empty");
  }

  @Test
  void csvFieldsAreQuotedWhenTheyMustBe() {
    assertThat(ReportFormat.field("web-1")).isEqualTo("web-1");
    assertThat(ReportFormat.field("a,b")).isEqualTo("\"a,b\"");
    assertThat(ReportFormat.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(ReportFormat.field("=HYPERLINK(1)")).isEqualTo("\"'=HYPERLINK(1)\"");
    assertThat(ReportFormat.field("")).isEmpty();
  }
}
