package io.onescaphandre.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.onescaphandre.operator.api.PrometheusSpec;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.util.ArrayList;
import java.util.List;

/**
 * Every object a monitor owns, from the same pure functions the workflow's dependents call in their
 * desired(): the reconciler and {@code render} cannot disagree. In the workflow's order.
 */
public final class DesiredObjects {
  private DesiredObjects() {}

  /** The owned objects the monitor enables (Prometheus Operator objects as if their CRDs existed). */
  public static List<HasMetadata> of(ScaphandreMonitor monitor, DesiredInputs inputs) {
    PrometheusSpec prometheus = monitor.getSpec().getPrometheus();
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(AgentServiceAccountDependent.desiredFor(monitor));
    if (!inputs.bmc().endpoints().isEmpty()) {
      objects.add(BmcEndpointsConfigMapDependent.desiredFor(monitor, inputs.bmc()));
    }
    objects.add(AgentDaemonSetDependent.desiredFor(monitor, inputs.defaultAgentImage(), inputs.bmc()));
    if (prometheus.getPlainConfig().isOn()) {
      objects.add(PlainJobConfigMapDependent.desiredFor(monitor, inputs.mappedNodes()));
    }
    if (prometheus.getPodMonitor().isOn()) {
      objects.add(PodMonitorDependent.desiredFor(monitor));
    }
    if (prometheus.getScrapeConfig().isOn()) {
      objects.add(ScrapeConfigDependent.desiredFor(monitor, inputs.mappedNodes()));
    }
    if (prometheus.getRules().isOn()) {
      objects.add(PrometheusRuleDependent.desiredFor(monitor));
    }
    return objects;
  }
}
