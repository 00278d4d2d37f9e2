package io.onescaphandre.operator.dependent;

import io.onescaphandre.operator.api.AgentFlavor;
import io.onescaphandre.operator.api.ScaphandreMonitor;

/**
 * The scrape protocol Prometheus falls back to when an agent sends no usable Content-Type. Upstream
 * Scaphandre 1.0 answers /metrics with a blank Content-Type, which Prometheus 3 refuses
 * ("non-compliant scrape target sending blank Content-Type") unless the job names a fallback; seen
 * in the end-to-end run. Our agent sends a correct one and needs none. The Prometheus Operator only
 * passes the field to Prometheus versions that know it, so it is safe for Prometheus 2 as well.
 */
public final class ScrapeProtocols {
  public static final String PROMETHEUS_TEXT = "PrometheusText0.0.4";

  private ScrapeProtocols() {}

  /** The fallback for the monitor's agent flavour, or null when none is needed. */
  public static String fallbackFor(ScaphandreMonitor monitor) {
    return monitor.getSpec().getAgent().getFlavor() == AgentFlavor.SCAPHANDRE
        ? PROMETHEUS_TEXT
        : null;
  }
}
