package io.onescaphandre.e2e.support;

import io.onescaphandre.demo.LoadFollowingPower;
import io.onescaphandre.demo.RaplSimulator;
import io.onescaphandre.simulation.SimulatedRaplTree;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A powercap RAPL tree with counters that move and wrap, for a machine without RAPL (these build
 * machines have none): the project's one {@link SimulatedRaplTree} in its class-only layout, {@code
 * <sysfs>/class/powercap/intel-rapl:N} (package-N) and {@code intel-rapl:N:0} (dram), so that the
 * tree still resolves when class/powercap alone is bind-mounted, as for upstream Scaphandre;
 * advanced every 200 ms by the demo's {@link RaplSimulator} (package = idle + span x the machine's
 * busy fraction, dram constant).
 */
public final class SimulatedRapl implements AutoCloseable {
  /** 2^32 µJ: a package counter at ~50 W wraps about every 85 s, so every run sees wraps. */
  public static final long MAX_ENERGY_RANGE_UJ = 4_294_967_296L;

  private static final Duration TICK = Duration.ofMillis(200);

  private final RaplSimulator simulator;

  public SimulatedRapl(
      Path sysfs,
      int sockets,
      double idleWattsPerPackage,
      double busySpanWattsPerPackage,
      double dramWatts) {
    SimulatedRaplTree tree =
        SimulatedRaplTree.server(
            sysfs,
            sockets,
            SimulatedRaplTree.Layout.CLASS_ONLY,
            MAX_ENERGY_RANGE_UJ,
            MAX_ENERGY_RANGE_UJ);
    Map<String, LoadFollowingPower.Watts> watts = new LinkedHashMap<>();
    for (int socket = 0; socket < sockets; socket++) {
      String pkg = "intel-rapl:" + Integer.toHexString(socket);
      // Start near the top of the range so that the first wrap comes early in the run.
      tree.setEnergy(pkg, MAX_ENERGY_RANGE_UJ - 30_000_000L * (socket + 1));
      tree.setEnergy(pkg + ":0", 1_000_000L * socket);
      watts.put(
          pkg,
          new LoadFollowingPower.Watts(
              idleWattsPerPackage, idleWattsPerPackage + busySpanWattsPerPackage));
      watts.put(pkg + ":0", new LoadFollowingPower.Watts(dramWatts, dramWatts));
    }
    simulator = new RaplSimulator(tree, watts, Path.of("/proc"), TICK);
  }

  /** The sysfs root to pass as the agent's --path.sysfs. */
  public Path sysfs() {
    return simulator.sysfs();
  }

  public Path powercap() {
    return simulator.sysfs().resolve("class/powercap");
  }

  /** The host power the tree currently simulates: all packages and dram zones. */
  public double hostWatts() {
    return simulator.hostWatts();
  }

  @Override
  public void close() {
    simulator.close();
  }
}
