package io.onescaphandre.agent.sampling;

import io.onescaphandre.agent.attribution.Attribution;
import io.onescaphandre.agent.attribution.AttributionInput;
import io.onescaphandre.agent.attribution.AttributionPolicy;
import io.onescaphandre.agent.attribution.RemainderPolicy;
import io.onescaphandre.agent.consumer.ConsumerKey;
import io.onescaphandre.agent.consumer.ConsumerKind;
import io.onescaphandre.agent.power.HostPower;
import io.onescaphandre.agent.power.HostPowerSample;
import io.onescaphandre.agent.proc.CpuTimes;
import io.onescaphandre.agent.proc.ProcessScanner;
import io.onescaphandre.agent.proc.TrackedProcess;
import io.onescaphandre.agent.rapl.RaplDomain;
import io.onescaphandre.agent.rapl.RaplMeter;
import io.onescaphandre.agent.rapl.RaplReading;
import io.onescaphandre.agent.rapl.RaplZoneDiscovery;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Takes one sample, forward only: {@link HostScan} reads the host's resources (processes, cgroups,
 * consumers, CPU) -> the attribution policies divide the interval's energy -> the {@link Ledger}
 * adds it to the totals and picks the top N -> an immutable {@link Snapshot}, which the exporters
 * render. No stage calls back into an earlier one. Driven by a timer in production and directly by
 * tests, with an injected monotonic clock. Not thread-safe: one thread calls {@link #sample()}.
 */
public final class Sampler {
  private final RaplMeter raplMeter;
  private final HostScan hostScan;
  private final Ledger ledger;
  private final AttributionPolicy policy;
  private final LongSupplier nanoClock;
  private final int topProcesses;
  // Host power beyond RAPL (whole-node meters, estimate): kept apart from the RAPL reading above.
  private final HostPower hostPower;
  private final RemainderPolicy remainderPolicy;

  private long sequence;
  private long lastNanos;
  private CpuTimes lastCpu;
  private RaplReading lastReading;
  private double hostBusySeconds;

  public Sampler(
      Path procfs,
      Path sysfs,
      AttributionPolicy policy,
      LongSupplier nanoClock,
      int topProcesses,
      int topConsumers) {
    this(
        procfs,
        sysfs,
        new RaplMeter(new RaplZoneDiscovery(sysfs), java.nio.file.Files::readString, nanoClock),
        policy,
        nanoClock,
        topProcesses,
        topConsumers);
  }

  public Sampler(
      Path procfs,
      Path sysfs,
      RaplMeter raplMeter,
      AttributionPolicy policy,
      LongSupplier nanoClock,
      int topProcesses,
      int topConsumers) {
    this(
        procfs,
        sysfs,
        raplMeter,
        policy,
        nanoClock,
        topProcesses,
        topConsumers,
        HostPower.raplOnly(),
        RemainderPolicy.PROPORTIONAL);
  }

  /**
   * @param hostPower decides the host total from RAPL and the other sources
   * @param remainderPolicy divides the platform remainder (a whole-node meter's excess over RAPL)
   */
  public Sampler(
      Path procfs,
      Path sysfs,
      RaplMeter raplMeter,
      AttributionPolicy policy,
      LongSupplier nanoClock,
      int topProcesses,
      int topConsumers,
      HostPower hostPower,
      RemainderPolicy remainderPolicy) {
    this.hostPower = hostPower;
    this.remainderPolicy = remainderPolicy;
    this.raplMeter = raplMeter;
    this.hostScan = new HostScan(procfs, sysfs);
    this.ledger = new Ledger(topConsumers);
    this.policy = policy;
    this.nanoClock = nanoClock;
    this.topProcesses = topProcesses;
  }

  public String cgroupLayout() {
    return hostScan.cgroupLayout();
  }

  public String policyName() {
    return policy.name();
  }

  /**
   * One sample, forward only: RAPL and the host's resources are read, the interval's energy is
   * attributed, the ledger adds it to the totals, and the snapshot is made of what they return.
   */
  public Snapshot sample() {
    long now = nanoClock.getAsLong();
    boolean first = sequence == 0;
    double interval = first ? 0 : (now - lastNanos) / 1e9;
    RaplReading reading = raplMeter.read();
    Resources resources = hostScan.scan(first, interval);
    CpuTimes cpu = resources.cpu();
    int cpuCount = resources.cpuCount();

    double busySeconds =
        cpu != null && lastCpu != null
            ? Math.max(0, cpu.busyTicks() - lastCpu.busyTicks()) / ProcessScanner.TICKS_PER_SECOND
            : 0;
    hostBusySeconds += busySeconds;
    // RAPL counts only for an interval that every zone counted: never a host total from a subset
    // of zones, never the energy of a gap (RaplMeter refuses it) in one interval.
    boolean raplInterval = !first && reading.whole() && lastReading != null && interval > 0;
    Double raplJoules =
        raplInterval ? Math.max(0, reading.hostJoules() - lastReading.hostJoules()) : null;
    double utilisation = interval > 0 ? Math.min(1, busySeconds / (interval * cpuCount)) : 0;
    HostPowerSample hostPowerSample =
        hostPower.measure(now, reading.state(), raplJoules, interval, utilisation);
    boolean power = !first && interval > 0 && hostPowerSample.totalSource() != null;
    double hostJoules = power ? hostPowerSample.hostJoules() : 0;
    // The CPU policy divides RAPL's energy (or the whole host's without RAPL); the remainder policy
    // adds what a whole-node meter measures beyond it.
    AttributionInput input =
        new AttributionInput(
            hostPowerSample.cpuJoules(),
            interval,
            busySeconds,
            cpuCount,
            resources.cpuSeconds(),
            resources.otherSeconds(),
            resources.vcpus());
    Attribution attribution =
        power
            ? remainderPolicy.apply(
                policy.attribute(input), hostPowerSample.remainderJoules(), input)
            : null;
    Ledger.Entries entries =
        ledger.record(
            resources.groups().keySet(), resources.cpuSeconds(), attribution, power, interval);

    sequence++;
    Snapshot snapshot =
        new Snapshot(
            sequence,
            reading.state(),
            power,
            interval,
            power ? hostJoules / interval : 0,
            hostPowerSample.totalJoules(),
            domainLabels(reading, hostPowerSample),
            zones(reading),
            power ? socketWatts(reading, interval) : Map.of(),
            power ? domainWatts(reading, interval) : List.of(),
            entries.vms(),
            entries.pods(),
            entries.services(),
            entries.otherWatts(),
            entries.otherJoules(),
            entries.unattributedWatts(),
            entries.unattributedJoules(),
            processSeries(resources, entries.watts(), attribution, interval),
            resources.processes().size(),
            resources.processesSkipped(),
            hostBusySeconds,
            hostPowerSample);
    lastNanos = now;
    lastCpu = cpu;
    lastReading = reading;
    return snapshot;
  }

  private static List<Snapshot.Zone> zones(RaplReading reading) {
    return reading.zones().stream()
        .map(
            z ->
                new Snapshot.Zone(
                    z.zone().id(),
                    z.zone().domain().label(),
                    z.zone().socket(),
                    z.joules(),
                    z.state().label(),
                    z.resets(),
                    z.gapSeconds()))
        .toList();
  }

  private List<Snapshot.ProcessPower> processSeries(
      Resources resources,
      Map<ConsumerKey, Double> watts,
      Attribution attribution,
      double interval) {
    List<Snapshot.ProcessPower> result = new ArrayList<>();
    for (ConsumerGroup g : resources.groups().values()) {
      if (g.key.kind() == ConsumerKind.VM && g.main != null) {
        result.add(processPower(g.main, "one-" + g.key.id(), watts.get(g.key)));
      }
    }
    double perTick =
        attribution == null || interval <= 0
            ? 0
            : attribution.joulesPerCpuSecond() / ProcessScanner.TICKS_PER_SECOND / interval;
    // The N busiest processes outside VMs, by a bounded selection rather than a sort of all.
    Comparator<TrackedProcess> busiest =
        Comparator.comparingLong(TrackedProcess::deltaTicks)
            .reversed()
            .thenComparingInt(TrackedProcess::pid);
    java.util.PriorityQueue<TrackedProcess> top =
        new java.util.PriorityQueue<>(topProcesses + 1, busiest.reversed());
    for (TrackedProcess p : resources.processes()) {
      if (topProcesses == 0
          || p.deltaTicks() == 0
          || p.consumer() instanceof ConsumerKey key && key.kind() == ConsumerKind.VM) {
        continue;
      }
      if (top.size() < topProcesses) {
        top.add(p);
      } else if (busiest.compare(p, top.peek()) < 0) {
        top.poll();
        top.add(p);
      }
    }
    List<TrackedProcess> chosen = new ArrayList<>(top);
    chosen.sort(busiest);
    for (TrackedProcess p : chosen) {
      result.add(processPower(p, "", p.deltaTicks() * perTick));
    }
    return List.copyOf(result);
  }

  private Snapshot.ProcessPower processPower(TrackedProcess p, String vmName, double watts) {
    String cmdline = p.commandLine().display().isEmpty() ? p.comm() : p.commandLine().display();
    return new Snapshot.ProcessPower(p.pid(), p.commandLine().executable(), cmdline, vmName, watts);
  }

  private static Map<String, Double> domainLabels(
      RaplReading reading, HostPowerSample hostPowerSample) {
    Map<String, Double> result = new TreeMap<>();
    if (reading.whole()) {
      // A total over the zones that happened to read would pass for the whole.
      reading.domainJoules().forEach((domain, joules) -> result.put(domain.label(), joules));
    }
    if (hostPowerSample.totalSource() != null) {
      // The host total of whichever source makes it, monotonic across changes of source.
      result.put("host", hostPowerSample.totalJoules());
    }
    return result;
  }

  private Map<String, Double> socketWatts(RaplReading reading, double interval) {
    Map<String, Double> result = new TreeMap<>();
    reading
        .socketDomainJoules()
        .forEach(
            (key, joules) -> {
              if (key.startsWith(RaplDomain.PACKAGE.label() + "/")) {
                double previous = lastReading.socketDomainJoules().getOrDefault(key, joules);
                result.put(key.substring(key.indexOf('/') + 1), (joules - previous) / interval);
              }
            });
    return result;
  }

  private List<Snapshot.DomainPower> domainWatts(RaplReading reading, double interval) {
    List<Snapshot.DomainPower> result = new ArrayList<>();
    new TreeMap<>(reading.socketDomainJoules())
        .forEach(
            (key, joules) -> {
              double previous = lastReading.socketDomainJoules().getOrDefault(key, joules);
              int slash = key.indexOf('/');
              result.add(
                  new Snapshot.DomainPower(
                      key.substring(0, slash),
                      key.substring(slash + 1),
                      (joules - previous) / interval));
            });
    return result;
  }
}
