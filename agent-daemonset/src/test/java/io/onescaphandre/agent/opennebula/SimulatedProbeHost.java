package io.onescaphandre.agent.opennebula;

import io.onescaphandre.agent.attribution.BusyCpuPolicy;
import io.onescaphandre.agent.sampling.Sampler;
import io.onescaphandre.agent.sampling.Snapshot;
import io.onescaphandre.simulation.SimulatedHost;
import io.onescaphandre.simulation.SimulatedRaplTree;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated KVM host with two OpenNebula VMs (7 and 12), its RAPL tree, the agent's sampler and a
 * {@link ProbeFeed} fed from it on a manual clock: each {@link #step} adds a known power and load.
 */
final class SimulatedProbeHost {
  final SimulatedHost host;
  final SimulatedRaplTree rapl;
  final ProbeFeed feed;
  final Sampler sampler;
  private final SimulatedHost.Proc vm7;
  private final SimulatedHost.Proc vm12;
  private boolean vm12Running = true;
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final int cpus;
  private final List<Double> intervalWatts = new ArrayList<>();
  private final List<Snapshot> snapshots = new ArrayList<>();

  SimulatedProbeHost(Path root, int cpus) {
    this(root, cpus, true);
  }

  SimulatedProbeHost(Path root, int cpus, boolean withRapl) {
    this.cpus = cpus;
    rapl = withRapl ? SimulatedRaplTree.server(root.resolve("sys"), 1) : null;
    host = new SimulatedHost(root.resolve("proc"), root.resolve("sys"), cpus);
    vm7 =
        host.process(
            1000, "qemu-kvm-one", "/usr/bin/qemu-kvm-one", "-name", "guest=one-7,debug-threads=on");
    vm12 =
        host.process(
            1001,
            "qemu-kvm-one",
            "/usr/bin/qemu-kvm-one",
            "-name",
            "guest=one-12,debug-threads=on");
    sampler =
        new Sampler(host.procfs(), root.resolve("sys"), new BusyCpuPolicy(), clock::get, 5, 20);
    feed =
        new ProbeFeed(host.procfs(), Duration.ofSeconds(2), Instant.ofEpochSecond(1_765_000_000L));
  }

  /**
   * {@code seconds} pass with {@code busy} CPUs busy and {@code idle + perCpu * busy} watts; one
   * sample.
   */
  void step(double seconds, int busy, double idle, double perCpu) {
    if (!snapshots.isEmpty()) {
      clock.addAndGet((long) (seconds * 1e9));
      double watts = idle + perCpu * busy;
      if (rapl != null) {
        rapl.addWatts(seconds, Map.of("intel-rapl:0", watts));
      }
      long busyTicks = Math.round(busy * seconds * 100);
      host.addCpuTicks(busyTicks, Math.round((cpus - busy) * seconds * 100));
      // VM 7 uses half of the busy time, VM 12 a quarter; the rest is the host's own.
      vm7.addTicks(busyTicks / 2);
      if (vm12Running) {
        vm12.addTicks(busyTicks / 4);
      }
      intervalWatts.add(watts);
    }
    Snapshot s = sampler.sample();
    snapshots.add(s);
    feed.accept(s, clock.get());
  }

  /** VM 12 shuts down (or migrates away). */
  void stopVm12() {
    host.exit(1001);
    vm12Running = false;
  }

  long nanos() {
    return clock.get();
  }

  double meanWatts(int lastIntervals) {
    return intervalWatts
        .subList(intervalWatts.size() - lastIntervals, intervalWatts.size())
        .stream()
        .mapToDouble(Double::doubleValue)
        .average()
        .orElseThrow();
  }

  double totalJoules() {
    return snapshots.get(snapshots.size() - 1).hostJoules();
  }

  double vmJoules(String id) {
    return vmJoulesIn(snapshots.get(snapshots.size() - 1), id);
  }

  /**
   * From the agent's own per-interval attribution: the VM's energy over the last intervals / time.
   */
  double vmMeanWatts(String id, int lastIntervals) {
    Snapshot now = snapshots.get(snapshots.size() - 1);
    Snapshot then = snapshots.get(snapshots.size() - 1 - lastIntervals);
    double seconds = 0;
    for (int i = snapshots.size() - lastIntervals; i < snapshots.size(); i++) {
      seconds += snapshots.get(i).intervalSeconds();
    }
    return (vmJoulesIn(now, id) - vmJoulesIn(then, id)) / seconds;
  }

  private static double vmJoulesIn(Snapshot s, String id) {
    return s.vms().stream()
        .filter(v -> v.vmId().equals(id))
        .mapToDouble(Snapshot.Vm::joules)
        .findFirst()
        .orElseThrow();
  }
}
