package io.onescaphandre.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Every process the demo starts: each writes its output to a log file of its own and is stopped,
 * with its descendants, by {@link #close()} (which the demo also runs from a shutdown hook on
 * Ctrl-C). Their standard input is a pipe from this JVM: children that watch it exit if the demo is
 * killed.
 */
public final class ChildProcesses implements AutoCloseable {
  private final Path logDir;
  private final List<Process> processes = new ArrayList<>();
  private boolean closed;

  public ChildProcesses(Path logDir) throws IOException {
    this.logDir = Files.createDirectories(logDir);
  }

  /** Starts a process whose stdout and stderr go to {@code <logDir>/<name>.log}. */
  public synchronized Process start(String name, List<String> command, Map<String, String> env)
      throws IOException {
    if (closed) {
      throw new IllegalStateException("the demo is stopping");
    }
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logFile(name).toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    Files.writeString(
        pidFile(), p.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return p;
  }

  private Path pidFile() {
    return logDir.resolve("children.pids");
  }

  /**
   * Starts a watchdog that kills every child if this JVM dies without running its shutdown hooks
   * (kill -9): a shell loop, itself a child, stopped with the others otherwise.
   */
  public void startWatchdog() throws IOException {
    String script =
        "while [ -d /proc/$DEMO_PARENT ]; do sleep 1; done; "
            + "others=$(grep -vx $$ \"$DEMO_PIDS\"); kill $others 2>/dev/null; sleep 3; kill -9 $others 2>/dev/null";
    start(
        "watchdog",
        List.of("bash", "-c", script),
        Map.of(
            "DEMO_PARENT", Long.toString(ProcessHandle.current().pid()),
            "DEMO_PIDS", pidFile().toString()));
  }

  public Path logFile(String name) {
    return logDir.resolve(name + ".log");
  }

  /** Runs a process to its end within the timeout; returns its exit code. */
  public int run(String name, List<String> command, long timeoutSeconds)
      throws IOException, InterruptedException {
    Process p = start(name, command, Map.of());
    p.getOutputStream().close();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      destroy(p);
      throw new IOException(
          name + " did not finish within " + timeoutSeconds + " s; see " + logFile(name));
    }
    synchronized (this) {
      processes.remove(p);
    }
    return p.exitValue();
  }

  /** Pids of the running children (not their descendants). */
  public synchronized List<Long> pids() {
    return processes.stream().filter(Process::isAlive).map(Process::pid).toList();
  }

  @Override
  public void close() {
    List<Process> toStop;
    synchronized (this) {
      closed = true;
      toStop = new ArrayList<>(processes);
      processes.clear();
    }
    toStop.forEach(ChildProcesses::terminate);
    toStop.forEach(ChildProcesses::destroy);
  }

  private static void terminate(Process p) {
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
  }

  /** Waits a little for SIGTERM to work, then kills what is left. */
  private static void destroy(Process p) {
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    p.descendants().forEach(ProcessHandle::destroyForcibly);
  }
}
