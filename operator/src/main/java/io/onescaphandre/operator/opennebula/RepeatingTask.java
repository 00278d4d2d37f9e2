package io.onescaphandre.operator.opennebula;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task now, then again and again after the delay {@code nextDelay} gives once the task ended
 * (so a refresh can change its own interval), on a daemon thread of its own, until closed. A task
 * that throws is logged and runs again at the next turn: a bug must not end the refreshes.
 */
final class RepeatingTask implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RepeatingTask.class);

  private final String name;
  private final Runnable task;
  private final Supplier<Duration> nextDelay;
  private final Object lock = new Object();
  private ScheduledExecutorService scheduler;

  RepeatingTask(String name, Runnable task, Supplier<Duration> nextDelay) {
    this.name = name;
    this.task = task;
    this.nextDelay = nextDelay;
  }

  void start() {
    synchronized (lock) {
      if (scheduler != null) {
        throw new IllegalStateException("already started");
      }
      scheduler =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, name);
                thread.setDaemon(true);
                return thread;
              });
      scheduler.schedule(this::runAndReschedule, 0, TimeUnit.MILLISECONDS);
    }
  }

  private void runAndReschedule() {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.error("{} failed", name, e);
    }
    synchronized (lock) {
      if (scheduler != null && !scheduler.isShutdown()) {
        scheduler.schedule(
            this::runAndReschedule, nextDelay.get().toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Stops; waits up to 5 s for a run under way, so that nothing runs after this returns. */
  @Override
  public void close() {
    ScheduledExecutorService stopping;
    synchronized (lock) {
      stopping = scheduler;
      scheduler = null;
    }
    if (stopping != null) {
      stopping.shutdownNow();
      try {
        stopping.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
