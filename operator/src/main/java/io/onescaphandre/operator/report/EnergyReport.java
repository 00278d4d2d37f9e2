package io.onescaphandre.operator.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Energy showback: each VM's energy over a period from Prometheus, and the same summed per user and
 * per group, in kWh at the server (what the agent measures), in kWh at the facility (times the PUE)
 * and as a cost (facility kWh times the price).
 *
 * <p>Energy per VM and day is {@code sum by (one_vm_id)
 * (increase(opennebula_vm_energy_joules_total[1d]))} evaluated at the day's end: Prometheus' {@code
 * increase} handles counter resets (an agent restart, a migration to another host) and extrapolates
 * each day to its edges, so consecutive days add up to the period without a gap. Owner and group
 * are those {@code opennebula_vm_info} (the operator's) gave the VM last in the period; a VM
 * without it is reported under user and group {@code ""}.
 */
final class EnergyReport {
  static final double JOULES_PER_KWH = 3.6e6;
  static final String ENERGY_SERIES = "opennebula_vm_energy_joules_total";
  static final String INFO_SERIES = "opennebula_vm_info";

  /** One VM's line. */
  record VmEnergy(String vmId, String name, String user, String group, double itKwh) {}

  /** A sum over VMs (a user, a group, the total). */
  record Total(String key, int vms, double itKwh) {}

  private final ReportPeriod period;
  private final List<VmEnergy> vms;

  private EnergyReport(ReportPeriod period, List<VmEnergy> vms) {
    this.period = period;
    this.vms = vms;
  }

  /**
   * Asks Prometheus, one day at a time.
   *
   * @param matchers extra label matchers for the energy series, e.g. {@code
   *     job="one-scaphandre-agent"}; may be empty
   */
  static EnergyReport query(PrometheusQueries prometheus, ReportPeriod period, String matchers) {
    Map<String, Double> joules =
        new TreeMap<>(Comparator.comparingLong(EnergyReport::numeric).thenComparing(s -> s));
    Map<String, Map<String, String>> owners = new LinkedHashMap<>();
    String selector =
        ENERGY_SERIES + (matchers == null || matchers.isBlank() ? "" : "{" + matchers + "}");
    for (Instant[] day : period.days()) {
      long seconds = day[1].getEpochSecond() - day[0].getEpochSecond();
      for (PrometheusQueries.Sample s :
          prometheus.vector(
              "sum by (one_vm_id) (increase(" + selector + "[" + seconds + "s]))", day[1])) {
        String vm = s.labels().get("one_vm_id");
        if (vm != null && !Double.isNaN(s.value())) {
          joules.merge(vm, s.value(), Double::sum);
        }
      }
      List<PrometheusQueries.Sample> info =
          new ArrayList<>(
              prometheus.vector(
                  "max by (one_vm_id, vm_name, uname, gname) (last_over_time("
                      + INFO_SERIES
                      + "["
                      + seconds
                      + "s]))",
                  day[1]));
      info.sort(Comparator.comparing(s -> s.labels().toString()));
      for (PrometheusQueries.Sample s : info) {
        String vm = s.labels().get("one_vm_id");
        if (vm != null) {
          owners.put(vm, s.labels()); // later days win: the owner at the end of the period
        }
      }
    }
    List<VmEnergy> lines = new ArrayList<>();
    joules.forEach(
        (vm, j) -> {
          Map<String, String> owner = owners.getOrDefault(vm, Map.of());
          lines.add(
              new VmEnergy(
                  vm,
                  owner.getOrDefault("vm_name", ""),
                  owner.getOrDefault("uname", ""),
                  owner.getOrDefault("gname", ""),
                  j / JOULES_PER_KWH));
        });
    return new EnergyReport(period, lines);
  }

  private static long numeric(String id) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  ReportPeriod period() {
    return period;
  }

  List<VmEnergy> vms() {
    return vms;
  }

  List<Total> byUser() {
    return totals(VmEnergy::user);
  }

  List<Total> byGroup() {
    return totals(VmEnergy::group);
  }

  Total total() {
    return new Total("", vms.size(), vms.stream().mapToDouble(VmEnergy::itKwh).sum());
  }

  private List<Total> totals(java.util.function.Function<VmEnergy, String> key) {
    Map<String, double[]> sums = new TreeMap<>();
    for (VmEnergy vm : vms) {
      double[] s = sums.computeIfAbsent(key.apply(vm), k -> new double[2]);
      s[0]++;
      s[1] += vm.itKwh();
    }
    List<Total> out = new ArrayList<>();
    sums.forEach((k, s) -> out.add(new Total(k, (int) s[0], s[1])));
    return out;
  }
}
