package io.onescaphandre.agent.power;

import java.util.Locale;

/** Health of one power source; exported as {@code opennebula_power_source_state{source,state}}. */
public enum SourceState {
  /** Read and plausible. */
  OK,
  /** RAPL with some zones unreadable: an interval counts only when every zone counted it. */
  DEGRADED,
  /** Not on this node (no power_meter, no /dev/ipmi0, no BMC address, no powercap tree). */
  ABSENT,
  /** Present but not readable with the agent's privileges, or rejected credentials. */
  UNREADABLE,
  /** Read, but the value is outside the plausible range or the meter says it is not measuring. */
  INVALID,
  /** A whole-node meter that reads less than RAPL's CPU and DRAM alone cannot be the whole node. */
  INCONSISTENT,
  /** The BMC did not answer, or answered with an error. */
  UNREACHABLE,
  /** The last good value is older than the source's polling allows. */
  STALE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
