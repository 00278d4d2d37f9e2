package io.onescaphandre.agent.sampling;

import io.onescaphandre.agent.cgroup.CgroupClassifier;
import io.onescaphandre.agent.cgroup.CgroupCpuReader;
import io.onescaphandre.agent.cgroup.CgroupMatch;
import io.onescaphandre.agent.cgroup.CgroupPath;
import io.onescaphandre.agent.consumer.ConsumerKey;
import io.onescaphandre.agent.consumer.ConsumerKind;
import io.onescaphandre.agent.proc.CpuTimes;
import io.onescaphandre.agent.proc.ProcessScanner;
import io.onescaphandre.agent.proc.TrackedProcess;
import io.onescaphandre.agent.pseudofs.ProcFileReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first stage of a sample: the host's resources as the kernel shows them. Lists the processes,
 * classifies their cgroups into consumers (VMs, pods, services), reads each consumer's cgroup CPU
 * usage, and reads the {@code stat} the process scan deferred only where the ticks are needed;
 * hands the attribution stage one {@link Resources} and is not called back. Not thread-safe: the
 * sampler's thread only.
 */
final class HostScan {
  /** Kernel threads that work for one QEMU process and name it: vhost (before 6.4), kvm helpers. */
  private static final Pattern KERNEL_THREAD_OWNER =
      Pattern.compile("^(?:vhost-|kvm-pit/|kvm-[a-z-]*-)(\\d{1,9})$");

  private static final CgroupMatch NO_MATCH = new CgroupMatch(null, null);

  private final ProcessScanner scanner;
  private final CgroupCpuReader cgroupReader;
  private final boolean hostHasCgroups;
  private final CgroupClassifier classifier = new CgroupClassifier();
  private final Map<String, CgroupMatch> classified = new HashMap<>();
  private Map<CgroupPath, Long> lastUsage = new HashMap<>();

  HostScan(Path procfs, Path sysfs) {
    ProcFileReader reader = new ProcFileReader();
    this.scanner = new ProcessScanner(procfs, reader);
    this.cgroupReader = new CgroupCpuReader(sysfs, reader);
    this.hostHasCgroups = cgroupReader.hostHasCgroups();
  }

  String cgroupLayout() {
    return cgroupReader.describeLayout();
  }

  /**
   * @param first the first sample: no interval yet, new processes get no CPU delta
   * @param interval seconds since the previous sample
   */
  Resources scan(boolean first, double interval) {
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
    return new Resources(
        cpu,
        cpuCount,
        processes,
        groups,
        cpuSeconds,
        otherTicks / ProcessScanner.TICKS_PER_SECOND,
        vcpus,
        scanner.skippedProcesses());
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
      ConsumerGroup.Ticks ticks = g.ticks();
      double seconds = ticks.all() / ProcessScanner.TICKS_PER_SECOND;
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
                  + ticks.outsideMeasured() / ProcessScanner.TICKS_PER_SECOND;
        }
      }
      result.put(g.key, seconds);
    }
    lastUsage = usage;
    cgroupReader.retainOnly(usage.keySet());
    return result;
  }
}
