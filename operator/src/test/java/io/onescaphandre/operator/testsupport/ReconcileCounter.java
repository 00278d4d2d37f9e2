package io.onescaphandre.operator.testsupport;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** JOSDK metrics that count finished reconciles and time them, for tests and benchmarks. */
public final class ReconcileCounter implements Metrics {
  private final AtomicLong finished = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong lastDurationNanos = new AtomicLong();
  private final ThreadLocal<Long> startedAt = new ThreadLocal<>();
  private final List<Long> durationsNanos = new CopyOnWriteArrayList<>();

  @Override
  public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    startedAt.set(System.nanoTime());
  }

  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    Long start = startedAt.get();
    if (start != null) {
      long took = System.nanoTime() - start;
      lastDurationNanos.set(took);
      durationsNanos.add(took);
    }
    finished.incrementAndGet();
  }

  @Override
  public void failedReconciliation(
      HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    failed.incrementAndGet();
  }

  public long finished() {
    return finished.get();
  }

  public long failed() {
    return failed.get();
  }

  /** The duration of every finished reconcile, in order. */
  public List<Long> durationsNanos() {
    return List.copyOf(durationsNanos);
  }

  public long lastDurationNanos() {
    return lastDurationNanos.get();
  }
}
