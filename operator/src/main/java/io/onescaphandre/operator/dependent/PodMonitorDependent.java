package io.onescaphandre.operator.dependent;

import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitorBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;

/**
 * The PodMonitor: Prometheus discovers the agent pods and, with the node's metadata attached,
 * copies the node's host-id label onto every series. Needs Prometheus to list and watch Nodes.
 */
@KubernetesDependent(informer = @Informer(labelSelector = MonitorNames.MANAGED_SELECTOR))
public class PodMonitorDependent extends OwnedDependent<PodMonitor> {

  public PodMonitorDependent() {
    super(PodMonitor.class);
  }

  @Override
  public PodMonitor desiredFrom(ScaphandreMonitor monitor, DesiredInputs inputs) {
    return desiredFor(monitor);
  }

  public static PodMonitor desiredFor(ScaphandreMonitor monitor) {
    return new PodMonitorBuilder()
        .withMetadata(
            MonitorResources.metadata(
                monitor,
                MonitorResources.prometheusObjectName(monitor),
                monitor.getSpec().getPrometheus().getPodMonitor().getLabels()))
        .withNewSpec()
        // job = the pods' app.kubernetes.io/name, one-scaphandre-agent: what the alerts select.
        .withJobLabel(MonitorNames.NAME_LABEL)
        .withNewSelector()
        .withMatchLabels(MonitorResources.selectorLabels(monitor))
        .endSelector()
        .withNewAttachMetadata()
        .withNode(true)
        .endAttachMetadata()
        .withFallbackScrapeProtocol(ScrapeProtocols.fallbackFor(monitor))
        .addNewPodMetricsEndpoint()
        .withPort(MonitorNames.METRICS_PORT_NAME)
        .withPath("/metrics")
        .withInterval(monitor.getSpec().getPrometheus().getInterval())
        .withRelabelings(Relabelings.podTargetRelabelings())
        .withMetricRelabelings(Relabelings.metricRelabelings(monitor))
        .endPodMetricsEndpoint()
        .endSpec()
        .build();
  }
}
