package io.onescaphandre.agent.rapl;

/** State of one powercap zone; exported as {@code opennebula_rapl_zone_state{zone,state}}. */
public enum RaplZoneState {
  /** Read, and its wrap range is known. */
  OK("ok"),
  /**
   * Read, but {@code max_energy_range_uj} is missing or not a number: a decrease of its counter is
   * taken as a wrap only when one of the ranges the hardware can have implies a plausible energy.
   */
  DEGRADED("degraded"),
  /** Its {@code energy_uj} could not be read or parsed this sample. */
  UNREADABLE("unreadable");

  private final String label;

  RaplZoneState(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
