package io.onescaphandre.contracts.duration;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A duration with bounds: one field of the ScaphandreMonitor spec or one flag. The CRD's CEL rule
 * of each spec field ({@link DurationFields}) and {@link #parse} say the same thing, built from the
 * same constants.
 *
 * @param name how errors name it, e.g. {@code spec.agent.interval} or {@code --interval}
 */
public record DurationField(String name, String minText, String maxText) {

  public DurationField {
    if (Durations.parse(minText).compareTo(Durations.parse(maxText)) > 0) {
      throw new IllegalArgumentException(name + ": " + minText + " is above " + maxText);
    }
  }

  public Duration min() {
    return Durations.parse(minText);
  }

  public Duration max() {
    return Durations.parse(maxText);
  }

  /** The spec fields that hold durations, for the tests that hold the CRD to them. */
  public static List<DurationField> specFields() {
    return List.of(
        DurationFields.AGENT_INTERVAL,
        DurationFields.PROMETHEUS_INTERVAL,
        DurationFields.OPENNEBULA_TIMEOUT,
        DurationFields.OPENNEBULA_REFRESH_INTERVAL);
  }

  /**
   * @throws IllegalArgumentException naming the field, the text, the grammar or the range
   */
  public Duration parse(String text) {
    Duration value;
    try {
      value = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage() + ", from " + range(), e);
    }
    if (!admits(value)) {
      throw new IllegalArgumentException(name + ": " + text + " is outside " + range());
    }
    return value;
  }

  /**
   * The duration, or empty when the text is not one within the bounds: for readers of a spec that
   * the validation (the CRD, {@code SpecValidator}) has already reported on.
   */
  public Optional<Duration> parseIfValid(String text) {
    if (!Durations.valid(text)) {
      return Optional.empty();
    }
    Duration value = Durations.parse(text);
    return admits(value) ? Optional.of(value) : Optional.empty();
  }

  /** Whether a parsed duration is within the bounds. */
  public boolean admits(Duration value) {
    return value.compareTo(min()) >= 0 && value.compareTo(max()) <= 0;
  }

  /** {@code 500ms to 5m}. */
  public String range() {
    return minText + " to " + maxText;
  }
}
