package io.onescaphandre.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.util.Map;

/**
 * The BMC address of each node, as {@code <node name>=<address>} lines the agents read (their
 * {@code --redfish.endpoints-file}; each picks its own node's line). A ConfigMap rather than pod
 * arguments: an annotation that changes reaches the agents without restarting them.
 */
@KubernetesDependent(informer = @Informer(labelSelector = MonitorNames.MANAGED_SELECTOR))
public class BmcEndpointsConfigMapDependent extends OwnedDependent<ConfigMap> {
  public static final String DATA_KEY = "endpoints";

  public BmcEndpointsConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  public ConfigMap desiredFrom(ScaphandreMonitor monitor, DesiredInputs inputs) {
    return desiredFor(monitor, inputs.bmc());
  }

  public static ConfigMap desiredFor(ScaphandreMonitor monitor, BmcAccess bmc) {
    StringBuilder lines =
        new StringBuilder("# <node name>=<BMC address>, written by the operator\n");
    bmc.endpoints()
        .forEach((node, address) -> lines.append(node).append('=').append(address).append('\n'));
    return new ConfigMapBuilder()
        .withMetadata(
            MonitorResources.metadata(
                monitor, MonitorResources.bmcEndpointsName(monitor), Map.of()))
        .addToData(DATA_KEY, lines.toString())
        .build();
  }

  /** Kept while the monitor reads Redfish and knows at least one BMC. */
  public static final class Wanted
      implements Condition<ConfigMap, ScaphandreMonitor>, PureCondition {
    @Override
    public boolean isMet(
        DependentResource<ConfigMap, ScaphandreMonitor> dependent,
        ScaphandreMonitor monitor,
        Context<ScaphandreMonitor> context) {
      return holdsFor(monitor, DesiredInputs.from(context));
    }

    @Override
    public boolean holdsFor(ScaphandreMonitor monitor, DesiredInputs inputs) {
      return !inputs.bmc().endpoints().isEmpty();
    }
  }
}
