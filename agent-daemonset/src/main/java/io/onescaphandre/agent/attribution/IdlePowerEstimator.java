package io.onescaphandre.agent.attribution;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * The host's idle power: either configured, or the lowest interval power seen over a sliding window
 * (a monotonic deque, so each observation costs O(1) amortised).
 */
public final class IdlePowerEstimator {
  private final Double configuredWatts;
  private final long windowNanos;
  private final LongSupplier nanoClock;
  private final Deque<long[]> minima = new ArrayDeque<>();

  private IdlePowerEstimator(Double configuredWatts, long windowNanos, LongSupplier nanoClock) {
    this.configuredWatts = configuredWatts;
    this.windowNanos = windowNanos;
    this.nanoClock = nanoClock;
  }

  public static IdlePowerEstimator fixed(double watts) {
    if (!(watts >= 0)) {
      throw new IllegalArgumentException("idle watts must be >= 0, got " + watts);
    }
    return new IdlePowerEstimator(watts, 0, System::nanoTime);
  }

  public static IdlePowerEstimator lowestOver(long windowNanos, LongSupplier nanoClock) {
    return new IdlePowerEstimator(null, windowNanos, nanoClock);
  }

  /** Records the power of the interval just measured and returns the idle power to use for it. */
  public double observe(double watts) {
    if (configuredWatts != null) {
      return configuredWatts;
    }
    long now = nanoClock.getAsLong();
    long bits = Double.doubleToLongBits(watts);
    while (!minima.isEmpty() && Double.longBitsToDouble(minima.peekLast()[1]) >= watts) {
      minima.pollLast();
    }
    minima.addLast(new long[] {now, bits});
    while (now - minima.peekFirst()[0] > windowNanos) {
      minima.pollFirst();
    }
    return Double.longBitsToDouble(minima.peekFirst()[1]);
  }
}
