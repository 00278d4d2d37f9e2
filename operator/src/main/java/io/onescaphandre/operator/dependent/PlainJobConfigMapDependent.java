package io.onescaphandre.operator.dependent;

import io.onescaphandre.contracts.prometheus.ScrapeTarget;
import io.onescaphandre.contracts.prometheus.PlainPrometheusJob;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.hostid.MappedNode;
import java.util.List;

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

  @Override
  protected ConfigMap desired(ScaphandreMonitor monitor, Context<ScaphandreMonitor> context) {
    return desiredFor(monitor, DesiredInputs.from(context).mappedNodes());
  }

  public static ConfigMap desiredFor(ScaphandreMonitor monitor, List<MappedNode> mappedNodes) {
    return new ConfigMapBuilder()
        .withMetadata(MonitorResources.metadata(monitor, MonitorResources.plainJobConfigMapName(monitor),
            monitor.getSpec().getPrometheus().getPlainConfig().getLabels()))
        .addToData(DATA_KEY, jobYaml(monitor, mappedNodes))
        .build();
  }

  /** A YAML list holding one job, ready to paste under scrape_configs. */
  public static String jobYaml(ScaphandreMonitor monitor, List<MappedNode> mappedNodes) {
    int port = monitor.getSpec().getAgent().getPort();
    List<ScrapeTarget> targets = mappedNodes.stream().map(n -> ScrapeConfigDependent.target(n, port)).toList();
    return new PlainPrometheusJob(JOB_NAME, monitor.getSpec().getPrometheus().getInterval(), "/metrics", targets)
        .yaml();
  }
}
