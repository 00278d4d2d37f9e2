package io.onescaphandre.operator.report;

import io.onescaphandre.contracts.duration.DurationConverter;
import io.onescaphandre.contracts.duration.DurationField;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code energy-report}: kWh and cost per VM, user and group over a period, from Prometheus' HTTP
 * API. Output goes to stdout only when the report is complete; any failure prints what to check on
 * stderr and exits 1.
 */
@Command(
    name = "energy-report",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Energy showback: kWh and cost of every OpenNebula VM, and per user and group, over a period"
          + " (default: the last calendar month), from the agents' opennebula_vm_energy_joules_total and"
          + " the operator's opennebula_vm_info in Prometheus.",
      "Cost = kWh measured x PUE x price per kWh."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:the report was printed",
      "1:Prometheus could not give it (see stderr)",
      "2:invalid options"
    })
public final class EnergyReportCommand implements Callable<Integer> {
  static final int EXIT_FAILURE = 1;

  @Spec private CommandSpec spec;

  @Option(
      names = "--prometheus",
      paramLabel = "URL",
      defaultValue = "http://localhost:9090",
      description = "Prometheus base URL (default: ${DEFAULT-VALUE}).")
  private URI prometheus;

  @Option(
      names = "--from",
      paramLabel = "DATE",
      description =
          "Start, included: 2026-10-01 (midnight in --zone)"
              + " or 2026-10-01T00:00:00Z. Default: the first day of last month.")
  private String from;

  @Option(
      names = "--to",
      paramLabel = "DATE",
      description =
          "End, excluded, same forms. Default: the first day"
              + " of this month (with --from alone: now).")
  private String to;

  @Option(
      names = "--zone",
      paramLabel = "ZONE",
      description =
          "Time zone of dates and of the days the period is"
              + " cut into (default: this machine's, ${DEFAULT-VALUE}).",
      defaultValue = "${sys:user.timezone:-UTC}")
  private String zone;

  @Option(
      names = "--price-per-kwh",
      paramLabel = "PRICE",
      defaultValue = "0",
      description = "Price of one kWh at the facility meter (default: ${DEFAULT-VALUE}).")
  private double pricePerKwh;

  @Option(
      names = "--currency",
      paramLabel = "TEXT",
      defaultValue = "",
      description = "Currency shown next to costs, e.g. EUR.")
  private String currency;

  @Option(
      names = "--pue",
      paramLabel = "RATIO",
      defaultValue = "1.0",
      description =
          "Power usage effectiveness of the data centre, >= 1 (default: ${DEFAULT-VALUE}).")
  private double pue;

  @Option(
      names = "--by",
      split = ",",
      paramLabel = "SECTION",
      description =
          "Sections: vm, user, group, comma-separated (default: all three; the total is always there).")
  private List<ReportFormat.Section> sections;

  @Option(
      names = "--format",
      defaultValue = "table",
      paramLabel = "FORMAT",
      description = "table, csv or json (default: ${DEFAULT-VALUE}).")
  private ReportFormat format;

  @Option(
      names = "--match",
      paramLabel = "MATCHERS",
      description =
          "Extra label matchers for the energy series, e.g. 'job=\"one-scaphandre-agent\"'.")
  private String matchers;

  @Option(
      names = "--bearer-token-file",
      paramLabel = "FILE",
      description =
          "File holding a token sent as Authorization: Bearer (a Prometheus behind a proxy).")
  private java.nio.file.Path bearerTokenFile;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = QueryTimeout.class,
      description =
          "Time allowed for each query, "
              + QueryTimeout.MIN
              + " to "
              + QueryTimeout.MAX
              + " (default: ${DEFAULT-VALUE}).")
  private Duration timeout;

  /**
   * {@code --timeout} in the project's duration grammar. Each query reads one day of samples: under
   * a second fails on any loaded Prometheus, and past 10 minutes a stuck query is better reported.
   */
  public static final class QueryTimeout extends DurationConverter {
    static final String MIN = "1s";
    static final String MAX = "10m";

    public QueryTimeout() {
      super(new DurationField("--timeout", MIN, MAX));
    }
  }

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    if (!(pue >= 1) || Double.isInfinite(pue)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--pue must be a number >= 1, not " + pue);
    }
    if (!(pricePerKwh >= 0) || Double.isInfinite(pricePerKwh)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--price-per-kwh must be >= 0");
    }
    if (prometheus.getScheme() == null || !prometheus.getScheme().matches("https?")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--prometheus must be an http(s) URL");
    }
    try {
      ZoneId zoneId = ZoneId.of(zone);
      ReportPeriod period = period(zoneId);
      EnergyReport report =
          EnergyReport.query(
              new PrometheusQueries(prometheus, timeout, bearerToken()), period, matchers);
      spec.commandLine()
          .getOut()
          .print(
              format.render(
                  report,
                  new ReportFormat.Pricing(pricePerKwh, pue, currency),
                  sections == null || sections.isEmpty()
                      ? EnumSet.allOf(ReportFormat.Section.class)
                      : EnumSet.copyOf(sections)));
      spec.commandLine().getOut().flush();
      return 0;
    } catch (java.time.DateTimeException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--zone: " + e.getMessage());
    } catch (ReportException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return EXIT_FAILURE;
    }
  }

  private String bearerToken() {
    if (bearerTokenFile == null) {
      return null;
    }
    try {
      String token = java.nio.file.Files.readString(bearerTokenFile).strip();
      if (token.isEmpty() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        throw new ReportException(
            "--bearer-token-file "
                + bearerTokenFile
                + " holds no usable token"
                + " (one line of printable characters)");
      }
      return token;
    } catch (java.io.IOException e) {
      throw new ReportException(
          "cannot read --bearer-token-file " + bearerTokenFile + ": " + e.getMessage());
    }
  }

  private ReportPeriod period(ZoneId zoneId) {
    Instant now = clock.instant();
    if (from == null && to == null) {
      return ReportPeriod.lastCalendarMonth(now, zoneId);
    }
    if (from == null) {
      throw new ReportException("--to needs --from");
    }
    Instant start = ReportPeriod.parse(from, zoneId, "--from");
    Instant end =
        to == null
            ? now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            : ReportPeriod.parse(to, zoneId, "--to");
    return new ReportPeriod(start, end, zoneId);
  }
}
