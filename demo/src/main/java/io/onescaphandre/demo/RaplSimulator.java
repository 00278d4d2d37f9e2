package io.onescaphandre.demo;

import io.onescaphandre.agent.proc.ProcessScanner;
import io.onescaphandre.agent.pseudofs.ProcFileReader;
import io.onescaphandre.simulation.SimulatedRaplTree;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A simulated RAPL tree that moves on its own: a daemon thread advances it every tick with a {@link
 * LoadFollowingPower} of this machine's CPU load, until {@link #close()}. The demo's tree and the
 * end-to-end tests' nodes (e2e's {@code SimulatedRapl}) both run on it, inside their own JVM.
 */
public final class RaplSimulator implements AutoCloseable {
  private final SimulatedRaplTree tree;
  private final LoadFollowingPower power;
  private final ScheduledExecutorService writer;
  private volatile RuntimeException failure;

  /**
   * Starts advancing at once.
   *
   * @param wattsByZone the zones that draw power, by zone id; the others stay still
   * @param procfs where this machine's {@code stat} is read (the CPU load)
   * @param tick how often the counters advance: a reader sampling every second sees at most one
   *     tick's energy too much or too little
   */
  public RaplSimulator(
      SimulatedRaplTree tree,
      Map<String, LoadFollowingPower.Watts> wattsByZone,
      Path procfs,
      Duration tick) {
    this.tree = tree;
    this.power =
        new LoadFollowingPower(
            tree, wattsByZone, new ProcessScanner(procfs, new ProcFileReader()), System.nanoTime());
    this.writer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "simulated-rapl-writer");
              t.setDaemon(true);
              return t;
            });
    long millis = Math.max(1, tick.toMillis());
    writer.scheduleAtFixedRate(this::advance, millis, millis, TimeUnit.MILLISECONDS);
  }

  public SimulatedRaplTree tree() {
    return tree;
  }

  /** The sysfs root to pass as the agent's {@code --path.sysfs}. */
  public Path sysfs() {
    return tree.sysfs();
  }

  /** The power of all zones at the CPU load of the last tick. */
  public double hostWatts() {
    return power.totalWatts();
  }

  /** Why the counters stopped moving (their directory is gone or unwritable), or null. */
  public RuntimeException failure() {
    return failure;
  }

  private void advance() {
    try {
      power.advance(System.nanoTime());
    } catch (RuntimeException e) {
      // The tree's directory is gone (the run is shutting down) or cannot be written: the counters
      // stop, which is what a reader must see, rather than a thread dying silently every tick.
      failure = e;
      writer.shutdown();
    }
  }

  /** Stops the counters; when it returns, no tick is running or will run. */
  @Override
  public void close() {
    writer.shutdownNow();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
