package io.onescaphandre.agent.proc;

import io.onescaphandre.agent.cgroup.CgroupPath;

/**
 * A process as the agent knows it between samples. Its identity is pid + start time, so a pid
 * reused by a new process is a new TrackedProcess. Mutable, owned by the sampler thread.
 */
public final class TrackedProcess {
  private final int pid;
  private final long startTime;
  private final String comm;
  private final boolean kernelThread;
  private CommandLine commandLine;
  private int scansSeen;
  private CgroupPath cgroup;
  private long cpuTicks;
  private long deltaTicks;
  private final String statPath;
  private long lastSeen;
  private Object consumer;
  private boolean deferrable;
  private boolean pending;
  private boolean stale;

  TrackedProcess(
      int pid,
      long startTime,
      String comm,
      boolean kernelThread,
      CommandLine commandLine,
      CgroupPath cgroup,
      long cpuTicks,
      String statPath) {
    this.statPath = statPath;
    this.pid = pid;
    this.startTime = startTime;
    this.comm = comm;
    this.kernelThread = kernelThread;
    this.commandLine = commandLine;
    this.cgroup = cgroup;
    this.cpuTicks = cpuTicks;
  }

  String statPath() {
    return statPath;
  }

  void seen(long scan) {
    lastSeen = scan;
    if (scansSeen < Integer.MAX_VALUE) {
      scansSeen++;
    }
  }

  /**
   * True in the first scans after the process appeared: it may have been caught between fork and
   * exec (libvirtd's child before it becomes QEMU), with its parent's command line.
   */
  boolean young() {
    return scansSeen < ProcessScanner.YOUNG_SCANS;
  }

  void commandLine(CommandLine commandLine) {
    this.commandLine = commandLine;
  }

  long lastSeen() {
    return lastSeen;
  }

  /** The consumer the sampler put this process in for the current sample, or null. */
  public Object consumer() {
    return consumer;
  }

  public void consumer(Object consumer) {
    this.consumer = consumer;
  }

  public int pid() {
    return pid;
  }

  public long startTime() {
    return startTime;
  }

  public String comm() {
    return comm;
  }

  public boolean kernelThread() {
    return kernelThread;
  }

  public CommandLine commandLine() {
    return commandLine;
  }

  /** The cgroup that accounts this process's CPU, or null when unknown. */
  public CgroupPath cgroup() {
    return cgroup;
  }

  void cgroup(CgroupPath cgroup) {
    this.cgroup = cgroup;
  }

  /** CPU ticks used since the previous sample. */
  public long deltaTicks() {
    return deltaTicks;
  }

  void update(long ticks, long delta) {
    this.deltaTicks = delta;
    this.cpuTicks = ticks;
  }

  long cpuTicks() {
    return cpuTicks;
  }

  /**
   * Whether the next scan may leave this process's stat unread: set by the sampler when the process
   * lies inside a consumer cgroup whose {@code cpu.stat} was read, so that the consumer's CPU does
   * not depend on the process's ticks.
   */
  public boolean deferrable() {
    return deferrable;
  }

  public void deferrable(boolean deferrable) {
    this.deferrable = deferrable;
  }

  /**
   * True from a scan that left the stat unread until {@link ProcessScanner#refresh} or the sampler
   * settles it.
   */
  public boolean pending() {
    return pending;
  }

  /**
   * Settles a pending process without reading its stat: no CPU in this interval as far as the
   * sampler is concerned (its consumer's cgroup used none, or its ticks are not needed).
   */
  public void settleUnread() {
    pending = false;
  }

  void defer() {
    pending = true;
    stale = true;
    deltaTicks = 0;
  }

  /**
   * True when the tick count is from an earlier sample than the previous one (the stat was left
   * unread).
   */
  boolean stale() {
    return stale;
  }

  void read(long ticks, long delta) {
    pending = false;
    stale = false;
    update(ticks, delta);
  }
}
