package io.onescaphandre.simulation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a {@code /proc} and cgroup tree as a hypervisor shows them: {@code /proc/stat}, {@code
 * /proc/<pid>/{stat,cmdline,cgroup}} and per-cgroup {@code cpu.stat} (v2) or {@code cpuacct.usage}
 * (v1) under {@code <sysfs>/fs/cgroup}. For the agent's tests and benchmark and the demo's.
 */
public final class SimulatedHost {
  private static final long PF_KTHREAD = 0x00200000L;

  private final Path procfs;
  private final Path cgroupRoot;
  private final int cpuCount;
  private long busyTicks;
  private long idleTicks;
  private final Map<Integer, Proc> processes = new HashMap<>();

  public SimulatedHost(Path procfs, Path sysfs, int cpuCount) {
    this.procfs = procfs;
    this.cgroupRoot = sysfs.resolve("fs/cgroup");
    this.cpuCount = cpuCount;
    writeStat();
  }

  public Path procfs() {
    return procfs;
  }

  /** Marks the cgroup filesystem as cgroup v2 (unified). */
  public SimulatedHost cgroupV2() {
    write(cgroupRoot.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
    return this;
  }

  /** Adds busy and idle CPU ticks to {@code /proc/stat}. */
  public void addCpuTicks(long busy, long idle) {
    busyTicks += busy;
    idleTicks += idle;
    writeStat();
  }

  /** An ordinary process (ppid 1). */
  public Proc process(int pid, String comm, String... argv) {
    Proc p = new Proc(pid, comm, 1, 0, String.join("\0", argv) + (argv.length > 0 ? "\0" : ""));
    processes.put(pid, p);
    p.write();
    return p;
  }

  /** A kernel thread (child of kthreadd, PF_KTHREAD, empty cmdline). */
  public Proc kernelThread(int pid, String comm) {
    Proc p = new Proc(pid, comm, 2, PF_KTHREAD, "");
    processes.put(pid, p);
    p.write();
    return p;
  }

  /** The process exits: its directory disappears. */
  public void exit(int pid) {
    processes.remove(pid);
    deleteTree(procfs.resolve(Integer.toString(pid)));
  }

  /**
   * A process that exits between the listing of /proc and the read of its stat: the directory is
   * listed but its files are gone.
   */
  public void vanishingProcess(int pid) {
    try {
      Files.createDirectories(procfs.resolve(Integer.toString(pid)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets cgroup v2 {@code usage_usec} of a cgroup path like {@code /machine.slice/x.scope}. */
  public void cgroupV2Usage(String path, long usageMicros) {
    write(
        cgroupRoot.resolve(path.substring(1)).resolve("cpu.stat"),
        "usage_usec "
            + usageMicros
            + "\nuser_usec "
            + usageMicros * 9 / 10
            + "\nsystem_usec "
            + (usageMicros - usageMicros * 9 / 10)
            + "\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");
  }

  /**
   * Sets cgroup v1 {@code cpuacct.usage} (ns) of a path under the {@code cpu,cpuacct} hierarchy.
   */
  public void cgroupV1Usage(String path, long usageMicros) {
    write(
        cgroupRoot.resolve("cpu,cpuacct").resolve(path.substring(1)).resolve("cpuacct.usage"),
        Long.toString(usageMicros * 1000));
  }

  /** The cgroup is removed (its container stopped). */
  public void removeCgroup(String relativeToCgroupRoot) {
    deleteTree(
        cgroupRoot.resolve(
            relativeToCgroupRoot.startsWith("/")
                ? relativeToCgroupRoot.substring(1)
                : relativeToCgroupRoot));
  }

  private void writeStat() {
    StringBuilder sb = new StringBuilder();
    // Busy ticks are split 80/20 between user and system; guest stays 0 (already inside user).
    long user = busyTicks * 8 / 10;
    long system = busyTicks - user;
    sb.append("cpu  ")
        .append(user)
        .append(" 0 ")
        .append(system)
        .append(' ')
        .append(idleTicks)
        .append(" 0 0 0 0 0 0\n");
    for (int i = 0; i < cpuCount; i++) {
      sb.append("cpu")
          .append(i)
          .append(' ')
          .append(user / cpuCount)
          .append(" 0 ")
          .append(system / cpuCount)
          .append(' ')
          .append(idleTicks / cpuCount)
          .append(" 0 0 0 0 0 0\n");
    }
    sb.append(
        "intr 0\nctxt 0\nbtime 1764000000\nprocesses 1000\nprocs_running 1\nprocs_blocked 0\n");
    write(procfs.resolve("stat"), sb.toString());
  }

  /** One simulated process. */
  public final class Proc {
    private final int pid;
    private final String comm;
    private final int ppid;
    private final long flags;
    private final String cmdline;
    private long startTime = 100;
    private long ticks;
    private String cgroup = "0::/";

    private Proc(int pid, String comm, int ppid, long flags, String cmdline) {
      this.pid = pid;
      this.comm = comm;
      this.ppid = ppid;
      this.flags = flags;
      this.cmdline = cmdline;
    }

    /** Cumulative utime + stime, in ticks. */
    public Proc ticks(long cumulative) {
      this.ticks = cumulative;
      writeStatFile();
      return this;
    }

    public Proc addTicks(long delta) {
      return ticks(ticks + delta);
    }

    public Proc startTime(long ticksSinceBoot) {
      this.startTime = ticksSinceBoot;
      writeStatFile();
      return this;
    }

    /** The content of /proc/pid/cgroup, such as {@code 0::/system.slice/x.service}. */
    public Proc cgroup(String content) {
      this.cgroup = content;
      if (processes.get(pid) != this) {
        return this;
      }
      write(dir().resolve("cgroup"), content.endsWith("\n") ? content : content + "\n");
      return this;
    }

    public int pid() {
      return pid;
    }

    private Path dir() {
      return procfs.resolve(Integer.toString(pid));
    }

    private void write() {
      writeStatFile();
      write(dir().resolve("cmdline"), cmdline);
      cgroup(cgroup);
    }

    private void writeStatFile() {
      if (processes.get(pid) != this) {
        // This process has exited (or its pid belongs to a newer process): /proc shows nothing of
        // it.
        return;
      }
      long utime = ticks * 3 / 4;
      long stime = ticks - utime;
      StringBuilder sb = new StringBuilder();
      sb.append(pid)
          .append(" (")
          .append(comm)
          .append(") S ")
          .append(ppid)
          .append(' ')
          .append(pid)
          .append(' ')
          .append(pid)
          .append(" 0 -1 ")
          .append(flags)
          .append(" 100 0 0 0 ")
          .append(utime)
          .append(' ')
          .append(stime)
          .append(" 0 0 20 0 1 0 ")
          .append(startTime)
          .append(
              " 10000000 1000 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
      SimulatedHost.write(dir().resolve("stat"), sb.toString());
    }

    private void write(Path file, String content) {
      SimulatedHost.write(file, content);
    }
  }

  static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
