package io.onescaphandre.operator.opennebula;

import java.time.Duration;

/**
 * Bounded retries with exponential backoff for answers that a retry can fix (no answer, HTTP 5xx);
 * an error answer of OpenNebula (wrong session, …) is never retried.
 *
 * @param maxAttempts total attempts, at least 1
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(5));

  /** One attempt, no retry: for the command line, where the user sees the error at once. */
  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
    }
  }

  /** The pause after failed attempt number {@code attempt} (1-based): doubled each time, capped. */
  public Duration backoffAfter(int attempt) {
    Duration backoff = initialBackoff;
    for (int i = 1; i < attempt && backoff.compareTo(maxBackoff) < 0; i++) {
      backoff = backoff.multipliedBy(2);
    }
    return backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
  }

  /** How to wait; tests pass one that records instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    Sleeper THREAD = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
  }
}
