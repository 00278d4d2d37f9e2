package io.onescaphandre.agent.proc;

import io.onescaphandre.agent.cgroup.CgroupPath;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lists {@code /proc} and reads each process's stat. Command line and cgroup are read once per
 * process (and the cgroup again every {@link #CGROUP_RECHECK_SAMPLES} samples, since a process can
 * be moved), so the steady-state cost is one small read per process. A process that exits between
 * the listing and the read is simply absent from this sample. Sampler thread only.
 */
public final class ProcessScanner {
  /** USER_HZ is 100 on every Linux architecture the agent runs on (prometheus/procfs assumes it). */
  public static final double TICKS_PER_SECOND = 100.0;
  static final int CGROUP_RECHECK_SAMPLES = 30;

  private final String procRoot;
  private final Path procfs;
  private final ProcFileReader reader;
  private Map<Integer, TrackedProcess> tracked = new HashMap<>();
  private long scans;

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
   *     interval yet); afterwards a new process's whole CPU time falls in the interval it appeared in
   * @param maxNewTicks cap on a new process's delta (the interval's CPU capacity)
   */
  public List<TrackedProcess> scan(boolean firstScan, long maxNewTicks) {
    String[] names = new File(procRoot).list();
    Map<Integer, TrackedProcess> next = new HashMap<>(Math.max(16, tracked.size() * 4 / 3 + 16));
    List<TrackedProcess> live = new ArrayList<>(names == null ? 0 : names.length);
    if (names == null) {
      tracked = next;
      return live;
    }
    long scanNumber = scans++;
    for (String name : names) {
      int pid = parsePid(name);
      if (pid <= 0) {
        continue;
      }
      String dir = procRoot + name;
      if (!reader.read(dir + "/stat")) {
        continue;
      }
      ProcStat stat = ProcStat.parse(reader.buffer(), reader.length());
      if (stat == null) {
        continue;
      }
      TrackedProcess process = tracked.get(pid);
      if (process != null && process.startTime() == stat.startTime()) {
        long delta = Math.max(0, stat.cpuTicks() - process.cpuTicks());
        process.update(stat.cpuTicks(), delta);
        if ((pid + scanNumber) % CGROUP_RECHECK_SAMPLES == 0) {
          CgroupPath cgroup = readCgroup(dir);
          if (cgroup != null) {
            process.cgroup(cgroup);
          }
        }
      } else {
        process = newProcess(dir, stat);
        if (process == null) {
          continue;
        }
        process.update(stat.cpuTicks(), firstScan ? 0 : Math.min(stat.cpuTicks(), maxNewTicks));
      }
      next.put(pid, process);
      live.add(process);
    }
    tracked = next;
    return live;
  }

  private TrackedProcess newProcess(String dir, ProcStat stat) {
    CommandLine commandLine = CommandLine.EMPTY;
    if (!stat.kernelThread()) {
      if (!reader.read(dir + "/cmdline")) {
        return null;
      }
      commandLine = CommandLine.parse(reader.buffer(), reader.length());
    }
    CgroupPath cgroup = readCgroup(dir);
    return new TrackedProcess(stat.pid(), stat.startTime(), stat.comm(), stat.kernelThread(),
        commandLine, cgroup, stat.cpuTicks());
  }

  private CgroupPath readCgroup(String dir) {
    return reader.read(dir + "/cgroup") ? CgroupPath.parse(reader.text()) : null;
  }

  /** Resolves {@code /proc/<pid>/exe}; empty for kernel threads or when not permitted. */
  public String readExe(int pid) {
    try {
      return Files.readSymbolicLink(procfs.resolve(Integer.toString(pid)).resolve("exe")).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return "";
    }
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
