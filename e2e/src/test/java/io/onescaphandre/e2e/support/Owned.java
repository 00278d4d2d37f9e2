package io.onescaphandre.e2e.support;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;

/**
 * The objects a monitor owns, found by the labels every owned object carries (docs/interfaces.md).
 */
public final class Owned {
  public static final String PODMONITOR = "monitoring.coreos.com/v1:PodMonitor";
  public static final String SCRAPECONFIG = "monitoring.coreos.com/v1alpha1:ScrapeConfig";
  public static final String PROMETHEUSRULE = "monitoring.coreos.com/v1:PrometheusRule";

  private Owned() {}

  public static Map<String, String> labels(String monitorName) {
    return Map.of(
        "app.kubernetes.io/name",
        "one-scaphandre-agent",
        "app.kubernetes.io/instance",
        monitorName,
        "app.kubernetes.io/managed-by",
        "one-scaphandre-operator");
  }

  /**
   * Pods of the agent DaemonSet: selected by name and instance (a pod template may not carry
   * managed-by).
   */
  public static Map<String, String> podLabels(String monitorName) {
    return Map.of(
        "app.kubernetes.io/name",
        "one-scaphandre-agent",
        "app.kubernetes.io/instance",
        monitorName);
  }

  public static List<GenericKubernetesResource> list(
      String apiVersionAndKind, String namespace, String monitorName) {
    String[] parts = apiVersionAndKind.split(":");
    return E2e.client()
        .genericKubernetesResources(parts[0], parts[1])
        .inNamespace(namespace)
        .withLabels(labels(monitorName))
        .list()
        .getItems();
  }

  @SuppressWarnings("unchecked")
  public static <T> T at(GenericKubernetesResource resource, String... path) {
    Object current = resource.getAdditionalProperties();
    for (String key : path) {
      if (current instanceof Map<?, ?> map) {
        current = map.get(key);
      } else if (current instanceof List<?> list && key.matches("\\d+")) {
        int index = Integer.parseInt(key);
        current = index < list.size() ? list.get(index) : null;
      } else {
        return null;
      }
    }
    return (T) current;
  }
}
