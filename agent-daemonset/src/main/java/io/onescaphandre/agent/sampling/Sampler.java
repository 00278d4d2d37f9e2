package io.onescaphandre.agent.sampling;

import io.onescaphandre.agent.attribution.Attribution;
import io.onescaphandre.agent.attribution.AttributionInput;
import io.onescaphandre.agent.attribution.AttributionPolicy;
import io.onescaphandre.agent.attribution.RemainderPolicy;
import io.onescaphandre.agent.cgroup.CgroupClassifier;
import io.onescaphandre.agent.cgroup.CgroupCpuReader;
import io.onescaphandre.agent.cgroup.CgroupMatch;
import io.onescaphandre.agent.cgroup.CgroupPath;
import io.onescaphandre.agent.consumer.ConsumerKey;
import io.onescaphandre.agent.consumer.ConsumerKind;
import io.onescaphandre.agent.power.HostPower;
import io.onescaphandre.agent.power.HostPowerSample;
import io.onescaphandre.agent.proc.CpuTimes;
import io.onescaphandre.agent.proc.ProcessScanner;
import io.onescaphandre.agent.proc.TrackedProcess;
import io.onescaphandre.agent.pseudofs.ProcFileReader;
import io.onescaphandre.agent.rapl.RaplDomain;
import io.onescaphandre.agent.rapl.RaplMeter;
import io.onescaphandre.agent.rapl.RaplReading;
import io.onescaphandre.agent.rapl.RaplZoneDiscovery;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes one sample: RAPL energy, host CPU times, every process, the cgroup of every consumer;
 * attributes the interval's energy and returns an immutable {@link Snapshot}. Driven by a timer in
 * production and directly by tests, with an injected monotonic clock. Not thread-safe: one thread
 * calls {@link #sample()}.
 */
public final class Sampler {
  /** Kernel threads that work for one QEMU process and name it: vhost (before 6.4), kvm helpers. */
  private static final Pattern KERNEL_THREAD_OWNER =
      Pattern.compile("^(?:vhost-|kvm-pit/|kvm-[a-z-]*-)(\\d{1,9})$");

  private static final CgroupMatch NO_MATCH = new CgroupMatch(null, null);

  private final RaplMeter raplMeter;
  private final ProcessScanner scanner;
  private final CgroupCpuReader cgroupReader;
  private final boolean hostHasCgroups;
  private final CgroupClassifier classifier = new CgroupClassifier();
  private final Map<String, CgroupMatch> classified = new HashMap<>();
  private final AttributionPolicy policy;
  private final LongSupplier nanoClock;
  private final int topProcesses;
  private final int topConsumers;
  // Host power beyond RAPL (whole-node meters, estimate): kept apart from the RAPL reading above.
  private final HostPower hostPower;
  private final RemainderPolicy remainderPolicy;

  private long sequence;
  private long lastNanos;
  private CpuTimes lastCpu;
  private RaplReading lastReading;
  private Map<CgroupPath, Long> lastUsage = new HashMap<>();
  private final Map<ConsumerKey, double[]> consumerTotals = new HashMap<>();
  private double otherJoules;
  private double unattributedJoules;
  private double podRestJoules;
  private double serviceRestJoules;
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
    ProcFileReader reader = new ProcFileReader();
    this.hostPower = hostPower;
    this.remainderPolicy = remainderPolicy;
    this.raplMeter = raplMeter;
    this.scanner = new ProcessScanner(procfs, reader);
    this.cgroupReader = new CgroupCpuReader(sysfs, reader);
    this.hostHasCgroups = cgroupReader.hostHasCgroups();
    this.policy = policy;
    this.nanoClock = nanoClock;
    this.topProcesses = topProcesses;
    this.topConsumers = topConsumers;
  }

  public String cgroupLayout() {
    return cgroupReader.describeLayout();
  }

  public String policyName() {
    return policy.name();
  }

  public Snapshot sample() {
    long now = nanoClock.getAsLong();
    boolean first = sequence == 0;
    double interval = first ? 0 : (now - lastNanos) / 1e9;
    RaplReading reading = raplMeter.read();
    CpuTimes cpu = scanner.readCpuTimes();
    int cpuCount = cpu == null ? 1 : cpu.cpuCount();
    long capacityTicks =
        (long) Math.ceil(Math.max(interval, 0) * cpuCount * ProcessScanner.TICKS_PER_SECOND);
    List<TrackedProcess> processes = scanner.scan(first, capacityTicks);

    Map<ConsumerKey, ConsumerGroup> groups = group(processes);
    Map<ConsumerKey, Double> cpuSeconds =
        consumerCpuSeconds(groups, first, interval * cpuCount, capacityTicks);
    long otherTicks = 0;
    for (TrackedProcess p : processes) {
      // Only a process whose consumer changed since the scan can still be pending here.
      scanner.refresh(p, capacityTicks);
      if (p.consumer() == null) {
        otherTicks += p.deltaTicks();
      }
    }
    Map<ConsumerKey, Integer> vcpus = new HashMap<>();
    for (ConsumerGroup g : groups.values()) {
      if (g.main != null && g.main.commandLine().kvmVmId() != null) {
        vcpus.put(g.key, g.main.commandLine().vcpus());
      }
    }

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
            cpuSeconds,
            otherTicks / ProcessScanner.TICKS_PER_SECOND,
            vcpus);
    Attribution attribution =
        power
            ? remainderPolicy.apply(
                policy.attribute(input), hostPowerSample.remainderJoules(), input)
            : null;

    Snapshot snapshot =
        build(
            reading,
            power,
            interval,
            hostJoules,
            groups,
            cpuSeconds,
            attribution,
            processes,
            hostPowerSample);
    lastNanos = now;
    lastCpu = cpu;
    lastReading = reading;
    return snapshot;
  }

  private Map<ConsumerKey, ConsumerGroup> group(List<TrackedProcess> processes) {
    if (classified.size() > 20_000) {
      classified.clear();
    }
    Map<ConsumerKey, ConsumerGroup> groups = new LinkedHashMap<>();
    Map<Integer, ConsumerGroup> vmByPid = new HashMap<>();
    List<TrackedProcess> kernelThreads = new ArrayList<>();
    List<Joiner> joiners = new ArrayList<>();
    for (TrackedProcess p : processes) {
      p.consumer(null);
      p.deferrable(false);
      CgroupMatch match = NO_MATCH;
      if (p.cgroup() != null) {
        match =
            classified.computeIfAbsent(
                p.cgroup().path(),
                path -> {
                  CgroupMatch m = classifier.classify(path);
                  return m == null ? NO_MATCH : m;
                });
      }
      ConsumerKey key = match.consumer();
      if (hostHasCgroups) {
        // VMs cannot be invented: a VM is made only by its libvirt scope or LXC payload cgroup.
        // An LXC monitor (by its monitor cgroup or its title) joins an instance that exists.
        ConsumerKey monitorOf =
            key != null && key.kind() == ConsumerKind.VM && match.measuredPath() == null
                ? key
                : lxcMonitorOf(p);
        if (monitorOf != null) {
          joiners.add(
              new Joiner(
                  monitorOf, p, key != null && key.kind() == ConsumerKind.VM ? NO_MATCH : match));
          continue;
        }
      } else if (key == null && p.commandLine().kvmVmId() != null) {
        // No cgroups on this host: an emulator (by argv[0]) naming its OpenNebula guest is the VM.
        key = ConsumerKey.kvm(p.commandLine().kvmVmId());
      }
      assign(p, key, match, groups, vmByPid, kernelThreads);
    }
    for (Joiner joiner : joiners) {
      ConsumerGroup instance = groups.get(joiner.vm());
      if (instance != null) {
        // It runs in another consumer's measured cgroup (a monitor started by a unit or over
        // ssh): that cgroup's usage includes it, so it is taken out of that consumer below.
        if (joiner.cgroupMatch().consumer() != null
            && joiner.cgroupMatch().measuredPath() != null) {
          ConsumerGroup from = groups.get(joiner.cgroupMatch().consumer());
          if (from != null) {
            from.movedOut.add(joiner.process());
          }
        }
        assign(joiner.process(), joiner.vm(), NO_MATCH, groups, vmByPid, kernelThreads);
      } else {
        assign(
            joiner.process(),
            joiner.cgroupMatch().consumer(),
            joiner.cgroupMatch(),
            groups,
            vmByPid,
            kernelThreads);
      }
    }
    // vhost-<pid> (kernels before 6.4) and kvm-*-<pid> kernel threads work for the QEMU <pid>.
    for (TrackedProcess thread : kernelThreads) {
      Matcher m = KERNEL_THREAD_OWNER.matcher(thread.comm());
      if (m.matches()) {
        ConsumerGroup owner = vmByPid.get(Integer.parseInt(m.group(1)));
        if (owner != null) {
          owner.processes.add(thread);
          thread.consumer(owner.key);
        }
      }
    }
    return groups;
  }

  private static void assign(
      TrackedProcess p,
      ConsumerKey key,
      CgroupMatch match,
      Map<ConsumerKey, ConsumerGroup> groups,
      Map<Integer, ConsumerGroup> vmByPid,
      List<TrackedProcess> kernelThreads) {
    if (key == null) {
      if (p.kernelThread()) {
        kernelThreads.add(p);
      }
      return;
    }
    ConsumerGroup g = groups.computeIfAbsent(key, ConsumerGroup::new);
    g.processes.add(p);
    p.consumer(key);
    if (g.measured == null && match.measuredPath() != null) {
      g.measured = new CgroupPath(match.measuredPath(), p.cgroup().hierarchy());
    }
    if (key.kind() == ConsumerKind.VM && !p.kernelThread()) {
      // The main process is the QEMU or LXC monitor; failing that the lowest pid of the payload.
      boolean isMain = isVmMain(p);
      boolean haveMain = g.main != null && isVmMain(g.main);
      if (g.main == null || isMain && !haveMain || !isMain && !haveMain && p.pid() < g.main.pid()) {
        g.main = p;
      }
      vmByPid.put(p.pid(), g);
    }
  }

  /**
   * A process that would join an LXC instance if it exists: an LXC monitor.
   *
   * @param cgroupMatch the consumer of its own cgroup, where it goes otherwise
   */
  private record Joiner(ConsumerKey vm, TrackedProcess process, CgroupMatch cgroupMatch) {}

  private static ConsumerKey lxcMonitorOf(TrackedProcess p) {
    return p.commandLine().lxcVmId() != null ? ConsumerKey.lxc(p.commandLine().lxcVmId()) : null;
  }

  private static boolean isVmMain(TrackedProcess p) {
    return p.commandLine().kvmVmId() != null || p.commandLine().lxcVmId() != null;
  }

  /**
   * The CPU seconds of each consumer: its cgroup's usage when it has a readable one (plus the ticks
   * of its processes outside it), else its processes' ticks. Settles the processes whose stat the
   * scan left unread: their ticks are read only when needed, i.e. not for
   *
   * <ul>
   *   <li>processes inside a VM's readable cgroup (the VM's CPU is the cgroup's; VM processes are
   *       not among the top N other processes), nor
   *   <li>processes inside a pod's or a service's readable cgroup that used no CPU in the interval
   *       (their delta is then 0 exactly, and their tick count stays current).
   * </ul>
   *
   * The processes of such cgroups are marked deferrable for the next scan.
   */
  private Map<ConsumerKey, Double> consumerCpuSeconds(
      Map<ConsumerKey, ConsumerGroup> groups,
      boolean first,
      double capacitySeconds,
      long capacityTicks) {
    Map<ConsumerKey, Double> result = new HashMap<>();
    Map<CgroupPath, Long> usage = new HashMap<>();
    for (ConsumerGroup g : groups.values()) {
      long micros = g.measured == null ? -1 : cgroupReader.usageMicros(g.measured);
      Long previous = micros >= 0 ? lastUsage.get(g.measured) : null;
      boolean ticksNotNeeded =
          micros >= 0
              && (g.key.kind() == ConsumerKind.VM || previous != null && previous == micros);
      for (TrackedProcess p : g.processes) {
        boolean inside = micros >= 0 && g.isInsideMeasured(p);
        if (p.pending()) {
          if (inside && ticksNotNeeded) {
            p.settleUnread();
          } else {
            scanner.refresh(p, capacityTicks);
          }
        }
        p.deferrable(inside && !p.kernelThread());
      }
      long[] ticks = g.ticks();
      double seconds = ticks[0] / ProcessScanner.TICKS_PER_SECOND;
      if (g.measured != null) {
        if (micros >= 0) {
          usage.put(g.measured, micros);
          double cgroupSeconds;
          if (previous != null) {
            cgroupSeconds = Math.max(0, micros - previous) / 1e6;
          } else {
            // A cgroup new in this interval: its usage so far is this interval's, within capacity.
            cgroupSeconds = first ? 0 : Math.min(micros / 1e6, capacitySeconds);
          }
          double movedOutSeconds = g.movedOutTicks() / ProcessScanner.TICKS_PER_SECOND;
          seconds =
              Math.max(0, cgroupSeconds - movedOutSeconds)
                  + ticks[1] / ProcessScanner.TICKS_PER_SECOND;
        }
      }
      result.put(g.key, seconds);
    }
    lastUsage = usage;
    cgroupReader.retainOnly(usage.keySet());
    return result;
  }

  private Snapshot build(
      RaplReading reading,
      boolean power,
      double interval,
      double hostJoules,
      Map<ConsumerKey, ConsumerGroup> groups,
      Map<ConsumerKey, Double> cpuSeconds,
      Attribution attribution,
      List<TrackedProcess> processes,
      HostPowerSample hostPowerSample) {
    sequence++;
    consumerTotals.keySet().retainAll(groups.keySet());
    Map<ConsumerKey, Double> watts = new HashMap<>();
    for (ConsumerKey key : groups.keySet()) {
      double[] totals = consumerTotals.computeIfAbsent(key, k -> new double[2]);
      double joules = attribution == null ? 0 : attribution.consumerJoules().getOrDefault(key, 0.0);
      totals[0] += joules;
      totals[1] += cpuSeconds.getOrDefault(key, 0.0);
      watts.put(key, power ? joules / interval : 0);
    }
    double otherW = 0;
    double unattributedW = 0;
    if (attribution != null) {
      otherJoules += attribution.otherJoules();
      unattributedJoules += attribution.unattributedJoules();
      otherW = attribution.otherJoules() / interval;
      unattributedW = attribution.unattributedJoules() / interval;
    }

    List<Snapshot.Vm> vms = new ArrayList<>();
    List<ConsumerKey> pods = new ArrayList<>();
    List<ConsumerKey> services = new ArrayList<>();
    for (ConsumerKey key : groups.keySet()) {
      double[] totals = consumerTotals.get(key);
      switch (key.kind()) {
        case VM ->
            vms.add(new Snapshot.Vm(key.id(), key.detail(), watts.get(key), totals[0], totals[1]));
        case POD -> pods.add(key);
        case SERVICE -> services.add(key);
      }
    }
    vms.sort(Comparator.comparing(Snapshot.Vm::vmId).thenComparing(Snapshot.Vm::hypervisor));

    // The rest outside the top N is one series whose energy counter accumulates the rest's energy
    // of each interval, so it stays monotonic while consumers move in and out of the top N.
    List<Snapshot.Pod> podSeries = new ArrayList<>();
    double podRestWatts =
        topN(
            pods,
            watts,
            (key, w) ->
                podSeries.add(
                    new Snapshot.Pod(key.id(), key.detail(), w, consumerTotals.get(key)[0])));
    if (podRestWatts >= 0) {
      podRestJoules += podRestWatts * interval;
    }
    if (podRestWatts >= 0 || podRestJoules > 0) {
      podSeries.add(
          new Snapshot.Pod(Snapshot.REST, Snapshot.REST, Math.max(0, podRestWatts), podRestJoules));
    }
    List<Snapshot.Service> serviceSeries = new ArrayList<>();
    double serviceRestWatts =
        topN(
            services,
            watts,
            (key, w) ->
                serviceSeries.add(new Snapshot.Service(key.id(), w, consumerTotals.get(key)[0])));
    if (serviceRestWatts >= 0) {
      serviceRestJoules += serviceRestWatts * interval;
    }
    if (serviceRestWatts >= 0 || serviceRestJoules > 0) {
      serviceSeries.add(
          new Snapshot.Service(Snapshot.REST, Math.max(0, serviceRestWatts), serviceRestJoules));
    }

    List<Snapshot.ProcessPower> processSeries =
        processSeries(groups, watts, attribution, interval, processes);
    return new Snapshot(
        sequence,
        reading.state(),
        power,
        interval,
        power ? hostJoules / interval : 0,
        hostPowerSample.totalJoules(),
        domainLabels(reading, hostPowerSample),
        reading.zones().stream()
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
            .toList(),
        power ? socketWatts(reading, interval) : Map.of(),
        power ? domainWatts(reading, interval) : List.of(),
        List.copyOf(vms),
        List.copyOf(podSeries),
        List.copyOf(serviceSeries),
        otherW,
        otherJoules,
        unattributedW,
        unattributedJoules,
        processSeries,
        processes.size(),
        scanner.skippedProcesses(),
        hostBusySeconds,
        hostPowerSample);
  }

  /**
   * Keeps the N highest-power consumers; returns the watts of the rest, or -1 when there is none.
   */
  private double topN(
      List<ConsumerKey> keys,
      Map<ConsumerKey, Double> watts,
      java.util.function.BiConsumer<ConsumerKey, Double> keep) {
    keys.sort(
        Comparator.comparing((ConsumerKey k) -> watts.get(k))
            .reversed()
            .thenComparing(ConsumerKey::id)
            .thenComparing(ConsumerKey::detail));
    double rest = -1;
    for (int i = 0; i < keys.size(); i++) {
      ConsumerKey key = keys.get(i);
      if (i < topConsumers) {
        keep.accept(key, watts.get(key));
      } else {
        rest = Math.max(rest, 0) + watts.get(key);
      }
    }
    return rest;
  }

  private List<Snapshot.ProcessPower> processSeries(
      Map<ConsumerKey, ConsumerGroup> groups,
      Map<ConsumerKey, Double> watts,
      Attribution attribution,
      double interval,
      List<TrackedProcess> processes) {
    List<Snapshot.ProcessPower> result = new ArrayList<>();
    for (ConsumerGroup g : groups.values()) {
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
    for (TrackedProcess p : processes) {
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
