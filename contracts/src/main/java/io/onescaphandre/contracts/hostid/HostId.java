package io.onescaphandre.contracts.hostid;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * An OpenNebula host id: the {@code ID} of a HOST, an {@code int} in oned, never negative. The one
 * type for it on both sides (labels, the init report, scrape targets, the node mapping); in JSON
 * and in labels it is the plain decimal number.
 */
public record HostId(int value) implements Comparable<HostId> {

  public HostId {
    if (value < 0) {
      throw new IllegalArgumentException("host id " + value + " is negative");
    }
  }

  /**
   * @throws IllegalArgumentException for a negative id or one beyond oned's {@code int}
   */
  @JsonCreator
  public static HostId of(long value) {
    if (value < 0 || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("host id " + value + " is outside 0-" + Integer.MAX_VALUE);
    }
    return new HostId((int) value);
  }

  /**
   * Decimal digits only, as in the node label {@code one-scaphandre.io/host-id} and OpenNebula's
   * XML.
   *
   * @throws IllegalArgumentException quoting the text
   */
  public static HostId parse(String text) {
    if (text == null
        || text.isEmpty()
        || text.length() > 10
        || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an OpenNebula host id (decimal digits)");
    }
    return of(Long.parseLong(text));
  }

  @JsonValue
  @Override
  public int value() {
    return value;
  }

  @Override
  public int compareTo(HostId other) {
    return Integer.compare(value, other.value);
  }

  /** The decimal number, as labels carry it. */
  @Override
  public String toString() {
    return Integer.toString(value);
  }
}
