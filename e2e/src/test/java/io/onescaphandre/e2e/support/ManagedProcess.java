package io.onescaphandre.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process the harness started (operator, agent, Prometheus, QEMU guest...), its output in a log
 * file. Closing it stops it and its descendants, politely first; every process still running when
 * the test JVM exits is stopped by a shutdown hook, so no run leaves processes behind.
 */
public final class ManagedProcess implements AutoCloseable {
  private static final List<ManagedProcess> RUNNING =
      Collections.synchronizedList(new ArrayList<>());

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(ManagedProcess::stopAll, "e2e-process-cleanup"));
  }

  private final String name;
  private final Process process;
  private final Path log;

  private ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  public static ManagedProcess start(String name, List<String> command, Map<String, String> env) {
    Path log = E2e.work("logs").resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    try {
      ManagedProcess started = new ManagedProcess(name, builder.start(), log);
      RUNNING.add(started);
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** The last lines of the log, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Resident memory in KiB of the process and its descendants, from /proc/PID/status. */
  public long rssKib() {
    long total = ProcStat.rssKib(process.pid());
    for (ProcessHandle child : process.descendants().toList()) {
      total += ProcStat.rssKib(child.pid());
    }
    return total;
  }

  /** CPU seconds used so far (user + system) by the process and its live descendants. */
  public double cpuSeconds() {
    double total = ProcStat.cpuSeconds(process.pid());
    for (ProcessHandle child : process.descendants().toList()) {
      total += ProcStat.cpuSeconds(child.pid());
    }
    return total;
  }

  @Override
  public void close() {
    RUNNING.remove(this);
    stop(Duration.ofSeconds(10));
  }

  private void stop(Duration grace) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    descendants.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static void stopAll() {
    List<ManagedProcess> snapshot;
    synchronized (RUNNING) {
      snapshot = new ArrayList<>(RUNNING);
      RUNNING.clear();
    }
    Collections.reverse(snapshot);
    snapshot.forEach(p -> p.stop(Duration.ofSeconds(3)));
  }
}
