package io.onescaphandre.agent.power;

/** A meter that reports power (watts), read once per sample by the sampler thread. */
public interface WattSource extends AutoCloseable {
  PowerSourceName name();

  /** Never throws: faults are states. */
  WattReading read();

  @Override
  default void close() {}
}
