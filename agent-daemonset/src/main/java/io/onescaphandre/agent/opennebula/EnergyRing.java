package io.onescaphandre.agent.opennebula;

/**
 * The last samples of one cumulative energy counter (and, for the host, of its busy CPU time), each
 * with the monotonic time it was taken: enough to average power over any period up to the ring's
 * span from two counter readings, the way {@code rate()} does, without keeping any power sample.
 * Not thread-safe: {@link ProbeFeed} guards it.
 */
final class EnergyRing {
  private final long[] nanos;
  private final double[] joules;
  private final double[] busySeconds;
  private int size;
  private int newest = -1;

  EnergyRing(int capacity) {
    nanos = new long[capacity];
    joules = new double[capacity];
    busySeconds = new double[capacity];
  }

  void add(long atNanos, double cumulativeJoules, double cumulativeBusySeconds) {
    newest = (newest + 1) % nanos.length;
    nanos[newest] = atNanos;
    joules[newest] = cumulativeJoules;
    busySeconds[newest] = cumulativeBusySeconds;
    size = Math.min(size + 1, nanos.length);
  }

  int size() {
    return size;
  }

  /** Index of the i-th sample counted back from the newest (0 is the newest). */
  private int back(int i) {
    return Math.floorMod(newest - i, nanos.length);
  }

  long nanosBack(int i) {
    return nanos[back(i)];
  }

  double joulesBack(int i) {
    return joules[back(i)];
  }

  double busyBack(int i) {
    return busySeconds[back(i)];
  }

  /**
   * How many samples back the average over {@code periodNanos} must start: the newest sample taken
   * at or before {@code newest - period} (so the average covers at least the period), else the
   * oldest sample kept (it then covers less, and says so through its length).
   */
  int startFor(long periodNanos) {
    long target = nanos[newest] - periodNanos;
    for (int i = 1; i < size; i++) {
      if (nanosBack(i) <= target) {
        return i;
      }
    }
    return size - 1;
  }

  long newestNanos() {
    return nanos[newest];
  }
}
