package io.onescaphandre.operator.dependent;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names and labels of the objects a monitor owns (docs/interfaces.md). */
public final class MonitorResources {
  private MonitorResources() {}

  public static String agentName(ScaphandreMonitor monitor) {
    return monitor.getMetadata().getName() + "-agent";
  }

  public static String bmcEndpointsName(ScaphandreMonitor monitor) {
    return monitor.getMetadata().getName() + "-bmc-endpoints";
  }

  public static String plainJobConfigMapName(ScaphandreMonitor monitor) {
    return monitor.getMetadata().getName() + "-prometheus-job";
  }

  /**
   * PodMonitor, ScrapeConfig and PrometheusRule are each alone of their kind: the monitor's name.
   */
  public static String prometheusObjectName(ScaphandreMonitor monitor) {
    return monitor.getMetadata().getName();
  }

  /** The labels the DaemonSet selects its pods by (immutable once the DaemonSet exists). */
  public static Map<String, String> selectorLabels(ScaphandreMonitor monitor) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MonitorNames.NAME_LABEL, MonitorNames.AGENT_APP);
    labels.put(MonitorNames.INSTANCE_LABEL, monitor.getMetadata().getName());
    return labels;
  }

  /** The labels every owned object carries. */
  public static Map<String, String> labels(ScaphandreMonitor monitor) {
    Map<String, String> labels = selectorLabels(monitor);
    labels.put(MonitorNames.MANAGED_BY_LABEL, MonitorNames.OPERATOR_NAME);
    return labels;
  }

  /**
   * Metadata of an owned object; user labels (Prometheus selectors) never replace the standard
   * ones.
   */
  public static ObjectMeta metadata(
      ScaphandreMonitor monitor, String name, Map<String, String> extraLabels) {
    Map<String, String> labels = new LinkedHashMap<>(extraLabels);
    labels.putAll(labels(monitor));
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(monitor.getMetadata().getNamespace())
        .withLabels(labels)
        .build();
  }
}
