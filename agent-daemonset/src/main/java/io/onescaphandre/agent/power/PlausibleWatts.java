package io.onescaphandre.agent.power;

/**
 * Range check of whole-node readings. Firmware has been seen reporting 4294967295000 µW (an
 * all-ones 32-bit milliwatt value, Kepler #1049), 160 kW (#1774) and 4.29 MW (lm-sensors #460) for
 * ordinary servers; a deactivated DCMI meter reports 0 W. A value that no single node can draw is
 * rejected, never exported.
 *
 * @param maxWatts the most a node of this fleet can draw (default 20 kW, above an 8-GPU server)
 */
public record PlausibleWatts(double maxWatts) {
  public static final double DEFAULT_MAX_WATTS = 20_000;

  /** A running server draws more than this; 0 W is what broken or deactivated meters report. */
  static final double MIN_WATTS = 1;

  public PlausibleWatts {
    if (!(maxWatts > MIN_WATTS)) {
      throw new IllegalArgumentException("--power.max-watts must be above " + MIN_WATTS + " W");
    }
  }

  /** The reading, or INVALID with the reason. */
  public WattReading check(double watts, double windowSeconds, String what) {
    if (Double.isNaN(watts) || Double.isInfinite(watts)) {
      return WattReading.failed(SourceState.INVALID, what + " is not a number");
    }
    if (watts < MIN_WATTS) {
      return WattReading.failed(
          SourceState.INVALID, what + " reads " + watts + " W: not measuring");
    }
    if (watts > maxWatts) {
      return WattReading.failed(
          SourceState.INVALID,
          what
              + " reads "
              + watts
              + " W, more than --power.max-watts "
              + maxWatts
              + " W: a firmware fault, ignored");
    }
    return WattReading.ok(watts, windowSeconds);
  }
}
