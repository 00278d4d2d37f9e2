package io.onescaphandre.operator.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.onescaphandre.operator.api.Condition;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.ScaphandreMonitorStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Emits a Kubernetes Event when a condition changes status or reason, never in steady state. */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private final KubernetesClient client;

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  /**
   * @return how many events were emitted
   */
  public int recordTransitions(
      ScaphandreMonitor monitor,
      ScaphandreMonitorStatus before,
      ScaphandreMonitorStatus after,
      Instant now) {
    int emitted = 0;
    for (Condition c : after.getConditions()) {
      Optional<Condition> old = Optional.ofNullable(before).flatMap(b -> b.condition(c.getType()));
      boolean changed =
          old.isEmpty()
              || !Objects.equals(old.get().getStatus(), c.getStatus())
              || !Objects.equals(old.get().getReason(), c.getReason());
      if (changed) {
        emit(monitor, c, now);
        emitted++;
      }
    }
    return emitted;
  }

  static boolean isWarning(Condition c) {
    return (Condition.DEGRADED.equals(c.getType()) && c.isTrue())
        || (Condition.READY.equals(c.getType()) && !c.isTrue());
  }

  private void emit(ScaphandreMonitor monitor, Condition c, Instant now) {
    String ns = monitor.getMetadata().getNamespace();
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(
                monitor.getMetadata().getName()
                    + "."
                    + Long.toHexString(now.toEpochMilli())
                    + Long.toHexString(SEQUENCE.incrementAndGet()))
            .withNamespace(ns)
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(monitor.getApiVersion())
                    .withKind(monitor.getKind())
                    .withName(monitor.getMetadata().getName())
                    .withNamespace(ns)
                    .withUid(monitor.getMetadata().getUid())
                    .build())
            .withType(isWarning(c) ? "Warning" : "Normal")
            .withReason(c.getType() + c.getReason())
            .withMessage(c.getType() + "=" + c.getStatus() + ": " + c.getMessage())
            .withFirstTimestamp(time)
            .withLastTimestamp(time)
            .withCount(1)
            .withNewSource()
            .withComponent(MonitorNames.OPERATOR_NAME)
            .endSource()
            .build();
    try {
      client.v1().events().inNamespace(ns).resource(event).create();
    } catch (KubernetesClientException e) {
      // An event is a courtesy: failing to record one must not fail the reconcile.
      LOG.warn(
          "cannot record event for {}/{}: {}", ns, monitor.getMetadata().getName(), e.getMessage());
    }
  }
}
