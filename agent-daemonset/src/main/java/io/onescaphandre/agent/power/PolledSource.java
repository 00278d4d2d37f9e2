package io.onescaphandre.agent.power;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a slow meter (a BMC over IPMI or Redfish: tens of milliseconds to seconds, and a BMC
 * refreshes its value every second at best) on its own thread and period, so the sampler never
 * waits on the network. The sampler gets the last reading; one older than three periods is {@code
 * stale}, never silently reused.
 */
public final class PolledSource implements WattSource {
  private static final Logger LOG = LoggerFactory.getLogger(PolledSource.class);

  private final WattSource delegate;
  private final long periodNanos;
  private final LongSupplier clock;
  private final ScheduledExecutorService thread;
  private volatile Polled last;
  private SourceState loggedState;

  private record Polled(WattReading reading, long atNanos) {}

  public PolledSource(WattSource delegate, Duration period) {
    this(delegate, period, System::nanoTime);
  }

  PolledSource(WattSource delegate, Duration period, LongSupplier clock) {
    this.delegate = delegate;
    this.periodNanos = period.toNanos();
    this.clock = clock;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "power-" + delegate.name().label());
              t.setDaemon(true);
              return t;
            });
    thread.scheduleWithFixedDelay(this::poll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  void poll() {
    try {
      WattReading reading = delegate.read();
      last = new Polled(reading, clock.getAsLong());
      if (reading.state() != loggedState) {
        if (reading.usable()) {
          LOG.info("{} power readable: {} W", delegate.name().label(), reading.watts());
        } else {
          LOG.warn(
              "{} power {}: {}",
              delegate.name().label(),
              reading.state().label(),
              reading.message());
        }
        loggedState = reading.state();
      }
    } catch (RuntimeException e) {
      LOG.warn("{} poll failed", delegate.name().label(), e);
    }
  }

  @Override
  public PowerSourceName name() {
    return delegate.name();
  }

  @Override
  public WattReading read() {
    Polled polled = last;
    if (polled == null) {
      return WattReading.failed(SourceState.STALE, "no reading yet");
    }
    if (clock.getAsLong() - polled.atNanos() > 3 * periodNanos) {
      return WattReading.failed(SourceState.STALE, "last reading older than three polls");
    }
    return polled.reading();
  }

  @Override
  public void close() {
    thread.shutdownNow();
    delegate.close();
  }
}
