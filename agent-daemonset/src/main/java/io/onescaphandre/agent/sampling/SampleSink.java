package io.onescaphandre.agent.sampling;

/**
 * Where {@link SampleLoop} hands each outcome: the metrics exporter. Declared here, beside the
 * snapshot, so that sampling depends on no exporter and data flows one way (sampling -> metrics).
 */
public interface SampleSink {
  /** One complete sample, and how long taking it took. */
  void publish(Snapshot snapshot, long sampleNanos);

  /** A sample that failed, by reason (the exception's simple name); the last complete one stays. */
  void sampleFailed(String reason);
}
