package io.onescaphandre.agent.proc;

import io.onescaphandre.agent.cgroup.CgroupPath;
import io.onescaphandre.agent.pseudofs.ProcFileReader;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lists {@code /proc} and reads each process's stat. Command line and cgroup are read when a
 * process appears (the command line again in its first {@link #YOUNG_SCANS} scans, both again every
 * {@link #CGROUP_RECHECK_SAMPLES} samples, since a process can exec or be moved), so the
 * steady-state cost is at most one small read per process. The stat of a process marked {@link
 * TrackedProcess#deferrable()} is left unread by the scan (except on its recheck sample, which also
 * verifies its start time) and read by {@link #refresh} only if the sampler needs its ticks. A
 * process that exits between the listing and the read is simply absent from this sample. Sampler
 * thread only.
 */
public final class ProcessScanner {
  /**
   * USER_HZ is 100 on every Linux architecture the agent runs on (prometheus/procfs assumes it).
   */
  public static final double TICKS_PER_SECOND = 100.0;

  static final int CGROUP_RECHECK_SAMPLES = 30;

  /**
   * Scans in which a new process's command line is read again (an exec keeps pid and start time).
   */
  static final int YOUNG_SCANS = 3;

  private final String procRoot;
  private final Path procfs;
  private final ProcFileReader reader;
  private final Map<Integer, TrackedProcess> tracked = new HashMap<>();
  private final long[] times = new long[2];
  private final Map<String, String> cgroupPaths = new HashMap<>();
  private long scans;
  private long skippedProcesses;
  private static final int SKIP_WARNINGS = 20;
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ProcessScanner.class);

  public ProcessScanner(Path procfs, ProcFileReader reader) {
    this.procfs = procfs;
    this.procRoot = procfs.toString() + File.separator;
    this.reader = reader;
  }

  /** /proc/stat, or null when unreadable. */
  public CpuTimes readCpuTimes() {
    return reader.read(procRoot + "stat") ? CpuTimes.parse(reader.buffer(), reader.length()) : null;
  }

  /**
   * Scans all processes.
   *
   * @param firstScan when true, processes seen for the first time get no CPU delta (there is no
   *     interval yet); afterwards a new process's whole CPU time falls in the interval it appeared
   *     in
   * @param maxNewTicks cap on a new process's delta (the interval's CPU capacity)
   */
  public List<TrackedProcess> scan(boolean firstScan, long maxNewTicks) {
    String[] names = new File(procRoot).list();
    List<TrackedProcess> live = new ArrayList<>(names == null ? 0 : names.length);
    long scanNumber = scans++;
    if (names == null) {
      tracked.clear();
      return live;
    }
    for (String name : names) {
      int pid = parsePid(name);
      if (pid <= 0) {
        continue;
      }
      try {
        TrackedProcess process = scanOne(pid, name, scanNumber, firstScan, maxNewTicks);
        if (process != null) {
          live.add(process);
        }
      } catch (RuntimeException e) {
        // One process whose files defeat a parser must not stop the sample: it is left out.
        skipped(pid, e);
      }
    }
    // Processes not listed this time have exited.
    tracked.values().removeIf(p -> p.lastSeen() != scanNumber);
    return live;
  }

  private TrackedProcess scanOne(
      int pid, String name, long scanNumber, boolean firstScan, long maxNewTicks) {
    TrackedProcess process = tracked.get(pid);
    boolean recheck = (pid + scanNumber) % CGROUP_RECHECK_SAMPLES == 0;
    if (process != null && process.deferrable() && !recheck) {
      // Inside a consumer whose cgroup measures its CPU: the stat is read later only if the
      // sampler needs the ticks (see refresh). Listed, so still alive.
      process.defer();
      process.seen(scanNumber);
      return process;
    }
    String statPath = process != null ? process.statPath() : procRoot + name + "/stat";
    if (!reader.read(statPath)) {
      return null;
    }
    if (process != null
        && ProcStat.parseTimes(reader.buffer(), reader.length(), times)
        && process.startTime() == times[1]) {
      // The usual case: a known process, only its CPU time is new.
      process.read(times[0], delta(process, times[0], maxNewTicks));
      if (recheck) {
        CgroupPath cgroup = readCgroup(procRoot + name);
        if (cgroup != null) {
          process.cgroup(cgroup);
        }
      }
      if ((recheck || process.young())
          && !process.kernelThread()
          && reader.read(procRoot + name + "/cmdline")) {
        // exec keeps the pid and the start time: a process seen between fork and exec, or one that
        // exec'd since, shows its new command line here.
        process.commandLine(CommandLine.parse(reader.buffer(), reader.length()));
      }
    } else {
      ProcStat stat = ProcStat.parse(reader.buffer(), reader.length());
      if (stat == null) {
        return null;
      }
      // New, or the pid now belongs to another process (different start time).
      process = newProcess(procRoot + name, statPath, stat);
      if (process == null) {
        return null;
      }
      process.update(stat.cpuTicks(), firstScan ? 0 : Math.min(stat.cpuTicks(), maxNewTicks));
      tracked.put(pid, process);
    }
    process.seen(scanNumber);
    return process;
  }

  private void skipped(int pid, RuntimeException e) {
    skippedProcesses++;
    tracked.remove(pid);
    if (skippedProcesses <= SKIP_WARNINGS || skippedProcesses % 1000 == 0) {
      LOG.warn(
          "process {} left out of this sample: its /proc files could not be parsed ({});"
              + " {} processes skipped so far",
          pid,
          e.toString(),
          skippedProcesses);
    }
  }

  /** Processes left out of a sample because a parser failed on their files, since the start. */
  public long skippedProcesses() {
    return skippedProcesses;
  }

  /**
   * Reads the stat a scan left unread ({@link TrackedProcess#pending()}), for a process whose ticks
   * the sampler needs after all: its consumer's cgroup used CPU in the interval, or could not be
   * read. A process that exited since the listing gets no ticks; one whose pid now belongs to
   * another process (different start time) gets none either and is read in full, as new, by the
   * next scan.
   *
   * @param maxTicks cap on the delta when the previous tick count is older than the last sample
   */
  public void refresh(TrackedProcess process, long maxTicks) {
    if (!process.pending()) {
      return;
    }
    try {
      refreshPending(process, maxTicks);
    } catch (RuntimeException e) {
      process.read(process.cpuTicks(), 0);
      skipped(process.pid(), e);
    }
  }

  private void refreshPending(TrackedProcess process, long maxTicks) {
    if (!reader.read(process.statPath())
        || !ProcStat.parseTimes(reader.buffer(), reader.length(), times)) {
      process.read(process.cpuTicks(), 0);
      return;
    }
    if (times[1] != process.startTime()) {
      process.read(process.cpuTicks(), 0);
      tracked.remove(process.pid());
      return;
    }
    process.read(times[0], delta(process, times[0], maxTicks));
  }

  private static long delta(TrackedProcess process, long ticks, long maxTicks) {
    long delta = Math.max(0, ticks - process.cpuTicks());
    // After an unread stat the count may span several intervals: cap it like a new process's.
    return process.stale() ? Math.min(delta, maxTicks) : delta;
  }

  private TrackedProcess newProcess(String dir, String statPath, ProcStat stat) {
    CommandLine commandLine = CommandLine.EMPTY;
    if (!stat.kernelThread()) {
      if (!reader.read(dir + "/cmdline")) {
        return null;
      }
      commandLine = CommandLine.parse(reader.buffer(), reader.length());
    }
    CgroupPath cgroup = readCgroup(dir);
    return new TrackedProcess(
        stat.pid(),
        stat.startTime(),
        stat.comm(),
        stat.kernelThread(),
        commandLine,
        cgroup,
        stat.cpuTicks(),
        statPath);
  }

  private CgroupPath readCgroup(String dir) {
    if (!reader.read(dir + "/cgroup")) {
      return null;
    }
    CgroupPath cgroup = CgroupPath.parse(reader.text());
    if (cgroup == null) {
      return null;
    }
    // Processes of one cgroup share one path string, so the per-sample lookups by path (consumer
    // classification, measured cgroups) compare references instead of 100-character strings.
    if (cgroupPaths.size() > 50_000) {
      cgroupPaths.clear();
    }
    return cgroup.withPath(cgroupPaths.computeIfAbsent(cgroup.path(), path -> path));
  }

  public int trackedCount() {
    return tracked.size();
  }

  private static int parsePid(String name) {
    int value = 0;
    int n = name.length();
    if (n == 0 || n > 9) {
      return -1;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
