package io.onescaphandre.demo;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One frame of the live view, from one scrape of the agent: host power with its RAPL domains, then
 * every consumer the agent attributes power to (VMs, pods, services, other processes,
 * unattributed), which add up to the host, then the top processes by power.
 */
final class LiveTable {
  static final String HOST_POWER = "opennebula_host_power_watts";
  static final String SOURCE_POWER = "opennebula_power_source_watts";
  static final String ESTIMATE_CURVE = "opennebula_power_estimate_curve_info";
  static final String VM_POWER = "opennebula_vm_power_watts";
  static final String POD_POWER = "opennebula_pod_power_watts";
  static final String SERVICE_POWER = "opennebula_service_power_watts";
  static final String OTHER_POWER = "opennebula_other_power_watts";
  static final String UNATTRIBUTED_POWER = "opennebula_unattributed_power_watts";
  static final String DOMAIN_POWER = "scaph_domain_power_microwatts";
  static final String PROCESS_POWER = "scaph_process_power_consumption_microwatts";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final int TOP_PROCESSES = 5;

  /** Every line fits 80 columns, so that a terminal can redraw the table in place. */
  private static final int COMMAND_WIDTH = 56;

  private LiveTable() {}

  /**
   * @param where what the agent stands for, e.g. "this machine as one-kvm-01 (host id 7)"
   * @param simulatedVms names of the VMs that are simulated guests
   * @param demoProcesses pids of the demo's own processes, with what each is
   */
  static String render(
      PrometheusText metrics,
      LocalTime time,
      String where,
      Set<String> simulatedVms,
      Map<String, String> demoProcesses) {
    StringBuilder sb = new StringBuilder();
    sb.append("LIVE ").append(time.format(TIME)).append("  ").append(where).append('\n');
    Optional<Double> host = metrics.value(HOST_POWER);
    if (host.isEmpty()) {
      return sb.append("  waiting for the agent's first power sample (two RAPL readings)\n")
          .toString();
    }
    double hostWatts = host.get();
    String source = metrics.all(HOST_POWER).get(0).label("source");
    Map<String, Double> domains =
        new TreeMap<>(
            Comparator.comparing(LiveTable::domainOrder).thenComparing(Comparator.naturalOrder()));
    metrics
        .all(DOMAIN_POWER)
        .forEach(s -> domains.merge(s.label("domain_name"), s.value() / 1e6, Double::sum));
    sb.append("  HOST POWER ")
        .append(watts(hostWatts))
        .append(
            domains.isEmpty()
                ? ""
                : " = "
                    + domains.entrySet().stream()
                        .map(e -> e.getKey() + " " + watts(e.getValue()))
                        .collect(Collectors.joining(" + ")))
        .append(
            switch (source) {
              case "rapl", "" -> "  (RAPL SIMULATED)\n";
              case "estimate" -> "  (ESTIMATE: a model, not measured)\n";
              default -> "  (from " + source + ")\n";
            });
    if (!source.equals("estimate")) {
      // This machine's own power as the estimate models it, beside the simulated measurement.
      metrics.all(SOURCE_POWER).stream()
          .filter(s -> s.label("source").equals("estimate"))
          .findFirst()
          .ifPresent(
              e -> {
                String curve =
                    metrics.all(ESTIMATE_CURVE).stream()
                        .findFirst()
                        .map(c -> c.label("basis") + " " + c.label("cpu"))
                        .orElse("CPU use");
                String line =
                    "  ESTIMATE of this machine " + watts(e.value()) + " (model: " + curve + ")";
                sb.append(line.length() <= 80 ? line : line.substring(0, 76) + "...)").append('\n');
              });
    }

    TextTable table = new TextTable("CONSUMER", "POWER", "SHARE").alignRight(1, 2);
    double total = 0;
    List<PrometheusText.Sample> vms =
        metrics.all(VM_POWER).stream()
            .sorted(
                Comparator.comparingDouble(PrometheusText.Sample::value)
                    .reversed()
                    .thenComparing(s -> s.label("vmname")))
            .toList();
    for (PrometheusText.Sample vm : vms) {
      String name = vm.label("vmname");
      table.row(
          "VM "
              + name
              + " ("
              + vm.label("hypervisor")
              + (simulatedVms.contains(name) ? ", simulated guest" : "")
              + ")",
          watts(vm.value()),
          share(vm.value(), hostWatts));
      total += vm.value();
    }
    List<PrometheusText.Sample> pods = metrics.all(POD_POWER);
    if (!pods.isEmpty()) {
      double w = metrics.sum(POD_POWER);
      table.row("Kubernetes pods (" + pods.size() + " series)", watts(w), share(w, hostWatts));
      total += w;
    }
    List<PrometheusText.Sample> services = metrics.all(SERVICE_POWER);
    if (!services.isEmpty()) {
      double w = metrics.sum(SERVICE_POWER);
      table.row("systemd services (" + services.size() + " series)", watts(w), share(w, hostWatts));
      total += w;
    }
    double other = metrics.value(OTHER_POWER).orElse(0.0);
    table.row("other processes", watts(other), share(other, hostWatts));
    total += other;
    double unattributed = metrics.value(UNATTRIBUTED_POWER).orElse(0.0);
    table.row(
        "unattributed (left to no one by the policy)",
        watts(unattributed),
        share(unattributed, hostWatts));
    total += unattributed;
    table.row("TOTAL", watts(total), share(total, hostWatts));
    sb.append(table.render("  "));

    List<PrometheusText.Sample> top =
        metrics.all(PROCESS_POWER).stream()
            .filter(s -> s.label("vmname").isEmpty())
            .sorted(Comparator.comparingDouble(PrometheusText.Sample::value).reversed())
            .limit(TOP_PROCESSES)
            .toList();
    if (!top.isEmpty()) {
      sb.append("  top processes outside VMs (already counted above):\n");
      TextTable processes = new TextTable("PID", "POWER", "COMMAND").alignRight(0, 1);
      top.forEach(
          p ->
              processes.row(
                  p.label("pid"),
                  watts(p.value() / 1e6),
                  abbreviate(
                      Optional.ofNullable(demoProcesses.get(p.label("pid")))
                              .map(what -> "[demo: " + what + "] ")
                              .orElse("")
                          + command(p.label("cmdline")))));
      sb.append(processes.render("    "));
    }
    return sb.toString();
  }

  private static int domainOrder(String domain) {
    return switch (domain) {
      case "psys" -> 0;
      case "package" -> 1;
      case "core" -> 2;
      case "uncore" -> 3;
      case "dram" -> 4;
      default -> 5;
    };
  }

  private static String watts(double w) {
    return String.format(Locale.ROOT, "%.1f W", w);
  }

  private static String share(double w, double host) {
    return host <= 0 ? "-" : String.format(Locale.ROOT, "%.1f %%", 100 * w / host);
  }

  /**
   * The command line with its program as a base name: /usr/lib/jvm/x/bin/java -jar a.jar is java
   * -jar a.jar.
   */
  static String command(String cmdline) {
    int space = cmdline.indexOf(' ');
    String program = space < 0 ? cmdline : cmdline.substring(0, space);
    int slash = program.lastIndexOf('/');
    return slash < 0 ? cmdline : cmdline.substring(slash + 1);
  }

  private static String abbreviate(String s) {
    return s.length() <= COMMAND_WIDTH ? s : s.substring(0, COMMAND_WIDTH - 3) + "...";
  }
}
