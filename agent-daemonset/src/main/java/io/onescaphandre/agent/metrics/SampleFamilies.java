package io.onescaphandre.agent.metrics;

import static io.onescaphandre.agent.metrics.Family.Type.COUNTER;
import static io.onescaphandre.agent.metrics.Family.Type.GAUGE;
import static io.onescaphandre.agent.metrics.Family.Type.INFO;

import io.onescaphandre.agent.power.SourceState;
import io.onescaphandre.agent.power.SourceStatus;
import io.onescaphandre.agent.rapl.RaplState;
import io.onescaphandre.agent.rapl.RaplZoneState;
import io.onescaphandre.agent.sampling.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The series of docs/interfaces.md that one {@link Snapshot} determines, as the Prometheus client's
 * model: built once per sample, rendered once per sample by {@link MetricsPublisher}.
 */
final class SampleFamilies {
  static final Family HOST_POWER =
      new Family(
          "opennebula_host_power_watts",
          "Host power over the last interval, from the source named (estimate: a model, not a measurement)",
          GAUGE,
          "source");
  static final Family HOST_ENERGY =
      new Family(
          "opennebula_host_energy_joules",
          "Energy since the agent started; domain=host is the host total, never sum over domain",
          COUNTER,
          "domain");
  static final Family ZONE_ENERGY =
      new Family(
          "opennebula_rapl_zone_energy_joules",
          "Energy of each powercap zone since the agent started, wraps removed",
          COUNTER,
          "zone",
          "domain",
          "socket");
  static final Family VM_POWER =
      new Family(
          "opennebula_vm_power_watts",
          "Power attributed to the OpenNebula VM over the last interval; source: of the host total",
          GAUGE,
          "one_vm_id",
          "vmname",
          "hypervisor",
          "source");
  static final Family VM_ENERGY =
      new Family(
          "opennebula_vm_energy_joules",
          "Energy attributed to the OpenNebula VM",
          COUNTER,
          "one_vm_id",
          "vmname",
          "hypervisor");
  static final Family VM_CPU =
      new Family(
          "opennebula_vm_cpu_seconds",
          "CPU time of the OpenNebula VM, kernel helper threads included",
          COUNTER,
          "one_vm_id",
          "vmname",
          "hypervisor");
  static final Family POD_POWER =
      new Family(
          "opennebula_pod_power_watts",
          "Power of a pod container (top N; the rest under pod_uid=other)",
          GAUGE,
          "pod_uid",
          "container",
          "source");
  static final Family POD_ENERGY =
      new Family(
          "opennebula_pod_energy_joules",
          "Energy of a pod container (top N; the rest under pod_uid=other)",
          COUNTER,
          "pod_uid",
          "container");
  static final Family SERVICE_POWER =
      new Family(
          "opennebula_service_power_watts",
          "Power of a systemd service of the host (top N; the rest under unit=other)",
          GAUGE,
          "unit",
          "source");
  static final Family SERVICE_ENERGY =
      new Family(
          "opennebula_service_energy_joules",
          "Energy of a systemd service of the host (top N; the rest under unit=other)",
          COUNTER,
          "unit");
  static final Family OTHER_POWER =
      new Family(
          "opennebula_other_power_watts",
          "Power of processes in no VM, pod or service",
          GAUGE,
          "source");
  static final Family OTHER_ENERGY =
      new Family(
          "opennebula_other_energy_joules",
          "Energy of processes in no VM, pod or service",
          COUNTER);
  static final Family UNATTRIBUTED_POWER =
      new Family(
          "opennebula_unattributed_power_watts",
          "Power the attribution policy gives to no one",
          GAUGE,
          "source");
  static final Family UNATTRIBUTED_ENERGY =
      new Family(
          "opennebula_unattributed_energy_joules",
          "Energy the attribution policy gives to no one",
          COUNTER);
  static final Family SOURCE_POWER =
      new Family(
          "opennebula_power_source_watts",
          "Host power over the last interval as each usable source gives it (estimate: a model)",
          GAUGE,
          "source");
  static final Family SOURCE_ENERGY =
      new Family(
          "opennebula_power_source_energy_joules",
          "Host energy as each source gives it, over the intervals it was usable",
          COUNTER,
          "source");
  static final Family SOURCE_STATE =
      new Family(
          "opennebula_power_source_state",
          "1 for the current state of each enabled power source, 0 for the others",
          GAUGE,
          "source",
          "state");
  static final Family TOTAL_SOURCE =
      new Family(
          "opennebula_host_power_source",
          "1 for the source that makes the host total, 0 for the other enabled sources",
          GAUGE,
          "source");
  static final Family REMAINDER_POWER =
      new Family(
          "opennebula_platform_remainder_power_watts",
          "Whole-node power above RAPL's CPU and DRAM (supplies, fans, disks, NICs), divided by the"
              + " remainder policy; 0 unless a whole-node meter makes the total while RAPL is read",
          GAUGE);
  static final Family ESTIMATE_CURVE =
      new Family(
          "opennebula_power_estimate_curve",
          "1: the curve of the power estimate (basis ccf, ccf-average, tdp or configured; cpu), a model"
              + " whose error on a given server is tens of percent",
          INFO,
          "basis",
          "cpu");
  static final Family RAPL_STATE =
      new Family(
          "opennebula_rapl_state",
          "1 for the current RAPL state (ok, degraded, absent, unreadable), 0 for the others",
          GAUGE,
          "state");
  static final Family RAPL_ZONE_STATE =
      new Family(
          "opennebula_rapl_zone_state",
          "1 for the current state of the powercap zone (ok, degraded, unreadable), 0 for the others",
          GAUGE,
          "zone",
          "state");
  static final Family RAPL_COUNTER_RESETS =
      new Family(
          "opennebula_rapl_counter_resets",
          "Intervals of the zone refused because its counter moved by more energy than the zone can use"
              + " (a fall that is not a wrap, a jump)",
          COUNTER,
          "zone");
  static final Family RAPL_ZONE_GAP =
      new Family(
          "opennebula_rapl_zone_gap_seconds",
          "Time whose energy the zone's counter lacks: unreadable, refused, or the interval across"
              + " which it came back",
          COUNTER,
          "zone");
  static final Family PROCESSES_SKIPPED =
      new Family(
          "opennebula_agent_processes_skipped",
          "Processes left out of a sample because their /proc files could not be parsed",
          COUNTER);
  static final Family SCAPH_HOST_POWER =
      new Family("scaph_host_power_microwatts", "Scaphandre-compatible host power", GAUGE);
  static final Family SCAPH_HOST_ENERGY =
      new Family(
          "scaph_host_energy_microjoules",
          "Scaphandre-compatible host energy, monotonic (wraps removed)",
          GAUGE);
  static final Family SCAPH_SOCKET_POWER =
      new Family(
          "scaph_socket_power_microwatts",
          "Scaphandre-compatible package power of a socket",
          GAUGE,
          "socket_id");
  static final Family SCAPH_DOMAIN_POWER =
      new Family(
          "scaph_domain_power_microwatts",
          "Scaphandre-compatible power of a RAPL domain of a socket",
          GAUGE,
          "domain_name",
          "socket_id");
  static final Family SCAPH_PROCESS_POWER =
      new Family(
          "scaph_process_power_consumption_microwatts",
          "Scaphandre-compatible process power: each VM's main process carries the VM's power; plus"
              + " the top N other processes",
          GAUGE,
          "pid",
          "exe",
          "cmdline",
          "vmname");

  private static final RaplZoneState[] ZONE_STATES = RaplZoneState.values();

  private SampleFamilies() {}

  /** Before the first sample: only the RAPL state (absent). */
  static List<Block> beforeFirstSample() {
    List<Block> out = new ArrayList<>();
    raplState(RaplState.ABSENT).addTo(out);
    return out;
  }

  /** Every family {@code s} determines, each with the series it has (none: left out). */
  static List<Block> of(Snapshot s) {
    List<Block> out = new ArrayList<>(40);
    raplState(s.raplState()).addTo(out);
    Family.Points zoneStates = RAPL_ZONE_STATE.points();
    Family.Points resets = RAPL_COUNTER_RESETS.points();
    Family.Points gaps = RAPL_ZONE_GAP.points();
    Family.Points zoneEnergy = ZONE_ENERGY.points();
    for (Snapshot.Zone z : s.zones()) {
      for (RaplZoneState state : ZONE_STATES) {
        zoneStates.add(state.label().equals(z.state()) ? 1.0 : 0.0, z.zone(), state.label());
      }
      resets.add(z.resets(), z.zone());
      gaps.add(z.gapSeconds(), z.zone());
      zoneEnergy.add(z.joules(), z.zone(), z.domain(), z.socket());
    }
    zoneStates.addTo(out);
    resets.addTo(out);
    gaps.addTo(out);
    zoneEnergy.addTo(out);
    PROCESSES_SKIPPED.points().add(s.processesSkipped()).addTo(out);
    Family.Points vmCpu = VM_CPU.points();
    s.vms().forEach(vm -> vmCpu.add(vm.cpuSeconds(), vm.vmId(), vm.vmName(), vm.hypervisor()));
    vmCpu.addTo(out);
    Family.Points hostEnergy = HOST_ENERGY.points();
    s.domainJoules().forEach((domain, joules) -> hostEnergy.add(joules, domain));
    hostEnergy.addTo(out);
    sources(s, out);
    if (s.domainJoules().containsKey("host")) {
      SCAPH_HOST_ENERGY.points().add(s.hostJoules() * 1e6).addTo(out);
    }
    if (s.powerAvailable()) {
      power(s, out);
    }
    return out;
  }

  /**
   * The power families, present only while there is power. Every power gauge names the source of
   * the host total it divides, so that figures derived from an estimate say so wherever they
   * appear; energy counters do not (a change of source would start new counters).
   */
  private static void power(Snapshot s, List<Block> out) {
    String source = s.hostPower().totalSource().label();
    HOST_POWER.points().add(s.hostWatts(), source).addTo(out);
    REMAINDER_POWER
        .points()
        .add(s.intervalSeconds() > 0 ? s.hostPower().remainderJoules() / s.intervalSeconds() : 0)
        .addTo(out);
    SCAPH_HOST_POWER.points().add(s.hostWatts() * 1e6).addTo(out);
    Family.Points vmPower = VM_POWER.points();
    Family.Points vmEnergy = VM_ENERGY.points();
    for (Snapshot.Vm vm : s.vms()) {
      vmPower.add(vm.watts(), vm.vmId(), vm.vmName(), vm.hypervisor(), source);
      vmEnergy.add(vm.joules(), vm.vmId(), vm.vmName(), vm.hypervisor());
    }
    vmPower.addTo(out);
    vmEnergy.addTo(out);
    Family.Points podPower = POD_POWER.points();
    Family.Points podEnergy = POD_ENERGY.points();
    for (Snapshot.Pod p : s.pods()) {
      podPower.add(p.watts(), p.podUid(), p.container(), source);
      podEnergy.add(p.joules(), p.podUid(), p.container());
    }
    podPower.addTo(out);
    podEnergy.addTo(out);
    Family.Points servicePower = SERVICE_POWER.points();
    Family.Points serviceEnergy = SERVICE_ENERGY.points();
    for (Snapshot.Service u : s.services()) {
      servicePower.add(u.watts(), u.unit(), source);
      serviceEnergy.add(u.joules(), u.unit());
    }
    servicePower.addTo(out);
    serviceEnergy.addTo(out);
    OTHER_POWER.points().add(s.otherWatts(), source).addTo(out);
    OTHER_ENERGY.points().add(s.otherJoules()).addTo(out);
    UNATTRIBUTED_POWER.points().add(s.unattributedWatts(), source).addTo(out);
    UNATTRIBUTED_ENERGY.points().add(s.unattributedJoules()).addTo(out);
    Family.Points sockets = SCAPH_SOCKET_POWER.points();
    s.socketWatts().forEach((socket, watts) -> sockets.add(watts * 1e6, socket));
    sockets.addTo(out);
    Family.Points domains = SCAPH_DOMAIN_POWER.points();
    s.domainWatts().forEach(d -> domains.add(d.watts() * 1e6, d.domain(), d.socket()));
    domains.addTo(out);
    Family.Points processes = SCAPH_PROCESS_POWER.points();
    for (Snapshot.ProcessPower p : s.processes()) {
      processes.add(p.watts() * 1e6, Integer.toString(p.pid()), p.exe(), p.cmdline(), p.vmName());
    }
    processes.addTo(out);
  }

  /** Per-source health, power and energy, and which source makes the total. */
  private static void sources(Snapshot s, List<Block> out) {
    Family.Points states = SOURCE_STATE.points();
    Family.Points watts = SOURCE_POWER.points();
    Family.Points joules = SOURCE_ENERGY.points();
    Family.Points total = TOTAL_SOURCE.points();
    for (SourceStatus status : s.hostPower().sources()) {
      String source = status.source().label();
      for (SourceState state : SourceState.values()) {
        states.add(state == status.state() ? 1.0 : 0.0, source, state.label());
      }
      if (status.state() == SourceState.OK && s.powerAvailable()) {
        watts.add(status.watts(), source);
      }
      joules.add(status.joules(), source);
      total.add(status.source() == s.hostPower().totalSource() ? 1.0 : 0.0, source);
    }
    var curve = s.hostPower().estimateCurve();
    if (curve != null) {
      ESTIMATE_CURVE.points().add(1, curve.basis(), curve.cpu()).addTo(out);
    }
    states.addTo(out);
    watts.addTo(out);
    joules.addTo(out);
    total.addTo(out);
  }

  private static Family.Points raplState(RaplState current) {
    Family.Points points = RAPL_STATE.points();
    for (RaplState state : RaplState.values()) {
      points.add(state == current ? 1.0 : 0.0, state.label());
    }
    return points;
  }
}
