package io.onescaphandre.agent.sampling;

import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tick of the sampling timer: take a sample, publish it, and tell {@link SamplingHealth} how it
 * went. A sample that throws is counted by reason ({@code opennebula_agent_sample_failures_total})
 * and leaves the last complete sample published; the timer goes on. Every complete sample also goes
 * to the other exporters (the OpenNebula probes' feed), after the metrics.
 */
public final class SampleLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SampleLoop.class);

  private final Supplier<Snapshot> sampler;
  private final SampleSink publisher;
  private final SamplingHealth health;
  private final LongSupplier nanoClock;
  private final BiConsumer<Snapshot, Long> exporters;

  public SampleLoop(
      Supplier<Snapshot> sampler,
      SampleSink publisher,
      SamplingHealth health,
      LongSupplier nanoClock) {
    this(sampler, publisher, health, nanoClock, (snapshot, startNanos) -> {});
  }

  /**
   * @param exporters given each complete sample and the clock reading when it started
   */
  public SampleLoop(
      Supplier<Snapshot> sampler,
      SampleSink publisher,
      SamplingHealth health,
      LongSupplier nanoClock,
      BiConsumer<Snapshot, Long> exporters) {
    this.sampler = sampler;
    this.publisher = publisher;
    this.health = health;
    this.nanoClock = nanoClock;
    this.exporters = exporters;
  }

  @Override
  public void run() {
    long start = nanoClock.getAsLong();
    try {
      Snapshot snapshot = sampler.get();
      publisher.publish(snapshot, nanoClock.getAsLong() - start);
      exporters.accept(snapshot, start);
      health.succeeded(snapshot.sequence() >= 2);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // A scheduled task that throws is never run again: nothing may escape but a fatal error.
      health.failed();
      publisher.sampleFailed(e.getClass().getSimpleName());
      LOG.warn("sample failed ({} in a row): {}", health.consecutiveFailures(), e.toString(), e);
    }
  }
}
