package io.onescaphandre.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onescaphandre.agent.power.SourceState;
import io.onescaphandre.agent.power.SourceStatus;
import io.onescaphandre.agent.rapl.RaplState;
import io.onescaphandre.agent.rapl.RaplZoneState;
import io.onescaphandre.agent.sampling.SampleSink;
import io.onescaphandre.agent.sampling.Snapshot;
import io.onescaphandre.contracts.hostid.LocalHostId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Turns each {@link Snapshot} into the series of docs/interfaces.md. A snapshot is applied under a
 * write lock and a scrape renders under the read lock, so every scrape shows exactly one complete
 * sample however slow or concurrent the scrapes are.
 */
public final class MetricsPublisher implements SampleSink {
  private final PrometheusMeterRegistry registry;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();

  private final MeterFamily hostPower;
  private final MeterFamily hostEnergy;
  private final MeterFamily zoneEnergy;
  private final MeterFamily vmPower;
  private final MeterFamily vmEnergy;
  private final MeterFamily vmCpu;
  private final MeterFamily podPower;
  private final MeterFamily podEnergy;
  private final MeterFamily servicePower;
  private final MeterFamily serviceEnergy;
  private final MeterFamily otherPower;
  private final MeterFamily otherEnergy;
  private final MeterFamily unattributedPower;
  private final MeterFamily unattributedEnergy;
  private final MeterFamily raplState;
  private final MeterFamily sourcePower;
  private final MeterFamily sourceEnergy;
  private final MeterFamily sourceState;
  private final MeterFamily totalSource;
  private final MeterFamily remainderPower;
  private final MeterFamily estimateCurve;
  private final MeterFamily hostInfo;
  private final MeterFamily raplZoneState;
  private final MeterFamily raplCounterResets;
  private final MeterFamily raplZoneGap;
  private final MeterFamily sampleFailures;
  private final Map<List<String>, Double> sampleFailureCounts = new HashMap<>();
  private final MeterFamily processesSkipped;
  private final MeterFamily scaphHostPower;
  private final MeterFamily scaphHostEnergy;
  private final MeterFamily scaphSocketPower;
  private final MeterFamily scaphDomainPower;
  private final MeterFamily scaphProcessPower;
  private final Timer sampleDuration;
  private final Counter samples;

  public MetricsPublisher(PrometheusMeterRegistry registry, Path procfs) {
    this.registry = registry;
    MeterFamily.Type g = MeterFamily.Type.GAUGE;
    MeterFamily.Type c = MeterFamily.Type.COUNTER;
    hostPower =
        new MeterFamily(
            registry,
            "opennebula.host.power.watts",
            "Host power over the last interval, from the source named (estimate: a model, not a measurement)",
            g,
            "source");
    hostEnergy =
        new MeterFamily(
            registry,
            "opennebula.host.energy.joules",
            "Energy since the agent started; domain=host is the host total, never sum over domain",
            c,
            "domain");
    zoneEnergy =
        new MeterFamily(
            registry,
            "opennebula.rapl.zone.energy.joules",
            "Energy of each powercap zone since the agent started, wraps removed",
            c,
            "zone",
            "domain",
            "socket");
    vmPower =
        new MeterFamily(
            registry,
            "opennebula.vm.power.watts",
            "Power attributed to the OpenNebula VM over the last interval; source: of the host total",
            g,
            "one_vm_id",
            "vmname",
            "hypervisor",
            "source");
    vmEnergy =
        new MeterFamily(
            registry,
            "opennebula.vm.energy.joules",
            "Energy attributed to the OpenNebula VM",
            c,
            "one_vm_id",
            "vmname",
            "hypervisor");
    vmCpu =
        new MeterFamily(
            registry,
            "opennebula.vm.cpu.seconds",
            "CPU time of the OpenNebula VM, kernel helper threads included",
            c,
            "one_vm_id",
            "vmname",
            "hypervisor");
    podPower =
        new MeterFamily(
            registry,
            "opennebula.pod.power.watts",
            "Power of a pod container (top N; the rest under pod_uid=other)",
            g,
            "pod_uid",
            "container",
            "source");
    podEnergy =
        new MeterFamily(
            registry,
            "opennebula.pod.energy.joules",
            "Energy of a pod container (top N; the rest under pod_uid=other)",
            c,
            "pod_uid",
            "container");
    servicePower =
        new MeterFamily(
            registry,
            "opennebula.service.power.watts",
            "Power of a systemd service of the host (top N; the rest under unit=other)",
            g,
            "unit",
            "source");
    serviceEnergy =
        new MeterFamily(
            registry,
            "opennebula.service.energy.joules",
            "Energy of a systemd service of the host (top N; the rest under unit=other)",
            c,
            "unit");
    otherPower =
        new MeterFamily(
            registry,
            "opennebula.other.power.watts",
            "Power of processes in no VM, pod or service",
            g,
            "source");
    otherEnergy =
        new MeterFamily(
            registry,
            "opennebula.other.energy.joules",
            "Energy of processes in no VM, pod or service",
            c);
    unattributedPower =
        new MeterFamily(
            registry,
            "opennebula.unattributed.power.watts",
            "Power the attribution policy gives to no one",
            g,
            "source");
    unattributedEnergy =
        new MeterFamily(
            registry,
            "opennebula.unattributed.energy.joules",
            "Energy the attribution policy gives to no one",
            c);
    sourcePower =
        new MeterFamily(
            registry,
            "opennebula.power.source.watts",
            "Host power over the last interval as each usable source gives it (estimate: a model)",
            g,
            "source");
    sourceEnergy =
        new MeterFamily(
            registry,
            "opennebula.power.source.energy.joules",
            "Host energy as each source gives it, over the intervals it was usable",
            c,
            "source");
    sourceState =
        new MeterFamily(
            registry,
            "opennebula.power.source.state",
            "1 for the current state of each enabled power source, 0 for the others",
            g,
            "source",
            "state");
    totalSource =
        new MeterFamily(
            registry,
            "opennebula.host.power.source",
            "1 for the source that makes the host total, 0 for the other enabled sources",
            g,
            "source");
    remainderPower =
        new MeterFamily(
            registry,
            "opennebula.platform.remainder.power.watts",
            "Whole-node power above RAPL's CPU and DRAM (supplies, fans, disks, NICs), divided by the"
                + " remainder policy; 0 unless a whole-node meter makes the total while RAPL is read",
            g);
    estimateCurve =
        new MeterFamily(
            registry,
            "opennebula.power.estimate.curve.info",
            "1: the curve of the power estimate (basis ccf, ccf-average, tdp or configured; cpu), a model"
                + " whose error on a given server is tens of percent",
            g,
            "basis",
            "cpu");
    raplState =
        new MeterFamily(
            registry,
            "opennebula.rapl.state",
            "1 for the current RAPL state (ok, degraded, absent, unreadable), 0 for the others",
            g,
            "state");
    raplZoneState =
        new MeterFamily(
            registry,
            "opennebula.rapl.zone.state",
            "1 for the current state of the powercap zone (ok, degraded, unreadable), 0 for the others",
            g,
            "zone",
            "state");
    raplCounterResets =
        new MeterFamily(
            registry,
            "opennebula.rapl.counter.resets",
            "Intervals of the zone refused because its counter moved by more energy than the zone can use"
                + " (a fall that is not a wrap, a jump)",
            c,
            "zone");
    raplZoneGap =
        new MeterFamily(
            registry,
            "opennebula.rapl.zone.gap.seconds",
            "Time whose energy the zone's counter lacks: unreadable, refused, or the interval across"
                + " which it came back",
            c,
            "zone");
    sampleFailures =
        new MeterFamily(
            registry,
            "opennebula.agent.sample.failures",
            "Samples that failed, by reason (the exception's class)",
            c,
            "reason");
    processesSkipped =
        new MeterFamily(
            registry,
            "opennebula.agent.processes.skipped",
            "Processes left out of a sample because their /proc files could not be parsed",
            c);
    hostInfo =
        new MeterFamily(
            registry,
            "opennebula.agent.host.info",
            "1 with the OpenNebula host id this agent found in the hypervisor's files (absent when none):"
                + " lets a Prometheus job without target labels join host_id",
            g,
            "host_id",
            "one_host_id",
            "hypervisor",
            "host_id_source");
    scaphHostPower =
        new MeterFamily(
            registry, "scaph.host.power.microwatts", "Scaphandre-compatible host power", g);
    scaphHostEnergy =
        new MeterFamily(
            registry,
            "scaph.host.energy.microjoules",
            "Scaphandre-compatible host energy, monotonic (wraps removed)",
            g);
    scaphSocketPower =
        new MeterFamily(
            registry,
            "scaph.socket.power.microwatts",
            "Scaphandre-compatible package power of a socket",
            g,
            "socket_id");
    scaphDomainPower =
        new MeterFamily(
            registry,
            "scaph.domain.power.microwatts",
            "Scaphandre-compatible power of a RAPL domain of a socket",
            g,
            "domain_name",
            "socket_id");
    scaphProcessPower =
        new MeterFamily(
            registry,
            "scaph.process.power.consumption.microwatts",
            "Scaphandre-compatible process power: each VM's main process carries the VM's power; plus"
                + " the top N other processes",
            g,
            "pid",
            "exe",
            "cmdline",
            "vmname");
    sampleDuration =
        Timer.builder("opennebula.agent.sample.duration")
            .description("Time taken by one sample")
            .register(registry);
    samples =
        Counter.builder("opennebula.agent.samples").description("Samples taken").register(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Path status = procfs.resolve("self").resolve("status");
    Gauge.builder("process.resident.memory.bytes", status, MetricsPublisher::residentBytes)
        .description("Resident set size of the agent")
        .register(registry);
    raplState.update(stateValues(RaplState.ABSENT));
  }

  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** Applies one complete sample. */
  @Override
  public void publish(Snapshot s, long sampleNanos) {
    lock.writeLock().lock();
    try {
      sampleDuration.record(sampleNanos, TimeUnit.NANOSECONDS);
      samples.increment();
      raplState.update(stateValues(s.raplState()));
      Map<List<String>, Double> zoneStates = new HashMap<>();
      Map<List<String>, Double> resets = new HashMap<>();
      Map<List<String>, Double> gaps = new HashMap<>();
      for (Snapshot.Zone z : s.zones()) {
        for (String state : ZONE_STATES) {
          zoneStates.put(List.of(z.zone(), state), state.equals(z.state()) ? 1.0 : 0.0);
        }
        resets.put(List.of(z.zone()), (double) z.resets());
        gaps.put(List.of(z.zone()), z.gapSeconds());
      }
      raplZoneState.update(zoneStates);
      raplCounterResets.update(resets);
      raplZoneGap.update(gaps);
      processesSkipped.updateSingle((double) s.processesSkipped());
      Map<List<String>, Double> vmCpuValues = new HashMap<>();
      s.vms().forEach(vm -> vmCpuValues.put(vmLabels(vm), vm.cpuSeconds()));
      vmCpu.update(vmCpuValues);
      Map<List<String>, Double> domainEnergy = new HashMap<>();
      s.domainJoules().forEach((domain, joules) -> domainEnergy.put(List.of(domain), joules));
      hostEnergy.update(domainEnergy);
      Map<List<String>, Double> zones = new HashMap<>();
      s.zones().forEach(z -> zones.put(List.of(z.zone(), z.domain(), z.socket()), z.joules()));
      zoneEnergy.update(zones);
      publishSources(s);
      if (s.domainJoules().containsKey("host")) {
        scaphHostEnergy.updateSingle(s.hostJoules() * 1e6);
      } else {
        scaphHostEnergy.clear();
      }
      if (!s.powerAvailable()) {
        clearPower();
        return;
      }
      // Every power gauge names the source of the host total it divides, so that figures derived
      // from an estimate say so wherever they appear; energy counters do not (a change of source
      // would start new counters).
      String source = s.hostPower().totalSource().label();
      hostPower.update(Map.of(List.of(source), s.hostWatts()));
      remainderPower.updateSingle(
          s.intervalSeconds() > 0 ? s.hostPower().remainderJoules() / s.intervalSeconds() : 0);
      scaphHostPower.updateSingle(s.hostWatts() * 1e6);
      Map<List<String>, Double> power = new HashMap<>();
      Map<List<String>, Double> energy = new HashMap<>();
      s.vms()
          .forEach(
              vm -> {
                power.put(List.of(vm.vmId(), vm.vmName(), vm.hypervisor(), source), vm.watts());
                energy.put(vmLabels(vm), vm.joules());
              });
      vmPower.update(power);
      vmEnergy.update(energy);
      Map<List<String>, Double> podW = new HashMap<>();
      Map<List<String>, Double> podJ = new HashMap<>();
      s.pods()
          .forEach(
              p -> {
                podW.put(List.of(p.podUid(), p.container(), source), p.watts());
                podJ.put(List.of(p.podUid(), p.container()), p.joules());
              });
      podPower.update(podW);
      podEnergy.update(podJ);
      Map<List<String>, Double> serviceW = new HashMap<>();
      Map<List<String>, Double> serviceJ = new HashMap<>();
      s.services()
          .forEach(
              u -> {
                serviceW.put(List.of(u.unit(), source), u.watts());
                serviceJ.put(List.of(u.unit()), u.joules());
              });
      servicePower.update(serviceW);
      serviceEnergy.update(serviceJ);
      otherPower.update(Map.of(List.of(source), s.otherWatts()));
      otherEnergy.updateSingle(s.otherJoules());
      unattributedPower.update(Map.of(List.of(source), s.unattributedWatts()));
      unattributedEnergy.updateSingle(s.unattributedJoules());
      Map<List<String>, Double> sockets = new HashMap<>();
      s.socketWatts().forEach((socket, watts) -> sockets.put(List.of(socket), watts * 1e6));
      scaphSocketPower.update(sockets);
      Map<List<String>, Double> domains = new HashMap<>();
      s.domainWatts().forEach(d -> domains.put(List.of(d.domain(), d.socket()), d.watts() * 1e6));
      scaphDomainPower.update(domains);
      Map<List<String>, Double> processes = new HashMap<>();
      s.processes()
          .forEach(
              p ->
                  processes.put(
                      List.of(Integer.toString(p.pid()), p.exe(), p.cmdline(), p.vmName()),
                      p.watts() * 1e6));
      scaphProcessPower.update(processes);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Serves the host id found on the hypervisor (or removes the series when none is found). Both
   * label names carry the id, as the targets of the operator's jobs do, so that the same queries
   * and joins work whichever way the id reached Prometheus.
   */
  public void publishHostId(Optional<LocalHostId> host) {
    lock.writeLock().lock();
    try {
      if (host.isEmpty()) {
        hostInfo.clear();
      } else {
        LocalHostId found = host.get();
        String id = found.hostId().toString();
        hostInfo.update(
            Map.of(
                List.of(
                    id,
                    id,
                    found.hypervisor().map(h -> h.label()).orElse(""),
                    found.source().label()),
                1.0));
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Counts a sample that failed. The series of the last complete sample stay as they were, so a
   * scrape still shows one whole sample.
   */
  @Override
  public void sampleFailed(String reason) {
    lock.writeLock().lock();
    try {
      sampleFailureCounts.merge(List.of(reason), 1.0, Double::sum);
      sampleFailures.update(sampleFailureCounts);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Renders the registry in the format the content type names, showing one complete sample. */
  public String scrape(String contentType) {
    lock.readLock().lock();
    try {
      return registry.scrape(contentType);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Number of series of the agent's own families (not jvm/process), for the benchmark. */
  public int agentSeriesCount() {
    lock.readLock().lock();
    try {
      return (int)
          registry.getMeters().stream()
              .filter(
                  m ->
                      m.getId().getName().startsWith("opennebula.")
                          || m.getId().getName().startsWith("scaph."))
              .count();
    } finally {
      lock.readLock().unlock();
    }
  }

  private void clearPower() {
    for (MeterFamily family :
        List.of(
            hostPower,
            remainderPower,
            scaphHostPower,
            vmPower,
            vmEnergy,
            podPower,
            podEnergy,
            servicePower,
            serviceEnergy,
            otherPower,
            otherEnergy,
            unattributedPower,
            unattributedEnergy,
            scaphSocketPower,
            scaphDomainPower,
            scaphProcessPower)) {
      family.clear();
    }
  }

  /** Per-source health, power and energy, and which source makes the total. */
  private void publishSources(Snapshot s) {
    Map<List<String>, Double> states = new HashMap<>();
    Map<List<String>, Double> watts = new HashMap<>();
    Map<List<String>, Double> joules = new HashMap<>();
    Map<List<String>, Double> total = new HashMap<>();
    for (SourceStatus status : s.hostPower().sources()) {
      String source = status.source().label();
      for (SourceState state : SourceState.values()) {
        states.put(List.of(source, state.label()), state == status.state() ? 1.0 : 0.0);
      }
      if (status.state() == SourceState.OK && s.powerAvailable()) {
        watts.put(List.of(source), status.watts());
      }
      joules.put(List.of(source), status.joules());
      total.put(List.of(source), status.source() == s.hostPower().totalSource() ? 1.0 : 0.0);
    }
    var curve = s.hostPower().estimateCurve();
    estimateCurve.update(
        curve == null ? Map.of() : Map.of(List.of(curve.basis(), curve.cpu()), 1.0));
    sourceState.update(states);
    sourcePower.update(watts);
    sourceEnergy.update(joules);
    totalSource.update(total);
  }

  private static List<String> vmLabels(Snapshot.Vm vm) {
    return List.of(vm.vmId(), vm.vmName(), vm.hypervisor());
  }

  private static final List<String> ZONE_STATES =
      java.util.Arrays.stream(RaplZoneState.values()).map(RaplZoneState::label).toList();

  private static Map<List<String>, Double> stateValues(RaplState current) {
    Map<List<String>, Double> values = new HashMap<>();
    for (RaplState state : RaplState.values()) {
      values.put(List.of(state.label()), state == current ? 1.0 : 0.0);
    }
    return values;
  }

  /** VmRSS of /proc/self/status (in kB whatever the page size). */
  private static double residentBytes(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
