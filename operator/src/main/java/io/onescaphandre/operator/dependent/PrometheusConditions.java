package io.onescaphandre.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.onescaphandre.operator.api.PrometheusSpec;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.util.function.Function;

/**
 * Workflow conditions of the Prometheus objects. Activation: the CRD exists (otherwise the object
 * is neither reconciled nor deleted and no informer is started). Reconcile precondition: the
 * monitor enables the object (otherwise an existing one is deleted).
 */
public final class PrometheusConditions {
  private PrometheusConditions() {}

  abstract static class CrdPresent implements Condition<HasMetadata, ScaphandreMonitor> {
    private final String crdName;

    CrdPresent(String crdName) {
      this.crdName = crdName;
    }

    @Override
    public boolean isMet(
        DependentResource<HasMetadata, ScaphandreMonitor> dependent,
        ScaphandreMonitor primary,
        Context<ScaphandreMonitor> context) {
      return PrometheusOperatorCrds.from(context).present(context.getClient(), crdName);
    }
  }

  /** Whether the monitor enables the object; {@code render} asks it too. */
  public abstract static class Enabled
      implements Condition<HasMetadata, ScaphandreMonitor>, PureCondition {
    private final Function<PrometheusSpec, PrometheusSpec.ObjectSpec> object;

    Enabled(Function<PrometheusSpec, PrometheusSpec.ObjectSpec> object) {
      this.object = object;
    }

    @Override
    public boolean isMet(
        DependentResource<HasMetadata, ScaphandreMonitor> dependent,
        ScaphandreMonitor primary,
        Context<ScaphandreMonitor> context) {
      return enabledFor(primary);
    }

    public boolean enabledFor(ScaphandreMonitor monitor) {
      return object.apply(monitor.getSpec().getPrometheus()).isOn();
    }

    @Override
    public boolean holdsFor(ScaphandreMonitor monitor, DesiredInputs inputs) {
      return enabledFor(monitor);
    }
  }

  public static class PodMonitorCrdPresent extends CrdPresent {
    public PodMonitorCrdPresent() {
      super(PrometheusOperatorCrds.POD_MONITORS);
    }
  }

  public static class ScrapeConfigCrdPresent extends CrdPresent {
    public ScrapeConfigCrdPresent() {
      super(PrometheusOperatorCrds.SCRAPE_CONFIGS);
    }
  }

  public static class PrometheusRuleCrdPresent extends CrdPresent {
    public PrometheusRuleCrdPresent() {
      super(PrometheusOperatorCrds.PROMETHEUS_RULES);
    }
  }

  public static class PodMonitorEnabled extends Enabled {
    public PodMonitorEnabled() {
      super(PrometheusSpec::getPodMonitor);
    }
  }

  public static class ScrapeConfigEnabled extends Enabled {
    public ScrapeConfigEnabled() {
      super(PrometheusSpec::getScrapeConfig);
    }
  }

  public static class RulesEnabled extends Enabled {
    public RulesEnabled() {
      super(PrometheusSpec::getRules);
    }
  }

  public static class PlainConfigEnabled extends Enabled {
    public PlainConfigEnabled() {
      super(PrometheusSpec::getPlainConfig);
    }
  }
}
