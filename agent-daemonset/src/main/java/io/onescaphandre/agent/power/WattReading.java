package io.onescaphandre.agent.power;

/**
 * One reading of a power meter.
 *
 * @param state whether it can be used
 * @param watts the power, meaningful only when {@code state} is OK
 * @param windowSeconds the time over which the meter averaged it before reporting (0:
 *     instantaneous); the platform remainder compares it with RAPL over the same window
 * @param message why it cannot be used, for the log (never a secret)
 */
public record WattReading(SourceState state, double watts, double windowSeconds, String message) {

  public static WattReading ok(double watts, double windowSeconds) {
    return new WattReading(SourceState.OK, watts, windowSeconds, "");
  }

  public static WattReading failed(SourceState state, String message) {
    return new WattReading(state, 0, 0, message);
  }

  public boolean usable() {
    return state == SourceState.OK;
  }
}
