package io.onescaphandre.operator.dependent;

import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRuleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;

/** The PrometheusRule carrying the rule groups of the shipped rules file. */
@KubernetesDependent(informer = @Informer(labelSelector = MonitorNames.MANAGED_SELECTOR))
public class PrometheusRuleDependent extends OwnedDependent<PrometheusRule> {

  public PrometheusRuleDependent() {
    super(PrometheusRule.class);
  }

  @Override
  public PrometheusRule desiredFrom(ScaphandreMonitor monitor, DesiredInputs inputs) {
    return desiredFor(monitor);
  }

  public static PrometheusRule desiredFor(ScaphandreMonitor monitor) {
    return new PrometheusRuleBuilder()
        .withMetadata(
            MonitorResources.metadata(
                monitor,
                MonitorResources.prometheusObjectName(monitor),
                monitor.getSpec().getPrometheus().getRules().getLabels()))
        .withNewSpec()
        .withGroups(RulesFile.shipped().groups())
        .endSpec()
        .build();
  }
}
