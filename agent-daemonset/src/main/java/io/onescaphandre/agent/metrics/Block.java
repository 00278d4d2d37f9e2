package io.onescaphandre.agent.metrics;

/** One metric family of the exposition, written in either text format. */
interface Block {
  /**
   * The family's name as the Prometheus client sorts families by (no {@code _total}, no {@code
   * _info}).
   */
  String sortName();

  /** Writes the family: its {@code # HELP} and {@code # TYPE} lines and its series. */
  void write(TextBuffer out, boolean openMetrics);
}
