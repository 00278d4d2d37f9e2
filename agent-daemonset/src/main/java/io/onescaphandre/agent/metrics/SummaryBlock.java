package io.onescaphandre.agent.metrics;

/**
 * A summary without quantiles ({@code _count} and {@code _sum}), written as the Prometheus client
 * writes Micrometer's timers.
 */
record SummaryBlock(String name, String help, long count, double sum) implements Block {
  @Override
  public String sortName() {
    return name;
  }

  @Override
  public void write(TextBuffer out, boolean openMetrics) {
    if (openMetrics) {
      out.append("# TYPE ").append(name).append(" summary\n# HELP ").append(name).append(' ');
      out.append(help).append('\n');
    } else {
      out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ");
      out.append(name).append(" summary\n");
    }
    out.append(name).append("_count ").append(Long.toString(count)).append('\n');
    out.append(name).append("_sum ").appendValue(sum).append('\n');
  }
}
