package io.onescaphandre.agent.sim;

import io.onescaphandre.agent.proc.ProcessScanner;
import io.onescaphandre.agent.pseudofs.ProcFileReader;
import io.onescaphandre.contracts.duration.DurationConverter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code simulate-rapl} (hidden): for machines without RAPL, such as the operator's demo on a
 * laptop VM or CI. Writes a one-socket server powercap tree (package-0 with a dram subzone) under
 * {@code --path.sysfs} and advances its counters with a power that follows this machine's real CPU
 * load from {@code /proc/stat}: {@code idle + (busy - idle) * busy fraction}. The package counter
 * starts just below its wrap point so that the agent's wrap handling is exercised at once. Stops
 * when its standard input closes (its parent died) or when killed.
 */
@Command(
    name = "simulate-rapl",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "Write a simulated RAPL tree whose power follows this machine's CPU load.")
public final class SimulateRaplCommand implements Callable<Integer> {
  static final String PACKAGE = "intel-rapl:0";
  static final String DRAM = "intel-rapl:0:0";

  @Option(
      names = "--path.sysfs",
      required = true,
      description = "directory to write the simulated sysfs in")
  Path sysfs;

  @Option(
      names = "--path.procfs",
      defaultValue = "/proc",
      description = "procfs for the CPU load (default ${DEFAULT-VALUE})")
  Path procfs;

  // Short: a reader sampling every second sees at most one interval's energy too much or too
  // little.
  @Option(
      names = "--interval",
      defaultValue = "50ms",
      converter = DurationConverter.class,
      description = "how often the counters advance (default ${DEFAULT-VALUE})")
  Duration interval;

  @Option(
      names = "--package-idle-watts",
      defaultValue = "38",
      description = "package power at 0% CPU (default ${DEFAULT-VALUE})")
  double packageIdle;

  @Option(
      names = "--package-busy-watts",
      defaultValue = "145",
      description = "package power at 100% CPU (default ${DEFAULT-VALUE})")
  double packageBusy;

  @Option(
      names = "--dram-idle-watts",
      defaultValue = "6",
      description = "dram power at 0% CPU (default ${DEFAULT-VALUE})")
  double dramIdle;

  @Option(
      names = "--dram-busy-watts",
      defaultValue = "14",
      description = "dram power at 100% CPU (default ${DEFAULT-VALUE})")
  double dramBusy;

  @Option(
      names = "--wrap-after",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description =
          "start the package counter this long (at idle power) before its wrap point (default ${DEFAULT-VALUE})")
  Duration wrapAfter;

  @Option(
      names = "--watch-stdin",
      defaultValue = "true",
      negatable = true,
      fallbackValue = "true",
      description = "exit when standard input reaches end of file (default ${DEFAULT-VALUE})")
  boolean watchStdin;

  @Override
  public Integer call() throws Exception {
    SimulatedRaplTree tree = SimulatedRaplTree.server(sysfs, 1);
    long headroom = Math.round(packageIdle * wrapAfter.toNanos() / 1e9 * 1e6);
    tree.setEnergy(PACKAGE, Math.max(0, SimulatedRaplTree.INTEL_RANGE_UJ - headroom));
    Files.writeString(
        sysfs.resolve("SIMULATED"),
        "This RAPL tree is simulated by one-scaphandre-agent"
            + " simulate-rapl: its power follows the CPU load of "
            + procfs
            + ", not a power meter.\n");
    if (watchStdin) {
      Thread watcher = new Thread(() -> exitAtEndOfInput(System.in), "stdin-watch");
      watcher.setDaemon(true);
      watcher.start();
    }
    LoadFollowingPower follower =
        new LoadFollowingPower(
            tree,
            Map.of(
                PACKAGE, new LoadFollowingPower.Watts(packageIdle, packageBusy),
                DRAM, new LoadFollowingPower.Watts(dramIdle, dramBusy)),
            new ProcessScanner(procfs, new ProcFileReader()),
            System.nanoTime());
    System.out.println("simulated RAPL tree ready at " + sysfs);
    System.out.flush();
    long next = System.nanoTime();
    while (!Thread.currentThread().isInterrupted()) {
      next += interval.toNanos();
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      }
      follower.advance(System.nanoTime());
    }
    return 0;
  }

  private static void exitAtEndOfInput(InputStream in) {
    byte[] buf = new byte[256];
    try {
      while (in.read(buf) >= 0) {
        // Only the end matters.
      }
    } catch (IOException e) {
      // A broken pipe means the same as an end of file: nobody is there any more.
    }
    System.exit(0);
  }
}
