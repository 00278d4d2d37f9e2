package io.onescaphandre.operator.dependent;

import io.fabric8.openshift.api.model.monitoring.v1alpha1.ScrapeConfig;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.ScrapeConfigBuilder;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.StaticConfig;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.StaticConfigBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.onescaphandre.contracts.prometheus.ScrapeTarget;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.hostid.MappedNode;
import java.util.List;
import java.util.Map;

/**
 * The ScrapeConfig: one static group per mapped node, the agent's hostPort on the node's address,
 * labelled with its host id. Needs no node metadata in Prometheus; follows the mapping as it
 * changes.
 */
@KubernetesDependent(informer = @Informer(labelSelector = MonitorNames.MANAGED_SELECTOR))
public class ScrapeConfigDependent extends OwnedDependent<ScrapeConfig> {

  public ScrapeConfigDependent() {
    super(ScrapeConfig.class);
  }

  @Override
  public ScrapeConfig desiredFrom(ScaphandreMonitor monitor, DesiredInputs inputs) {
    return desiredFor(monitor, inputs.mappedNodes());
  }

  public static ScrapeConfig desiredFor(ScaphandreMonitor monitor, List<MappedNode> mappedNodes) {
    int port = monitor.getSpec().getAgent().getPort();
    List<StaticConfig> groups =
        mappedNodes.stream()
            .map(n -> target(n, port))
            .map(
                t ->
                    new StaticConfigBuilder()
                        .withTargets(t.address())
                        .withLabels(t.labels())
                        .build())
            .toList();
    return new ScrapeConfigBuilder()
        .withMetadata(
            MonitorResources.metadata(
                monitor,
                MonitorResources.prometheusObjectName(monitor),
                monitor.getSpec().getPrometheus().getScrapeConfig().getLabels()))
        .withNewSpec()
        .withJobName(MonitorNames.AGENT_APP)
        .withMetricsPath("/metrics")
        .withScrapeInterval(monitor.getSpec().getPrometheus().getInterval())
        .withFallbackScrapeProtocol(ScrapeProtocols.fallbackFor(monitor))
        .withStaticConfigs(groups)
        .withMetricRelabelings(Relabelings.metricRelabelings(monitor))
        .endSpec()
        .build();
  }

  /**
   * One node's agent as a scrape target: its hostPort on the node's address, labelled with the host
   * id and the node name; the same in the ScrapeConfig and the plain job.
   */
  static ScrapeTarget target(MappedNode node, int port) {
    return new ScrapeTarget(node.address(), port, node.hostId(), Map.of("node", node.nodeName()));
  }
}
