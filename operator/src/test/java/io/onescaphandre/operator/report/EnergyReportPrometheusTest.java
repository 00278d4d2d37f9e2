package io.onescaphandre.operator.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code energy-report} against a real Prometheus holding five weeks of known series (a minute
 * apart, off the minute): constant and changing power, an agent restart (counter reset), a VM born
 * in the month, a migration (one series ends, another starts on the other host), a VM of the month
 * before, a change of owner, a VM without opennebula_vm_info. Each VM's kWh must be the energy the
 * agents measured within 0.1 %.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES) // five weeks of samples backfilled on a shared machine
class EnergyReportPrometheusTest {
  private static final Instant T0 = Instant.parse("2026-09-29T00:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-02T00:00:00Z");
  private static final Instant OCT = Instant.parse("2026-10-01T00:00:00Z");
  private static final Instant NOV = Instant.parse("2026-11-01T00:00:00Z");
  private static final long STEP = 60;
  private static final long OFFSET = 17;

  /**
   * Host 1's agent dies, unscraped for 20 s of its last minute, and a new one starts 10 s later.
   */
  private static final Instant DIES = Instant.parse("2026-10-20T06:00:37Z");

  private static final Instant RESTARTS = DIES.plusSeconds(10);
  private static final Instant POWER_DROP = Instant.parse("2026-10-15T12:00:00Z");
  private static final Instant MIGRATES = Instant.parse("2026-10-25T00:00:40Z");

  @TempDir static Path dir;
  private static LocalPrometheus prometheus;
  private static final Map<String, Double> TRUE_KWH = new HashMap<>();

  /** A stretch of one series: its counter starts at 0 at {@code from}. */
  record Life(String vm, String host, Instant from, Instant to) {}

  static double watts(String vm, long t) {
    return switch (vm) {
      case "101" -> 50;
      case "102" -> t < POWER_DROP.getEpochSecond() ? 120 : 30;
      case "103" -> 10;
      case "104" -> 80;
      case "105" -> 70;
      case "106" -> 25;
      default -> throw new IllegalArgumentException(vm);
    };
  }

  static final List<Life> LIVES =
      List.of(
          new Life("101", "1", T0, DIES),
          new Life("101", "1", RESTARTS, T1),
          new Life("102", "1", T0, DIES),
          new Life("102", "1", RESTARTS, T1),
          new Life("103", "2", Instant.parse("2026-10-10T08:00:00Z"), T1),
          new Life("104", "1", T0, MIGRATES),
          new Life("104", "2", MIGRATES, T1),
          new Life("105", "1", T0, Instant.parse("2026-09-30T12:00:00Z")),
          new Life("106", "2", Instant.parse("2026-10-29T00:00:00Z"), T1));

  /** Energy in joules over [a, b), integrated second by second (power changes on whole seconds). */
  static double joules(String vm, long a, long b) {
    double sum = 0;
    for (long t = a; t < b; t++) {
      sum += watts(vm, t);
    }
    return sum;
  }

  @BeforeAll
  static void fillPrometheus() throws Exception {
    LocalPrometheus.binary("promtool");
    LocalPrometheus.binary("prometheus");
    Path file = dir.resolve("series.om");
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      out.write("# HELP opennebula_vm_energy_joules Energy of an OpenNebula VM.\n");
      out.write("# TYPE opennebula_vm_energy_joules counter\n");
      for (Life life : LIVES) {
        String labels =
            String.format(
                "{job=\"one-scaphandre-agent\",host_id=\"%s\",one_host_id=\"%s\","
                    + "one_vm_id=\"%s\",vmname=\"one-%s\",hypervisor=\"kvm\"}",
                life.host(), life.host(), life.vm(), life.vm());
        long from = life.from().getEpochSecond();
        long first = (from / STEP) * STEP + OFFSET;
        if (first <= from) {
          first += STEP;
        }
        double counter = 0;
        long last = from;
        for (long t = first; t < life.to().getEpochSecond(); t += STEP) {
          counter += joules(life.vm(), last, t);
          last = t;
          out.write(
              "opennebula_vm_energy_joules_total"
                  + labels
                  + " "
                  + String.format(Locale.ROOT, "%.3f", counter)
                  + " "
                  + t
                  + "\n");
        }
      }
      out.write("# HELP opennebula_vm Running OpenNebula VM.\n# TYPE opennebula_vm info\n");
      info(out, "101", "web-1", "alice", "users", T0, T1);
      info(out, "102", "db", "bob", "devs", T0, T1);
      info(
          out,
          "103",
          "ci, \"runner\"",
          "alice",
          "users",
          Instant.parse("2026-10-10T08:00:00Z"),
          T1);
      info(out, "104", "=cmd", "dave", "devs", T0, Instant.parse("2026-10-20T00:00:00Z"));
      info(out, "104", "=cmd", "carol", "devs", Instant.parse("2026-10-20T00:00:00Z"), T1);
      info(out, "105", "old", "erin", "users", T0, Instant.parse("2026-09-30T12:00:00Z"));
      out.write("# EOF\n");
    }
    prometheus = LocalPrometheus.backfilled(file, dir);
    for (String vm : List.of("101", "102", "103", "104", "106")) {
      double j = 0;
      for (Life life : LIVES) {
        if (life.vm().equals(vm)) {
          long a = Math.max(life.from().getEpochSecond(), OCT.getEpochSecond());
          long b = Math.min(life.to().getEpochSecond(), NOV.getEpochSecond());
          j += b > a ? joules(vm, a, b) : 0;
        }
      }
      TRUE_KWH.put(vm, j / 3.6e6);
    }
  }

  private static void info(
      BufferedWriter out,
      String vm,
      String name,
      String user,
      String group,
      Instant from,
      Instant to)
      throws Exception {
    String labels =
        String.format(
            "{job=\"one-scaphandre-operator\",one_vm_id=\"%s\",vm_name=\"%s\",uname=\"%s\","
                + "gname=\"%s\",one_host_id=\"1\",hypervisor=\"kvm\"}",
            vm, name.replace("\"", "\\\""), user, group);
    for (long t = from.getEpochSecond() + 31; t < to.getEpochSecond(); t += 120) {
      out.write("opennebula_vm_info" + labels + " 1 " + t + "\n");
    }
  }

  @AfterAll
  static void stopPrometheus() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  record Run(int exit, String out, String err) {}

  private static Run report(Instant now, String... args) {
    EnergyReportCommand command = new EnergyReportCommand();
    command.clock = Clock.fixed(now, ZoneOffset.UTC);
    CommandLine cli = new CommandLine(command);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> all =
        new ArrayList<>(List.of("--prometheus", prometheus.url().toString(), "--zone", "UTC"));
    all.addAll(List.of(args));
    int exit = cli.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void lastCalendarMonthByDefaultEachVmWithinATenthOfAPercent() throws Exception {
    Run run =
        report(
            Instant.parse("2026-11-15T10:00:00Z"),
            "--format",
            "json",
            "--price-per-kwh",
            "0.25",
            "--pue",
            "1.4",
            "--currency",
            "EUR");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("from").asText()).isEqualTo("2026-10-01T00:00:00Z");
    assertThat(json.get("to").asText()).isEqualTo("2026-11-01T00:00:00Z");
    Map<String, JsonNode> vms = new HashMap<>();
    json.get("vms").forEach(vm -> vms.put(vm.get("id").asText(), vm));
    assertThat(vms)
        .containsOnlyKeys("101", "102", "103", "104", "106"); // 105 ran in September only
    for (Map.Entry<String, Double> truth : TRUE_KWH.entrySet()) {
      double kwh = vms.get(truth.getKey()).get("itKwh").asDouble();
      assertThat(kwh)
          .as("VM %s", truth.getKey())
          .isCloseTo(truth.getValue(), within(truth.getValue() * 0.001));
      assertThat(vms.get(truth.getKey()).get("facilityKwh").asDouble())
          .isCloseTo(kwh * 1.4, within(1e-6));
      assertThat(vms.get(truth.getKey()).get("cost").asDouble())
          .isCloseTo(kwh * 1.4 * 0.25, within(1e-4));
    }
    // 101 at 50 W over 31 days less the 10 s its agent was down: 37.2 kWh
    assertThat(TRUE_KWH.get("101")).isCloseTo(37.2, within(0.001));
    assertThat(vms.get("104").get("user").asText()).isEqualTo("carol"); // the owner at the end
    assertThat(vms.get("106").get("user").asText()).isEmpty(); // no opennebula_vm_info
    Map<String, Double> users = new HashMap<>();
    json.get("users").forEach(u -> users.put(u.get("user").asText(), u.get("itKwh").asDouble()));
    assertThat(users.get("alice"))
        .isCloseTo(TRUE_KWH.get("101") + TRUE_KWH.get("103"), within(0.01));
    Map<String, Double> groups = new HashMap<>();
    json.get("groups").forEach(g -> groups.put(g.get("group").asText(), g.get("itKwh").asDouble()));
    assertThat(groups.get("devs"))
        .isCloseTo(TRUE_KWH.get("102") + TRUE_KWH.get("104"), within(0.01));
    double total = TRUE_KWH.values().stream().mapToDouble(Double::doubleValue).sum();
    assertThat(json.get("total").get("itKwh").asDouble()).isCloseTo(total, within(total * 0.001));
  }

  @Test
  void csvAndTableOfAnExplicitPeriod() {
    Run csv =
        report(
            Instant.parse("2026-12-01T00:00:00Z"),
            "--from",
            "2026-10-10",
            "--to",
            "2026-10-12",
            "--format",
            "csv",
            "--by",
            "vm,user",
            "--price-per-kwh",
            "0.2");
    assertThat(csv.exit()).as(csv.err()).isZero();
    List<String> lines = csv.out().lines().toList();
    assertThat(lines.get(0))
        .isEqualTo("scope,id,name,user,group,vms,it_kwh,facility_kwh,cost,currency,from,to");
    // 101: 50 W for 48 h = 2.4 kWh
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("vm,101,web-1,alice,users,1,2.40"));
    assertThat(lines)
        .anySatisfy(l -> assertThat(l).startsWith("vm,103,\"ci, \"\"runner\"\"\",alice,users,1,"));
    // the owner then (carol only from Oct 20)
    assertThat(lines)
        .anySatisfy(l -> assertThat(l).startsWith("vm,104,\"'=cmd\",dave,devs,1,3.84"));
    assertThat(lines).noneMatch(l -> l.startsWith("group,"));
    assertThat(lines.get(lines.size() - 1)).startsWith("total,");

    Run table =
        report(
            Instant.parse("2026-12-01T00:00:00Z"),
            "--from",
            "2026-10-10T00:00:00Z",
            "--to",
            "2026-10-12T00:00:00Z",
            "--currency",
            "EUR",
            "--price-per-kwh",
            "0.2");
    assertThat(table.out())
        .contains("Energy from 2026-10-10T00:00:00Z to 2026-10-12T00:00:00Z (UTC, 48.0 h)")
        .contains("USER")
        .contains("GROUP")
        .contains("TOTAL");
    assertThat(table.out().lines().filter(l -> l.startsWith("101 ")).findFirst().orElseThrow())
        .contains("web-1")
        .contains("2.40");
  }

  @Test
  void aPrometheusThatIsNotThereOrRefusesTheQueryIsAClearError() {
    EnergyReportCommand command = new EnergyReportCommand();
    CommandLine cli = new CommandLine(command);
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    assertThat(
            cli.execute(
                "--prometheus", "http://127.0.0.1:1", "--from", "2026-10-01", "--to", "2026-10-02"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("did not answer").contains("--prometheus");

    Run bad =
        report(
            Instant.now(), "--from", "2026-10-01", "--to", "2026-10-02", "--match", "job=~\"(\"");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("Prometheus refused the query").contains("bad_data");
    assertThat(bad.out()).isEmpty();

    assertThat(report(Instant.now(), "--from", "2026-10-02", "--to", "2026-10-01").err())
        .contains("the period is empty");
    assertThat(report(Instant.now(), "--pue", "0.9").exit()).isEqualTo(2);
  }
}
