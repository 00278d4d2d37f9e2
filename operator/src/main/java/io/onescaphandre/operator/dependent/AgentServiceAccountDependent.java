package io.onescaphandre.operator.dependent;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.util.Map;

/** The agents' own identity, so they never run as the namespace's default ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = MonitorNames.MANAGED_SELECTOR))
public class AgentServiceAccountDependent extends OwnedDependent<ServiceAccount> {

  public AgentServiceAccountDependent() {
    super(ServiceAccount.class);
  }

  @Override
  public ServiceAccount desiredFrom(ScaphandreMonitor monitor, DesiredInputs inputs) {
    return desiredFor(monitor);
  }

  public static ServiceAccount desiredFor(ScaphandreMonitor monitor) {
    return new ServiceAccountBuilder()
        .withMetadata(
            MonitorResources.metadata(monitor, MonitorResources.agentName(monitor), Map.of()))
        .build();
  }
}
