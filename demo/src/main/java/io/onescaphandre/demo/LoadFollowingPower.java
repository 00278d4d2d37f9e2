package io.onescaphandre.demo;

import io.onescaphandre.agent.proc.CpuTimes;
import io.onescaphandre.agent.proc.ProcessScanner;
import io.onescaphandre.simulation.SimulatedRaplTree;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Advances a {@link SimulatedRaplTree} by the energy of the elapsed time at a power that follows
 * this machine's real CPU load: {@code idle + (busy - idle) * busy fraction} per zone, the busy
 * fraction read from {@code /proc/stat} (by the agent's own reader) between two advances. The one
 * load model of the demo's RAPL tree and of the end-to-end tests' nodes ({@link RaplSimulator}).
 */
public final class LoadFollowingPower {
  /** Power of one zone at 0 % and at 100 % CPU. */
  public record Watts(double idle, double busy) {}

  private final SimulatedRaplTree tree;
  private final Map<String, Watts> wattsByZone;
  private final ProcessScanner scanner;
  private long lastNanos;
  private CpuTimes last;
  private volatile double busyFraction;

  /**
   * @param wattsByZone the zones that draw power, by zone id; the others stay still
   * @param startNanos monotonic nanoseconds the first {@link #advance} counts from
   */
  public LoadFollowingPower(
      SimulatedRaplTree tree,
      Map<String, Watts> wattsByZone,
      ProcessScanner scanner,
      long startNanos) {
    this.tree = tree;
    this.wattsByZone = new LinkedHashMap<>(wattsByZone);
    this.scanner = scanner;
    this.lastNanos = startNanos;
    this.last = scanner.readCpuTimes();
  }

  /**
   * @param now monotonic nanoseconds
   */
  public synchronized void advance(long now) {
    CpuTimes cpu = scanner.readCpuTimes();
    busyFraction = busyFraction(last, cpu);
    double seconds = (now - lastNanos) / 1e9;
    Map<String, Double> watts = new LinkedHashMap<>();
    wattsByZone.forEach((zone, range) -> watts.put(zone, wattsAt(range, busyFraction)));
    tree.addWatts(seconds, watts);
    lastNanos = now;
    if (cpu != null) {
      last = cpu;
    }
  }

  /** The power of all zones at the CPU load of the last advance. */
  public double totalWatts() {
    double load = busyFraction;
    return wattsByZone.values().stream().mapToDouble(range -> wattsAt(range, load)).sum();
  }

  private static double wattsAt(Watts range, double busy) {
    return range.idle() + (range.busy() - range.idle()) * busy;
  }

  /** Busy share of all CPUs between two readings of /proc/stat, 0 when unknown. */
  static double busyFraction(CpuTimes before, CpuTimes after) {
    if (before == null || after == null) {
      return 0;
    }
    long busy = after.busyTicks() - before.busyTicks();
    long total = after.totalTicks() - before.totalTicks();
    if (total <= 0 || busy < 0) {
      return 0;
    }
    return Math.min(1.0, (double) busy / total);
  }
}
