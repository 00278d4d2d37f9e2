package io.onescaphandre.operator.reconciler;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.readiness.Readiness;
import io.onescaphandre.contracts.init.InitReport;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.hostid.AgentReport;
import java.util.List;
import java.util.Optional;

/**
 * What the operator keeps of an agent pod, and which pod changes concern it: the node it runs on,
 * its Ready condition and the report its init container left (docs/interfaces.md). A pod is 5 to 10
 * KB; this is a few hundred bytes. During a rollout most pod updates (scheduled, container created,
 * image pulled) change none of these and cause no reconcile.
 */
final class CachedAgentPods {
  private static final String READY = "Ready";

  private CachedAgentPods() {}

  static Pod prune(Pod pod) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(pod.getMetadata().getName())
        .withNamespace(pod.getMetadata().getNamespace())
        .withUid(pod.getMetadata().getUid())
        .withResourceVersion(pod.getMetadata().getResourceVersion())
        .withCreationTimestamp(pod.getMetadata().getCreationTimestamp())
        .withDeletionTimestamp(pod.getMetadata().getDeletionTimestamp())
        .withLabels(pod.getMetadata().getLabels())
        .endMetadata()
        .withNewSpec()
        .withNodeName(pod.getSpec() == null ? null : pod.getSpec().getNodeName())
        .endSpec()
        .withNewStatus()
        .withConditions(readyCondition(pod).map(List::of).orElse(null))
        .withInitContainerStatuses(initStatus(pod).map(List::of).orElse(null))
        .endStatus()
        .build();
  }

  /** True when the change can change the status, the hypervisorFiles host ids or the targets. */
  static boolean concernsMonitors(Pod before, Pod after) {
    return !Facts.of(before).equals(Facts.of(after));
  }

  private static Optional<PodCondition> readyCondition(Pod pod) {
    return Optional.ofNullable(pod.getStatus()).map(s -> s.getConditions()).stream()
        .flatMap(List::stream)
        .filter(c -> READY.equals(c.getType()))
        .map(c -> new PodConditionBuilder().withType(READY).withStatus(c.getStatus()).build())
        .findFirst();
  }

  /** The init container's state and last state: where its report is (AgentReport.of). */
  private static Optional<ContainerStatus> initStatus(Pod pod) {
    return Optional.ofNullable(pod.getStatus()).map(s -> s.getInitContainerStatuses()).stream()
        .flatMap(List::stream)
        .filter(s -> MonitorNames.INIT_CONTAINER_NAME.equals(s.getName()))
        .map(
            s ->
                new ContainerStatusBuilder()
                    .withName(s.getName())
                    .withState(s.getState())
                    .withLastState(s.getLastState())
                    .build())
        .findFirst();
  }

  /**
   * What a monitor's status and targets read of a pod. Readiness as the status judges it (Fabric8's
   * {@link Readiness#isPodReady}): a Ready condition going from absent to False or Unknown is no
   * change to a monitor.
   */
  private record Facts(
      String nodeName, boolean ready, Optional<InitReport> report, boolean deleting) {
    static Facts of(Pod pod) {
      return new Facts(
          pod.getSpec() == null ? null : pod.getSpec().getNodeName(),
          Readiness.isPodReady(pod),
          AgentReport.of(pod),
          pod.getMetadata().getDeletionTimestamp() != null);
    }
  }
}
