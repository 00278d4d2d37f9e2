package io.onescaphandre.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.onescaphandre.contracts.prometheus.PlainPrometheusJob;
import io.onescaphandre.contracts.prometheus.ScrapeTarget;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.hostid.MappedNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ConfigMap holding the scrape job as a plain Prometheus scrape_configs entry (what the original
 * generate_conf.sh printed), for Prometheus servers the Prometheus Operator does not manage.
 */
@KubernetesDependent(informer = @Informer(labelSelector = MonitorNames.MANAGED_SELECTOR))
public class PlainJobConfigMapDependent extends OwnedDependent<ConfigMap> {
  public static final String DATA_KEY = "prometheus-job.yaml";

  /** The agents' job label everywhere the operator writes a scrape job (the alerts select it). */
  public static final String JOB_NAME = MonitorNames.AGENT_APP;

  public PlainJobConfigMapDependent() {
    super(ConfigMap.class);
  }

  /**
   * The job last rendered for each monitor, by what it was rendered from. Writing thousands of
   * targets as YAML was most of a reconcile's CPU at 1,000 nodes (flight recording of the scale
   * benchmark), and the targets rarely change between two reconciles.
   */
  private final Map<String, RenderedJob> rendered =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RenderedJob> eldest) {
              return size() > MAX_REMEMBERED_JOBS;
            }
          });

  private static final int MAX_REMEMBERED_JOBS = 64;

  /** What jobYaml reads, and what it wrote. */
  private record RenderedJob(int port, String interval, List<MappedNode> nodes, String yaml) {
    boolean renders(ScaphandreMonitor monitor, List<MappedNode> mappedNodes) {
      return port == monitor.getSpec().getAgent().getPort()
          && java.util.Objects.equals(interval, monitor.getSpec().getPrometheus().getInterval())
          && nodes.equals(mappedNodes);
    }
  }

  @Override
  public ConfigMap desiredFrom(ScaphandreMonitor monitor, DesiredInputs inputs) {
    String key = monitor.getMetadata().getNamespace() + "/" + monitor.getMetadata().getName();
    RenderedJob last = rendered.get(key);
    if (last == null || !last.renders(monitor, inputs.mappedNodes())) {
      last =
          new RenderedJob(
              monitor.getSpec().getAgent().getPort(),
              monitor.getSpec().getPrometheus().getInterval(),
              inputs.mappedNodes(),
              jobYaml(monitor, inputs.mappedNodes()));
      rendered.put(key, last);
    }
    return configMap(monitor, last.yaml());
  }

  public static ConfigMap desiredFor(ScaphandreMonitor monitor, List<MappedNode> mappedNodes) {
    return configMap(monitor, jobYaml(monitor, mappedNodes));
  }

  private static ConfigMap configMap(ScaphandreMonitor monitor, String jobYaml) {
    return new ConfigMapBuilder()
        .withMetadata(
            MonitorResources.metadata(
                monitor,
                MonitorResources.plainJobConfigMapName(monitor),
                monitor.getSpec().getPrometheus().getPlainConfig().getLabels()))
        .addToData(DATA_KEY, jobYaml)
        .build();
  }

  /** A YAML list holding one job, ready to paste under scrape_configs. */
  public static String jobYaml(ScaphandreMonitor monitor, List<MappedNode> mappedNodes) {
    int port = monitor.getSpec().getAgent().getPort();
    List<ScrapeTarget> targets =
        mappedNodes.stream().map(n -> ScrapeConfigDependent.target(n, port)).toList();
    return new PlainPrometheusJob(
            JOB_NAME, monitor.getSpec().getPrometheus().getInterval(), "/metrics", targets)
        .yaml();
  }
}
