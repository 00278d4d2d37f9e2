package io.onescaphandre.agent.power;

import io.onescaphandre.agent.rapl.RaplState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every enabled source once per sample and decides the host total by precedence: the first
 * source in {@code --power.sources} order that is usable (default {@code redfish, acpi, rapl,
 * estimate}; whole-node meters first, because RAPL misses the disks, fans, NICs and supplies).
 *
 * <p>When a whole-node meter makes the total and RAPL is read too, the host energy of an interval
 * is RAPL's energy plus the platform remainder, {@code max(0, P_meter - P_rapl)}, where {@code
 * P_rapl} is RAPL's average over the meter's own averaging window (a Redfish BMC averages over a
 * minute): the fast CPU part keeps RAPL's timing, the slow rest follows the meter, and the total
 * over any window the meter averages equals the meter. A whole-node meter reading less than RAPL
 * alone is {@code inconsistent} and skipped. Without RAPL the meter's power is the total. The
 * estimate is never combined with measurements.
 */
public final class HostPower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostPower.class);

  /**
   * A whole-node meter may read this much below RAPL (rounding to whole watts, timing) before it is
   * inconsistent.
   */
  static final double CONSISTENCY_SLACK_WATTS = 2;

  static final double CONSISTENCY_SLACK_RATIO = 0.05;

  /** RAPL history kept for the window comparison; longer windows are compared over this much. */
  static final long MAX_WINDOW_NANOS = 15L * 60 * 1_000_000_000L;

  private final List<PowerSourceName> order;
  private final Map<PowerSourceName, WattSource> meters = new EnumMap<>(PowerSourceName.class);
  private final EstimateSource estimate;
  private final Map<PowerSourceName, Double> joules = new EnumMap<>(PowerSourceName.class);
  private final Deque<long[]> raplHistory = new ArrayDeque<>();
  private double raplCumulativeMicro;
  private double totalJoules;
  private PowerSourceName loggedTotal;
  private boolean loggedNone;

  /**
   * @param order precedence, as {@code --power.sources}
   * @param meters the whole-node meters named in {@code order}
   * @param estimate the model, when {@code order} names it
   */
  public HostPower(List<PowerSourceName> order, List<WattSource> meters, EstimateSource estimate) {
    this.order = List.copyOf(order);
    meters.forEach(m -> this.meters.put(m.name(), m));
    this.estimate = estimate;
    for (PowerSourceName name : order) {
      if (name.platform() && !this.meters.containsKey(name)
          || name == PowerSourceName.ESTIMATE && estimate == null) {
        throw new IllegalArgumentException("source " + name.label() + " listed without its reader");
      }
    }
  }

  /** RAPL alone, as before whole-node sources existed (tests of the CPU attribution use it). */
  public static HostPower raplOnly() {
    return new HostPower(List.of(PowerSourceName.RAPL), List.of(), null);
  }

  public List<PowerSourceName> order() {
    return order;
  }

  /**
   * @param nanos the sample's monotonic time
   * @param raplState RAPL's state in this sample
   * @param raplJoules RAPL's host energy (psys, else package + dram) over the interval; null when
   *     it cannot be known for this interval (first sample, or RAPL not OK now or before)
   * @param intervalSeconds the interval (0 on the first sample)
   * @param utilisation busy share of all CPUs over the interval, 0 to 1
   */
  public HostPowerSample measure(
      long nanos,
      RaplState raplState,
      Double raplJoules,
      double intervalSeconds,
      double utilisation) {
    boolean raplListed = order.contains(PowerSourceName.RAPL);
    boolean raplMetered = raplListed && raplJoules != null && intervalSeconds > 0;
    // RAPL is there but did not count this interval (a zone unreadable, the first interval after a
    // gap): a measured host stays unpublished for it rather than take a modelled interval.
    boolean raplGap =
        raplListed
            && !raplMetered
            && intervalSeconds > 0
            && (raplState == RaplState.OK || raplState == RaplState.DEGRADED);
    double raplWatts = raplMetered ? raplJoules / intervalSeconds : 0;
    if (raplMetered) {
      raplCumulativeMicro += raplJoules * 1e6;
      raplHistory.addLast(new long[] {nanos, Math.round(raplCumulativeMicro)});
      while (raplHistory.size() > 2 && nanos - raplHistory.peekFirst()[0] > MAX_WINDOW_NANOS) {
        raplHistory.removeFirst();
      }
    } else if (raplState != RaplState.OK) {
      raplHistory.clear();
    }

    List<SourceStatus> statuses = new ArrayList<>(order.size());
    PowerSourceName total = null;
    double hostJoules = 0;
    double cpuJoules = 0;
    double remainderJoules = 0;
    for (PowerSourceName name : order) {
      SourceState state;
      double watts = 0;
      String message = "";
      if (name == PowerSourceName.RAPL) {
        state =
            switch (raplState) {
              case OK -> SourceState.OK;
              case DEGRADED -> SourceState.DEGRADED;
              case ABSENT -> SourceState.ABSENT;
              case UNREADABLE -> SourceState.UNREADABLE;
            };
        watts = raplWatts;
        if (raplMetered) {
          add(name, raplJoules);
        }
        // An interval RAPL cannot meter (the first after it became readable) is none of its.
        if (total == null && (raplMetered || state == SourceState.OK && intervalSeconds == 0)) {
          total = name;
          hostJoules = raplMetered ? raplJoules : 0;
          cpuJoules = hostJoules;
        }
      } else if (name == PowerSourceName.ESTIMATE) {
        state = SourceState.OK;
        watts = estimate.watts(utilisation);
        add(name, watts * intervalSeconds);
        if (total == null && !raplGap) {
          total = name;
          hostJoules = watts * intervalSeconds;
          cpuJoules = hostJoules;
        }
      } else {
        WattReading reading = meters.get(name).read();
        state = reading.state();
        message = reading.message();
        if (reading.usable() && raplMetered) {
          double raplOverWindow = raplAverage(nanos, reading.windowSeconds(), raplWatts);
          if (reading.watts()
              < raplOverWindow * (1 - CONSISTENCY_SLACK_RATIO) - CONSISTENCY_SLACK_WATTS) {
            state = SourceState.INCONSISTENT;
            message =
                String.format(
                    "reads %.1f W, less than RAPL's %.1f W for CPU and DRAM alone",
                    reading.watts(), raplOverWindow);
          } else if (total == null) {
            total = name;
            double remainderWatts = Math.max(0, reading.watts() - raplOverWindow);
            cpuJoules = raplJoules;
            remainderJoules = remainderWatts * intervalSeconds;
            hostJoules = cpuJoules + remainderJoules;
          }
        } else if (reading.usable() && total == null) {
          total = name;
          hostJoules = reading.watts() * intervalSeconds;
          cpuJoules = hostJoules;
        }
        if (state == SourceState.OK) {
          watts = reading.watts();
          add(name, watts * intervalSeconds);
        }
      }
      statuses.add(
          new SourceStatus(
              name,
              state,
              state == SourceState.OK ? watts : 0,
              joules.getOrDefault(name, 0.0),
              message));
    }
    totalJoules += hostJoules;
    logTotal(total, statuses);
    return new HostPowerSample(
        total,
        hostJoules,
        cpuJoules,
        remainderJoules,
        totalJoules,
        List.copyOf(statuses),
        estimate == null ? null : estimate.curve());
  }

  /** RAPL's average power over the last {@code windowSeconds} (this interval's when shorter). */
  private double raplAverage(long nanos, double windowSeconds, double intervalWatts) {
    long windowNanos = (long) (windowSeconds * 1e9);
    long[] newest = raplHistory.peekLast();
    long[] oldest = null;
    for (long[] point : raplHistory) {
      if (nanos - point[0] <= windowNanos) {
        break;
      }
      oldest = point;
    }
    if (oldest == null) {
      oldest = raplHistory.peekFirst(); // less history than the window: what there is
    }
    if (newest == null || oldest == null || newest[0] == oldest[0] || windowNanos <= 0) {
      return intervalWatts;
    }
    return (newest[1] - oldest[1]) / 1e6 / ((newest[0] - oldest[0]) / 1e9);
  }

  private void add(PowerSourceName name, double value) {
    joules.merge(name, value, Double::sum);
  }

  private void logTotal(PowerSourceName total, List<SourceStatus> statuses) {
    if (total == loggedTotal && (total != null || loggedNone)) {
      return;
    }
    StringBuilder why = new StringBuilder();
    for (SourceStatus s : statuses) {
      if (s.source() == total) {
        break;
      }
      why.append(' ').append(s.source().label()).append('=').append(s.state().label());
      if (!s.message().isEmpty()) {
        why.append(" (").append(s.message()).append(')');
      }
    }
    if (total == null) {
      LOG.warn("no power source usable:{}", why);
      loggedNone = true;
    } else if (total == PowerSourceName.ESTIMATE) {
      LOG.warn("host power is an ESTIMATE (source=estimate), nothing measurable:{}", why);
    } else {
      LOG.info(
          "host power from {}{}", total.label(), why.length() == 0 ? "" : "; before it:" + why);
    }
    loggedTotal = total;
  }

  @Override
  public void close() {
    meters.values().forEach(WattSource::close);
  }
}
