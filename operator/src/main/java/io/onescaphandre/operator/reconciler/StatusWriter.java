package io.onescaphandre.operator.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.ScaphandreMonitorStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a monitor's status: only when it differs from what the cluster has (or from what this
 * operator last wrote, when the cache has not seen that write yet), and at most once per {@link
 * #MIN_INTERVAL} per monitor, so a rollout of thousands of agents is a handful of writes, not one
 * per pod event. A new spec generation is answered at once.
 *
 * <p>With server-side apply the patch is a fresh object holding only the status, without a
 * resourceVersion: the operator owns those fields and forces them, so a status write never fails on
 * a concurrent change of the monitor (JOSDK's patchStatus sends the reconciled object's
 * resourceVersion, which is stale as soon as anything else touched the monitor: 409s). The
 * monitor's uid is sent as a precondition, so a stale status never lands on a monitor recreated
 * under the same name.
 */
final class StatusWriter {
  /** Shortest time between two status writes of one monitor. */
  static final Duration MIN_INTERVAL = Duration.ofSeconds(5);

  private final Clock clock;
  private final boolean serverSideApply;
  private final Duration minInterval;
  private final Map<ResourceID, Written> written = new ConcurrentHashMap<>();

  /** What was written last, and the resourceVersions of the monitor before and after. */
  record Written(
      Instant at, ScaphandreMonitorStatus status, String versionBefore, String versionAfter) {}

  /** What to do with a newly derived status. */
  sealed interface Decision {
    /** The cluster has it already (or this operator just wrote it). */
    record Unchanged() implements Decision {}

    record WriteNow() implements Decision {}

    /** Changed, but the last write is too recent: reconcile again after {@code delay}. */
    record WriteLater(Duration delay) implements Decision {}
  }

  StatusWriter(Clock clock, boolean serverSideApply, Duration minInterval) {
    this.clock = clock;
    this.serverSideApply = serverSideApply;
    this.minInterval = minInterval;
  }

  /**
   * The decision as a pure function of the monitor as cached, the last write, the new status and
   * now.
   */
  static Decision decide(
      ScaphandreMonitor cached,
      Written last,
      ScaphandreMonitorStatus next,
      Instant now,
      Duration minInterval) {
    ScaphandreMonitorStatus current = cached.getStatus();
    if (last != null
        && Objects.equals(cached.getMetadata().getResourceVersion(), last.versionBefore())) {
      // The cache has not seen our last write yet: the cluster has what we wrote.
      current = last.status();
    }
    if (next.equals(current)) {
      return new Decision.Unchanged();
    }
    if (last == null
        || current == null
        || !Objects.equals(next.getObservedGeneration(), current.getObservedGeneration())) {
      return new Decision.WriteNow();
    }
    Instant allowed = last.at().plus(minInterval);
    return now.isBefore(allowed)
        ? new Decision.WriteLater(Duration.between(now, allowed))
        : new Decision.WriteNow();
  }

  /**
   * Writes {@code next} if {@link #decide} says so now.
   *
   * @param onWrite called with (previous, next) once written (the Events of transitions)
   * @return when to reconcile again to write a deferred status; empty when nothing is pending
   */
  Optional<Duration> write(
      ScaphandreMonitor monitor,
      ScaphandreMonitorStatus next,
      Context<ScaphandreMonitor> context,
      java.util.function.BiConsumer<ScaphandreMonitorStatus, ScaphandreMonitorStatus> onWrite) {
    ResourceID id = ResourceID.fromResource(monitor);
    Instant now = clock.instant();
    Decision decision = decide(monitor, written.get(id), next, now, minInterval);
    if (decision instanceof Decision.WriteLater later) {
      return Optional.of(later.delay());
    }
    if (decision instanceof Decision.Unchanged) {
      return Optional.empty();
    }
    ScaphandreMonitor updated =
        serverSideApply ? applyStatus(monitor, next, context) : editStatus(monitor, next, context);
    // The interval counts from when the write was done, not from when it was decided: the spacing
    // the
    // watchers of monitors see is never shorter.
    written.put(
        id,
        new Written(
            clock.instant(),
            next,
            monitor.getMetadata().getResourceVersion(),
            updated.getMetadata().getResourceVersion()));
    // The next reconcile sees this write even before the informer does.
    context
        .eventSourceRetriever()
        .getControllerEventSource()
        .handleRecentResourceUpdate(id, updated, monitor);
    onWrite.accept(monitor.getStatus(), next);
    return Optional.empty();
  }

  /** The monitor is gone. */
  void forget(ScaphandreMonitor monitor) {
    written.remove(ResourceID.fromResource(monitor));
  }

  private static ScaphandreMonitor applyStatus(
      ScaphandreMonitor monitor, ScaphandreMonitorStatus next, Context<ScaphandreMonitor> context) {
    ScaphandreMonitor patch = new ScaphandreMonitor();
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(monitor.getMetadata().getName())
            .withNamespace(monitor.getMetadata().getNamespace())
            .withUid(monitor.getMetadata().getUid())
            .build());
    patch.setStatus(next);
    return context
        .getClient()
        .resource(patch)
        .subresource("status")
        .patch(
            new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY)
                .withFieldManager(context.getControllerConfiguration().fieldManager())
                .withForce(true)
                .build());
  }

  /**
   * Without server-side apply (the Fabric8 mock server): read, replace the status, patch the
   * difference.
   */
  private static ScaphandreMonitor editStatus(
      ScaphandreMonitor monitor, ScaphandreMonitorStatus next, Context<ScaphandreMonitor> context) {
    return context
        .getClient()
        .resources(ScaphandreMonitor.class)
        .inNamespace(monitor.getMetadata().getNamespace())
        .withName(monitor.getMetadata().getName())
        .editStatus(
            m -> {
              m.setStatus(next);
              return m;
            });
  }
}
