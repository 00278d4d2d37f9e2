package io.onescaphandre.operator.hostid;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.onescaphandre.contracts.init.InitReport;
import io.onescaphandre.operator.api.MonitorNames;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the operator finds the agent's {@link InitReport}: the termination message of the pod's
 * init container (docs/interfaces.md), since the agent has no API access. The report's JSON itself
 * is the contracts module's.
 */
public final class AgentReport {
  private AgentReport() {}

  /** The report of the pod's init container, from its current or last terminated state. */
  public static Optional<InitReport> of(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getInitContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getInitContainerStatuses().stream()
        .filter(s -> MonitorNames.INIT_CONTAINER_NAME.equals(s.getName()))
        .findFirst()
        .flatMap(AgentReport::terminationMessage)
        .flatMap(InitReport::parse);
  }

  private static Optional<String> terminationMessage(ContainerStatus status) {
    return Stream.of(status.getState(), status.getLastState())
        .filter(Objects::nonNull)
        .map(ContainerState::getTerminated)
        .filter(Objects::nonNull)
        .map(t -> t.getMessage())
        .filter(m -> m != null && !m.isBlank())
        .findFirst();
  }
}
