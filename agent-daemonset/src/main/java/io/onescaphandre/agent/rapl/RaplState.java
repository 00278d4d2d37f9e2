package io.onescaphandre.agent.rapl;

/** Whether the agent can meter energy; exported as {@code opennebula_rapl_state{state}}. */
public enum RaplState {
  OK("ok"),
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
