package io.onescaphandre.operator.opennebula;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * An answer of OpenNebula, fresh or the last good one kept while OpenNebula fails.
 *
 * @param fetchedAt when OpenNebula gave this value
 * @param failure why the latest attempt failed; null when {@code value} is fresh
 */
public record Answer<T>(T value, Instant fetchedAt, OpenNebulaException failure) {

  /** True when the latest call failed and {@link #value} is an older answer. */
  public boolean stale() {
    return failure != null;
  }

  public Optional<OpenNebulaException> lastFailure() {
    return Optional.ofNullable(failure);
  }

  public Duration age(Instant now) {
    return Duration.between(fetchedAt, now);
  }

  public <R> Answer<R> map(Function<? super T, ? extends R> mapper) {
    return new Answer<>(mapper.apply(value), fetchedAt, failure);
  }
}
