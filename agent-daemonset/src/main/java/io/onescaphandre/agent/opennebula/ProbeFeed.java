package io.onescaphandre.agent.opennebula;

import io.onescaphandre.agent.sampling.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What OpenNebula's IM probes read from the agent, kept from every snapshot: the host's energy
 * counter and busy CPU time over the last {@link #HOST_SPAN}, each VM's energy counter over the
 * last {@link #VM_SPAN}. A probe asks for the mean power over its own period (OpenNebula runs
 * {@code host/system} probes every 600 s and {@code vm/monitor} probes every 30 to 90 s by
 * default), which is the difference of two counter readings divided by the time between them: exact
 * whatever the sampling interval, and never a single interval's figure.
 *
 * <p>Everything comes from the snapshots, the host's busy CPU time included: this class reads no
 * file.
 *
 * <p>Thread-safe: one thread (the sampler's) calls {@link #accept}, HTTP threads the readers.
 */
public final class ProbeFeed {
  /** The longest host period served: SYSTEM_HOST probes run every 600 s by default. */
  public static final Duration HOST_SPAN = Duration.ofHours(1);

  /** The longest VM period served: MONITOR_VM probes run every 30 to 90 s by default. */
  public static final Duration VM_SPAN = Duration.ofMinutes(10);

  /**
   * Below this spread of busy CPUs, a fitted slope says nothing (a host that never changed load).
   */
  static final double MIN_BUSY_SPREAD = 0.25;

  private final int hostCapacity;
  private final int vmCapacity;
  private final Instant startedAt;
  private final Object lock = new Object();
  private EnergyRing host;
  private final Map<String, VmRing> vms = new HashMap<>();
  private Snapshot last;

  /**
   * @param interval the sampling interval, to size the history
   * @param startedAt wall-clock time the energy counters start from
   */
  public ProbeFeed(Duration interval, Instant startedAt) {
    long step = Math.max(1, interval.toMillis());
    this.hostCapacity = (int) Math.min(100_000, HOST_SPAN.toMillis() / step + 2);
    this.vmCapacity = (int) Math.min(10_000, VM_SPAN.toMillis() / step + 2);
    this.startedAt = startedAt;
    this.host = new EnergyRing(hostCapacity);
  }

  /** Records one complete snapshot taken at {@code nanos} (the sampler's monotonic clock). */
  public void accept(Snapshot snapshot, long nanos) {
    double busy = snapshot.hostBusyCpuSeconds();
    synchronized (lock) {
      last = snapshot;
      if (!snapshot.powerAvailable()) {
        // No energy this interval (RAPL lost, or the first sample): a mean across the gap would
        // spread energy that was never measured, so every history starts again.
        host = new EnergyRing(hostCapacity);
        vms.clear();
        return;
      }
      host.add(nanos, snapshot.hostJoules(), busy);
      for (Snapshot.Vm vm : snapshot.vms()) {
        vms.computeIfAbsent(
                vm.vmId(), id -> new VmRing(vm.hypervisor(), new EnergyRing(vmCapacity)))
            .ring()
            .add(nanos, vm.joules(), 0);
      }
      // A VM that left the host (shutdown, migration) is no longer reported.
      vms.values().removeIf(ring -> ring.ring().newestNanos() != nanos);
    }
  }

  /**
   * The host figures over {@code period}; {@link HostPower#available()} false without two readings.
   */
  public HostPower host(Duration period) {
    synchronized (lock) {
      if (last == null || host.size() < 2) {
        return HostPower.unavailable(last == null ? "starting" : reasonWithoutPower(last));
      }
      int start = host.startFor(period.toNanos());
      double seconds = (host.newestNanos() - host.nanosBack(start)) / 1e9;
      double watts = (host.joulesBack(0) - host.joulesBack(start)) / seconds;
      double busyCpus = (host.busyBack(0) - host.busyBack(start)) / seconds;
      Fit fit = fit();
      return new HostPower(
          true,
          null,
          watts,
          seconds,
          host.joulesBack(0),
          startedAt,
          busyCpus,
          fit.idleWatts(),
          fit.wattsPerBusyCpu());
    }
  }

  /** Each VM's mean power over {@code period} and its energy counter, by VM id. */
  public List<VmPower> vms(Duration period) {
    synchronized (lock) {
      List<VmPower> out = new ArrayList<>(vms.size());
      for (Map.Entry<String, VmRing> e : vms.entrySet()) {
        EnergyRing ring = e.getValue().ring();
        if (ring.size() < 2) {
          continue;
        }
        int start = ring.startFor(period.toNanos());
        double seconds = (ring.newestNanos() - ring.nanosBack(start)) / 1e9;
        out.add(
            new VmPower(
                e.getKey(),
                e.getValue().hypervisor(),
                (ring.joulesBack(0) - ring.joulesBack(start)) / seconds,
                seconds,
                ring.joulesBack(0)));
      }
      out.sort(Comparator.comparingLong(v -> parseIdOrMax(v.vmId())));
      return out;
    }
  }

  private static long parseIdOrMax(String id) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static String reasonWithoutPower(Snapshot s) {
    // By name, not by constant: new states of the RAPL reader need no change here.
    String state = s.raplState().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    return state.equals("ok") ? "starting" : "rapl-" + state;
  }

  /**
   * Host power against busy CPUs, interval by interval over the whole history, fitted as {@code P =
   * idle + k * busy} by least squares: {@code k} is the marginal power of one more busy CPU, {@code
   * idle} the power at no load. When the load hardly varied, or the fit comes out negative (noise,
   * turbo and thermal effects), the idle power is the lowest interval power seen and the slope is
   * the rest of the mean power spread over the mean busy CPUs.
   */
  private Fit fit() {
    int n = host.size() - 1;
    double sumX = 0;
    double sumY = 0;
    double sumXx = 0;
    double sumXy = 0;
    double minX = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double lowest = Double.MAX_VALUE;
    int used = 0;
    for (int i = 0; i < n; i++) {
      double dt = (host.nanosBack(i) - host.nanosBack(i + 1)) / 1e9;
      if (dt <= 0) {
        continue;
      }
      double x = (host.busyBack(i) - host.busyBack(i + 1)) / dt;
      double y = (host.joulesBack(i) - host.joulesBack(i + 1)) / dt;
      sumX += x;
      sumY += y;
      sumXx += x * x;
      sumXy += x * y;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      lowest = Math.min(lowest, y);
      used++;
    }
    if (used == 0) {
      return new Fit(OptionalDouble.empty(), OptionalDouble.empty());
    }
    double meanX = sumX / used;
    double meanY = sumY / used;
    if (used >= 3 && maxX - minX >= MIN_BUSY_SPREAD) {
      double slope = (sumXy - used * meanX * meanY) / (sumXx - used * meanX * meanX);
      double intercept = meanY - slope * meanX;
      if (slope > 0 && intercept >= 0) {
        return new Fit(OptionalDouble.of(intercept), OptionalDouble.of(slope));
      }
    }
    double idle = Math.min(lowest, meanY);
    return new Fit(
        OptionalDouble.of(idle),
        meanX >= 0.05 ? OptionalDouble.of((meanY - idle) / meanX) : OptionalDouble.empty());
  }

  private record Fit(OptionalDouble idleWatts, OptionalDouble wattsPerBusyCpu) {}

  private record VmRing(String hypervisor, EnergyRing ring) {}

  /**
   * The host's figures.
   *
   * @param reason why there are none ({@code starting}, {@code rapl-absent}, {@code
   *     rapl-unreadable})
   * @param watts mean power over {@code seconds}
   * @param joules the host energy counter since {@code since}
   * @param busyCpus mean busy CPUs over {@code seconds}
   */
  public record HostPower(
      boolean available,
      String reason,
      double watts,
      double seconds,
      double joules,
      Instant since,
      double busyCpus,
      OptionalDouble idleWatts,
      OptionalDouble wattsPerBusyCpu) {
    static HostPower unavailable(String reason) {
      return new HostPower(
          false, reason, 0, 0, 0, null, 0, OptionalDouble.empty(), OptionalDouble.empty());
    }
  }

  /** One VM: mean power over {@code seconds}, energy counter since the agent saw it first. */
  public record VmPower(
      String vmId, String hypervisor, double watts, double seconds, double joules) {}
}
