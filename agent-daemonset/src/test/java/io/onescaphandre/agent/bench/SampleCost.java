package io.onescaphandre.agent.bench;

import io.onescaphandre.agent.attribution.BusyCpuPolicy;
import io.onescaphandre.agent.metrics.MetricsPublisher;
import io.onescaphandre.agent.sampling.Sampler;
import io.onescaphandre.agent.sampling.Snapshot;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of one sample (the sampler thread's work: RAPL, /proc, cgroups, attribution, and
 * rendering the exposition of the sample), measured as thread CPU time in a JVM started with the
 * agent image's options. Run by {@link AgentBenchmarkTest} in a child JVM; prints one line {@code
 * samples=<n> cpu_ms_median=<x> cpu_ms_p90=<x> wall_ms_median=<x> processes=<n>}.
 *
 * <p>Arguments: {@code small|kvm|mixed <directory> <samples> [all-cgroups-busy]}: by default a
 * fifth of the cgroups use CPU in each interval; with {@code all-cgroups-busy} every one does (the
 * agent reads the stat of a pod's or service's processes only when its cgroup used CPU).
 */
public final class SampleCost {
  private SampleCost() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[1]);
    int samples = Integer.parseInt(args[2]);
    GeneratedHost g = AgentProcessCost.host(args[0], dir);
    if (args.length > 3 && args[3].equals("all-cgroups-busy")) {
      g.cgroupStride = 1;
    }
    AtomicLong clock = new AtomicLong(1);
    Sampler sampler = new Sampler(g.procfs, g.sysfs, new BusyCpuPolicy(), clock::get, 5, 20);
    MetricsPublisher publisher =
        new MetricsPublisher(MetricsPublisher.newRegistry(), Path.of("/proc"));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int warmup = 100;
    long[] cpu = new long[samples];
    long[] wall = new long[samples];
    int processes = 0;
    for (int i = -warmup; i < samples; i++) {
      g.advance(2.0);
      clock.addAndGet(2_000_000_000L);
      long c0 = threads.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      Snapshot s = sampler.sample();
      publisher.publish(s, System.nanoTime() - w0);
      long w1 = System.nanoTime();
      long c1 = threads.getCurrentThreadCpuTime();
      if (i >= 0) {
        cpu[i] = c1 - c0;
        wall[i] = w1 - w0;
      }
      processes = s.processCount();
    }
    // The same without moving the tree in between: the harness replaces changed files by a rename
    // (so that the concurrently running agent never reads half a file), which leaves the next
    // sample's lookups of those files cold; procfs files are not replaced that way.
    long[] still = new long[100];
    for (int i = 0; i < still.length; i++) {
      clock.addAndGet(2_000_000_000L);
      long c0 = threads.getCurrentThreadCpuTime();
      publisher.publish(sampler.sample(), 0);
      still[i] = threads.getCurrentThreadCpuTime() - c0;
    }
    Arrays.sort(still);
    Arrays.sort(cpu);
    Arrays.sort(wall);
    System.out.printf(
        java.util.Locale.ROOT,
        "samples=%d cpu_ms_median=%.2f cpu_ms_p90=%.2f wall_ms_median=%.2f processes=%d series=%d"
            + " file_read_floor_ms_median=%.2f unchanged_tree_cpu_ms_median=%.2f%n",
        samples,
        cpu[samples / 2] / 1e6,
        cpu[samples * 9 / 10] / 1e6,
        wall[samples / 2] / 1e6,
        processes,
        publisher.agentSeriesCount(),
        fileReadFloor(g, threads),
        still[still.length / 2] / 1e6);
  }

  /**
   * Listing /proc and reading each {@code /proc/<pid>/stat} and each cgroup's {@code cpu.stat} once
   * (open, read, close) with the sampler's own reader, median over 50 rounds, in ms: the file cost
   * of a sampler that reads every stat. The sampler now leaves some stats unread, so this is no
   * longer its floor; it stays as a measure of how loaded the machine was during the run.
   */
  private static double fileReadFloor(GeneratedHost g, ThreadMXBean threads) {
    java.util.List<String> files = new java.util.ArrayList<>();
    String[] names = g.procfs.toFile().list();
    for (String name : names) {
      if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
        files.add(g.procfs.resolve(name).resolve("stat").toString());
      }
    }
    try (java.util.stream.Stream<Path> walk =
        java.nio.file.Files.walk(g.sysfs.resolve("fs/cgroup"))) {
      walk.filter(p -> p.getFileName().toString().equals("cpu.stat"))
          .forEach(p -> files.add(p.toString()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    io.onescaphandre.agent.pseudofs.ProcFileReader reader =
        new io.onescaphandre.agent.pseudofs.ProcFileReader();
    long[] rounds = new long[50];
    for (int r = -10; r < rounds.length; r++) {
      long c0 = threads.getCurrentThreadCpuTime();
      g.procfs.toFile().list();
      for (String file : files) {
        reader.read(file);
      }
      if (r >= 0) {
        rounds[r] = threads.getCurrentThreadCpuTime() - c0;
      }
    }
    Arrays.sort(rounds);
    return rounds[rounds.length / 2] / 1e6;
  }
}
