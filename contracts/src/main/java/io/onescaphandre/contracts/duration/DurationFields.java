package io.onescaphandre.contracts.duration;

/**
 * The bounds of every duration of the ScaphandreMonitor spec, and the CRD's CEL rule and message of
 * each as compile-time constants (annotation values of the CRD classes). Each rule refuses what the
 * grammar refuses ({@code matches}, short-circuiting {@code duration()} away from text it cannot
 * read) and what lies outside the bounds; each message names the field and the range.
 */
public final class DurationFields {
  private DurationFields() {}

  // Below 500ms the agent's own sampling cost dominates (BENCHMARKS.md); above 5m the power is an
  // average too coarse to attribute to VMs that live for minutes.
  public static final String AGENT_INTERVAL_MIN = "500ms";
  public static final String AGENT_INTERVAL_MAX = "5m";
  public static final String AGENT_INTERVAL_RULE =
      "self.matches('"
          + Durations.PATTERN
          + "')"
          + " && duration(self) >= duration('"
          + AGENT_INTERVAL_MIN
          + "')"
          + " && duration(self) <= duration('"
          + AGENT_INTERVAL_MAX
          + "')";
  public static final String AGENT_INTERVAL_MESSAGE =
      "spec.agent.interval must be a duration such as 2s,"
          + " 1m30s or 500ms (units h, m, s, ms, largest first) from "
          + AGENT_INTERVAL_MIN
          + " to "
          + AGENT_INTERVAL_MAX;
  public static final DurationField AGENT_INTERVAL =
      new DurationField("spec.agent.interval", AGENT_INTERVAL_MIN, AGENT_INTERVAL_MAX);

  // Prometheus' own floor is 1ms, but a scrape every second of every agent is already heavy; an
  // hour is past the 5m staleness window, where rate() sees nothing.
  public static final String PROMETHEUS_INTERVAL_MIN = "1s";
  public static final String PROMETHEUS_INTERVAL_MAX = "1h";
  public static final String PROMETHEUS_INTERVAL_RULE =
      "self.matches('"
          + Durations.PATTERN
          + "')"
          + " && duration(self) >= duration('"
          + PROMETHEUS_INTERVAL_MIN
          + "')"
          + " && duration(self) <= duration('"
          + PROMETHEUS_INTERVAL_MAX
          + "')";
  public static final String PROMETHEUS_INTERVAL_MESSAGE =
      "spec.prometheus.interval must be a duration such"
          + " as 30s or 1m (units h, m, s, ms, largest first) from "
          + PROMETHEUS_INTERVAL_MIN
          + " to "
          + PROMETHEUS_INTERVAL_MAX;
  public static final DurationField PROMETHEUS_INTERVAL =
      new DurationField(
          "spec.prometheus.interval", PROMETHEUS_INTERVAL_MIN, PROMETHEUS_INTERVAL_MAX);

  // One XML-RPC call: under a second fails on any loaded frontend; over 5 minutes holds a reconcile
  // thread for nothing.
  public static final String OPENNEBULA_TIMEOUT_MIN = "1s";
  public static final String OPENNEBULA_TIMEOUT_MAX = "5m";
  public static final String OPENNEBULA_TIMEOUT_RULE =
      "self.matches('"
          + Durations.PATTERN
          + "')"
          + " && duration(self) >= duration('"
          + OPENNEBULA_TIMEOUT_MIN
          + "')"
          + " && duration(self) <= duration('"
          + OPENNEBULA_TIMEOUT_MAX
          + "')";
  public static final String OPENNEBULA_TIMEOUT_MESSAGE =
      "spec.openNebula.timeout must be a duration such"
          + " as 10s or 1m (units h, m, s, ms, largest first) from "
          + OPENNEBULA_TIMEOUT_MIN
          + " to "
          + OPENNEBULA_TIMEOUT_MAX;
  public static final DurationField OPENNEBULA_TIMEOUT =
      new DurationField("spec.openNebula.timeout", OPENNEBULA_TIMEOUT_MIN, OPENNEBULA_TIMEOUT_MAX);

  // Reading the host and VM pools more often than every 5s loads oned for no gain (its own
  // monitoring runs every 30s to minutes); once a day is the least that keeps names current.
  public static final String OPENNEBULA_REFRESH_INTERVAL_MIN = "5s";
  public static final String OPENNEBULA_REFRESH_INTERVAL_MAX = "24h";
  public static final String OPENNEBULA_REFRESH_INTERVAL_RULE =
      "self.matches('"
          + Durations.PATTERN
          + "')"
          + " && duration(self) >= duration('"
          + OPENNEBULA_REFRESH_INTERVAL_MIN
          + "')"
          + " && duration(self) <= duration('"
          + OPENNEBULA_REFRESH_INTERVAL_MAX
          + "')";
  public static final String OPENNEBULA_REFRESH_INTERVAL_MESSAGE =
      "spec.openNebula.refreshInterval must be"
          + " a duration such as 5m or 1h30m (units h, m, s, ms, largest first) from "
          + OPENNEBULA_REFRESH_INTERVAL_MIN
          + " to "
          + OPENNEBULA_REFRESH_INTERVAL_MAX;
  public static final DurationField OPENNEBULA_REFRESH_INTERVAL =
      new DurationField(
          "spec.openNebula.refreshInterval",
          OPENNEBULA_REFRESH_INTERVAL_MIN,
          OPENNEBULA_REFRESH_INTERVAL_MAX);
}
