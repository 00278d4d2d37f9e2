package io.onescaphandre.agent.rapl;

import java.util.Map;

/**
 * Decides how much energy a zone's counter moved between two reads, and refuses energy that did not
 * happen. A counter that goes down is a wrap only when the energy the wrap implies fits the zone:
 * at most {@link #MARGIN} times its ceiling power over the interval, plus {@link
 * #SLACK_MICROJOULES}. A counter that goes up by more than that is refused too (a reset to a higher
 * value, a firmware glitch). A refused interval adds nothing: the zone's counter then has a gap,
 * which the meter counts as a reset.
 *
 * <p>The ceiling of a zone is its highest {@code constraint_*_max_power_uw}; where the kernel gives
 * none, the domain's ceiling below, above any part sold today (a 500 W server package, a 1.5 kW
 * platform psys). A declared maximum above the domain's ceiling is itself implausible (firmware has
 * been seen to report megawatts there): the domain's ceiling caps it.
 */
public final class RaplPlausibility {
  /** Ceilings, in watts, of zones whose constraints give no maximum power. */
  static final Map<RaplDomain, Double> DOMAIN_CEILING_WATTS =
      Map.of(
          RaplDomain.PACKAGE, 600.0,
          RaplDomain.CORE, 600.0,
          RaplDomain.UNCORE, 200.0,
          RaplDomain.DRAM, 300.0,
          RaplDomain.PSYS, 1500.0);

  /**
   * Headroom over the ceiling: short-term limits (PL2) and turbo bursts go above the long-term one.
   */
  static final double MARGIN = 2.0;

  /** Allowance for reads a few milliseconds apart from the interval the clock measured. */
  static final long SLACK_MICROJOULES = 1_000_000L;

  /** 0xFFFFFFFF: the hardware counter is 32 bits of energy units. */
  private static final double COUNTER_UNITS = 4_294_967_295.0;

  /** Server DRAM counts in a fixed 15.3 µJ unit instead of a power of two. */
  private static final double SERVER_DRAM_UNIT_MICROJOULES = 15.3;

  private static final long[] CANDIDATE_RANGES = candidateRanges();

  private RaplPlausibility() {}

  /** The most energy the zone can plausibly have used in {@code seconds}, in µJ. */
  public static long limitMicrojoules(RaplZone zone, double seconds) {
    double domainCeiling = DOMAIN_CEILING_WATTS.get(zone.domain());
    double ceiling =
        zone.maxPowerMicrowatts() > 0
            ? Math.min(zone.maxPowerMicrowatts() / 1e6, domainCeiling)
            : domainCeiling;
    return (long) (ceiling * MARGIN * Math.max(0, seconds) * 1e6) + SLACK_MICROJOULES;
  }

  /**
   * Energy between two reads of a zone.
   *
   * @param previous the raw counter at the previous read
   * @param current the raw counter now
   * @param highestSeen the highest raw value this zone ever showed (a lower bound of its range)
   * @param seconds time between the two reads
   * @return the energy in µJ, or a refusal with the reason
   */
  public static Delta delta(
      RaplZone zone, long previous, long current, long highestSeen, double seconds) {
    long limit = limitMicrojoules(zone, seconds);
    if (current >= previous) {
      long moved = current - previous;
      return moved <= limit
          ? Delta.counted(moved)
          : Delta.refused(
              String.format(
                  "counter rose by %.0f J in %.3f s, more than the %.0f J" + " the zone can use",
                  moved / 1e6, seconds, limit / 1e6));
    }
    if (zone.rangeKnown()) {
      long wrapped = wrappedEnergy(zone.maxEnergyRangeMicrojoules(), previous, current);
      return wrapped >= 0 && wrapped <= limit
          ? Delta.counted(wrapped)
          : Delta.refused(
              String.format(
                  "counter fell from %d to %d µJ; as a wrap at %d µJ that"
                      + " would be %.0f J in %.3f s, more than the %.0f J the zone can use: not a wrap",
                  previous,
                  current,
                  zone.maxEnergyRangeMicrojoules(),
                  wrapped < 0 ? Double.NaN : wrapped / 1e6,
                  seconds,
                  limit / 1e6));
    }
    // No range from the kernel: the wrap point is one of the ranges the hardware can have (32
    // bits of 2^-n J units, or server DRAM's 15.3 µJ unit), above every value seen. The smallest
    // such range whose wrap fits is taken; none fits: not a wrap.
    long floor = Math.max(previous, highestSeen);
    long best = -1;
    for (long range : CANDIDATE_RANGES) {
      if (range < floor) {
        continue;
      }
      long wrapped = wrappedEnergy(range, previous, current);
      if (wrapped >= 0 && wrapped <= limit && (best < 0 || wrapped < best)) {
        best = wrapped;
      }
    }
    return best >= 0
        ? Delta.counted(best)
        : Delta.refused(
            String.format(
                "counter fell from %d to %d µJ and max_energy_range_uj is"
                    + " unknown: no range the hardware can have makes that a wrap within %.0f J in %.3f s",
                previous, current, limit / 1e6, seconds));
  }

  private static long wrappedEnergy(long range, long previous, long current) {
    return previous > range ? -1 : (range - previous) + current;
  }

  /**
   * Every {@code max_energy_range_uj} a RAPL counter can have, ascending: 32 bits of a 2^-n J unit,
   * both as the kernel computes it (the unit truncated to whole nanojoules) and exactly, and server
   * DRAM's 15.3 µJ unit.
   */
  static long[] candidateRanges() {
    long[] ranges = new long[65];
    for (int n = 0; n < 32; n++) {
      long unitNanojoules = 1_000_000_000L >> n;
      ranges[2 * n] = (long) (unitNanojoules * COUNTER_UNITS / 1000);
      ranges[2 * n + 1] = (long) (COUNTER_UNITS * 1e6 / Math.pow(2, n));
    }
    ranges[64] = (long) (COUNTER_UNITS * SERVER_DRAM_UNIT_MICROJOULES);
    java.util.Arrays.sort(ranges);
    return ranges;
  }

  /**
   * Outcome of one interval of one zone.
   *
   * @param microjoules energy counted (0 when refused)
   * @param refusal why the interval was refused, or null when counted
   */
  public record Delta(long microjoules, String refusal) {
    static Delta counted(long microjoules) {
      return new Delta(microjoules, null);
    }

    static Delta refused(String why) {
      return new Delta(0, why);
    }

    public boolean isCounted() {
      return refusal == null;
    }
  }
}
