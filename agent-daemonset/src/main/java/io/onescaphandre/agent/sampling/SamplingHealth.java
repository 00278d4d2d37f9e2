package io.onescaphandre.agent.sampling;

import java.util.function.LongSupplier;

/**
 * What {@code /healthz} and {@code /readyz} answer, from the outcome of each sample.
 *
 * <ul>
 *   <li>live: fewer than {@code maxConsecutiveFailures} samples in a row failed, and the timer
 *       still runs (some sample ended in the last {@code max(5 intervals, 30 s)}). A stuck agent
 *       fails it, so the kubelet restarts it.
 *   <li>ready: a sample with a measured interval succeeded in the last 3 intervals: Prometheus
 *       (through the endpoints) then scrapes figures that are current.
 * </ul>
 *
 * Written by the sampler thread, read by HTTP threads.
 */
public final class SamplingHealth {
  private final LongSupplier nanoClock;
  private final long intervalNanos;
  private final long stuckAfterNanos;
  private final int maxConsecutiveFailures;
  private volatile long lastEndNanos;
  private volatile long lastGoodNanos;
  private volatile boolean measured;
  private volatile int consecutiveFailures;

  public SamplingHealth(LongSupplier nanoClock, long intervalNanos, int maxConsecutiveFailures) {
    if (maxConsecutiveFailures < 1) {
      throw new IllegalArgumentException("the number of failed samples must be at least 1");
    }
    this.nanoClock = nanoClock;
    this.intervalNanos = intervalNanos;
    this.stuckAfterNanos = Math.max(intervalNanos * 5, 30_000_000_000L);
    this.maxConsecutiveFailures = maxConsecutiveFailures;
    this.lastEndNanos = nanoClock.getAsLong();
  }

  /**
   * A sample completed; {@code intervalMeasured} once there is a previous sample to measure
   * against.
   */
  public void succeeded(boolean intervalMeasured) {
    long now = nanoClock.getAsLong();
    consecutiveFailures = 0;
    lastEndNanos = now;
    if (intervalMeasured) {
      lastGoodNanos = now;
      measured = true;
    }
  }

  public void failed() {
    consecutiveFailures++;
    lastEndNanos = nanoClock.getAsLong();
  }

  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  public boolean live() {
    return consecutiveFailures < maxConsecutiveFailures
        && nanoClock.getAsLong() - lastEndNanos < stuckAfterNanos;
  }

  public boolean ready() {
    return measured && nanoClock.getAsLong() - lastGoodNanos <= 3 * intervalNanos;
  }

  /** One line for the probe's body. */
  public String liveDetail() {
    if (consecutiveFailures >= maxConsecutiveFailures) {
      return consecutiveFailures + " samples in a row failed";
    }
    long since = nanoClock.getAsLong() - lastEndNanos;
    return since >= stuckAfterNanos ? "no sample ended for " + since / 1_000_000_000L + " s" : "ok";
  }

  public String readyDetail() {
    if (!measured) {
      return "no interval measured yet";
    }
    long since = nanoClock.getAsLong() - lastGoodNanos;
    return since <= 3 * intervalNanos ? "ok" : "last good sample " + since / 1_000_000 + " ms ago";
  }
}
