import io.onescaphandre.demo.LoadFollowingPower;
import io.onescaphandre.demo.RaplSimulator;
import io.onescaphandre.simulation.SimulatedRaplTree;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The moving powercap tree of e2e/agent-cost-benchmark.sh, shared by every agent it runs: the
 * project's simulated tree ({@link SimulatedRaplTree}, one socket, package-0 + dram) in its
 * class-only layout, so that class/powercap alone can be bind-mounted for upstream Scaphandre,
 * advanced every second by the demo's {@link RaplSimulator} (power following this machine's CPU
 * load, as the demo's and e2e's trees). Prints one line when the tree is written; stops when its
 * standard input closes (the benchmark ended, however it ended).
 *
 * <p>usage: {@code java -cp demo/target/one-scaphandre-demo.jar e2e/lib/AgentCostRapl.java SYSFS}
 */
public final class AgentCostRapl {
  public static void main(String[] args) throws Exception {
    Path sysfs = Path.of(args[0]);
    SimulatedRaplTree tree =
        SimulatedRaplTree.server(
            sysfs,
            1,
            SimulatedRaplTree.Layout.CLASS_ONLY,
            SimulatedRaplTree.INTEL_RANGE_UJ,
            SimulatedRaplTree.INTEL_SERVER_DRAM_RANGE_UJ);
    Map<String, LoadFollowingPower.Watts> watts =
        Map.of(
            "intel-rapl:0", new LoadFollowingPower.Watts(38, 145),
            "intel-rapl:0:0", new LoadFollowingPower.Watts(6, 14));
    try (RaplSimulator simulator =
        new RaplSimulator(tree, watts, Path.of("/proc"), Duration.ofSeconds(1))) {
      System.out.println("simulated RAPL tree ready at " + sysfs);
      System.out.flush();
      while (System.in.read() >= 0) {
        // Only the end of the input matters.
      }
      if (simulator.failure() != null) {
        throw simulator.failure();
      }
    }
  }
}
