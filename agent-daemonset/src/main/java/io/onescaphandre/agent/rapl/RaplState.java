package io.onescaphandre.agent.rapl;

/**
 * Whether the agent can meter energy; exported as {@code opennebula_rapl_state{state}}.
 *
 * <ul>
 *   <li>{@code ok}: every zone read, with its wrap range known;
 *   <li>{@code degraded}: some zone is unreadable or lacks {@code max_energy_range_uj} (its state
 *       says which: {@code opennebula_rapl_zone_state}); the zones that read still count, but no
 *       host or domain total is published for an interval where a zone did not count;
 *   <li>{@code absent}: no zone at all;
 *   <li>{@code unreadable}: zones exist but none can be read.
 * </ul>
 */
public enum RaplState {
  OK("ok"),
  DEGRADED("degraded"),
  ABSENT("absent"),
  UNREADABLE("unreadable");

  private final String label;

  RaplState(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
