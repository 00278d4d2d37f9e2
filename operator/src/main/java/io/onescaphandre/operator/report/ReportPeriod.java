package io.onescaphandre.operator.report;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The period of a report, {@code [from, to)}, and its cut into days of {@code zone}: Prometheus
 * evaluates each day's increase in one query, so no query reads more than a day of samples.
 */
record ReportPeriod(Instant from, Instant to, ZoneId zone) {

  ReportPeriod {
    if (!from.isBefore(to)) {
      throw new ReportException(
          "the period is empty: --from " + from + " is not before --to " + to);
    }
  }

  /**
   * The last calendar month before {@code now}, in {@code zone}, as OpenNebula's showback counts
   * months.
   */
  static ReportPeriod lastCalendarMonth(Instant now, ZoneId zone) {
    LocalDate firstOfThisMonth = now.atZone(zone).toLocalDate().withDayOfMonth(1);
    return new ReportPeriod(
        firstOfThisMonth.minusMonths(1).atStartOfDay(zone).toInstant(),
        firstOfThisMonth.atStartOfDay(zone).toInstant(),
        zone);
  }

  /**
   * {@code 2026-10-01} (start of that day in {@code zone}), or an ISO date-time with offset or Z.
   */
  static Instant parse(String text, ZoneId zone, String option) {
    try {
      return LocalDate.parse(text).atStartOfDay(zone).toInstant();
    } catch (DateTimeParseException notADate) {
      try {
        return OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.SECONDS);
      } catch (DateTimeParseException e) {
        throw new ReportException(
            option
                + " must be a date (2026-10-01) or a date-time with offset"
                + " (2026-10-01T00:00:00Z), not '"
                + text
                + "'");
      }
    }
  }

  Duration length() {
    return Duration.between(from, to);
  }

  /** Consecutive {@code [start, end)} pieces covering the period, cut at midnights of the zone. */
  List<Instant[]> days() {
    List<Instant[]> days = new ArrayList<>();
    Instant start = from;
    while (start.isBefore(to)) {
      ZonedDateTime nextMidnight = start.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone);
      Instant end = nextMidnight.toInstant().isBefore(to) ? nextMidnight.toInstant() : to;
      days.add(new Instant[] {start, end});
      start = end;
    }
    return days;
  }
}
