package io.onescaphandre.operator.benchmark;

import static io.onescaphandre.operator.testsupport.Fixtures.NAMESPACE;
import static io.onescaphandre.operator.testsupport.Fixtures.kvmNode;
import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.openshift.api.model.monitoring.v1alpha1.ScrapeConfig;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.testsupport.MockCluster;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reconcile time and write requests of one monitor over 1, 100 and 1,000 nodes on the Fabric8 mock
 * server (server-side apply off), and the heap and RSS at 1,000 nodes. Not part of the default
 * build (the class name matches no surefire pattern; run it with -Dtest=OperatorBenchmark); the
 * command and the figures are in docs/benchmarks/operator.md. Writes its table to
 * operator/target/benchmarks/operator.md.
 */
@Tag("benchmark")
class OperatorBenchmark {
  private static final int NO_OP_RECONCILES = 11;
  private static final Duration WAIT = Duration.ofMinutes(5);

  record Result(
      int nodes,
      double longestReconcileMillis,
      double reconcileSumMillis,
      long convergeMillis,
      List<Long> convergingNanos,
      Map<String, Long> writesToConverge,
      double noOpMedianMillis,
      double noOpMaxMillis,
      int noOpWrites,
      int noOpReads,
      String memory) {}

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void reconcileTimeAndWrites() throws IOException {
    // Warm-up (class loading, JIT of the JSON code) so that the 1-node figures are not start-up
    // costs.
    measure(10, false);
    List<Result> results = new ArrayList<>();
    for (int n : List.of(1, 100, 1000)) {
      results.add(measure(n, n == 1000));
    }
    String table = table(results);
    System.out.println(table);
    Path out = Path.of("target", "benchmarks", "operator.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
    results.forEach(
        r ->
            assertThat(r.noOpWrites())
                .as("writes of no-op reconciles at %d nodes", r.nodes())
                .isZero());
  }

  private Result measure(int n, boolean memory) {
    try (MockCluster cluster = MockCluster.start()) {
      KubernetesClient client = cluster.client();
      cluster.installPrometheusOperatorCrds();
      Map<String, Long> ids = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = String.format("kvm-%04d", i);
        client.nodes().resource(kvmNode(name, "10.0." + (i / 250) + "." + (i % 250 + 1))).create();
        ids.put(name, 100L + i);
      }
      client
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName("web")
                  .addToLabels("tick", "0")
                  .endMetadata()
                  .build())
          .create();
      long heapBefore = memory ? heapAfterGc() : 0;

      cluster.runOperator();
      cluster.awaitQuiet(Duration.ofMillis(500));
      cluster.operatorWritesSinceLastCall();
      int before = cluster.reconciles().durationsNanos().size();

      ScaphandreMonitor m = monitor("bench");
      m.getSpec().getHostId().setStaticIds(ids);
      m.getSpec().getPrometheus().getScrapeConfig().setEnabled(true);
      long start = System.nanoTime();
      client.resource(m).create();
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                ScrapeConfig sc =
                    client
                        .resources(ScrapeConfig.class)
                        .inNamespace(NAMESPACE)
                        .withName("bench")
                        .get();
                ScaphandreMonitor current =
                    client
                        .resources(ScaphandreMonitor.class)
                        .inNamespace(NAMESPACE)
                        .withName("bench")
                        .get();
                return sc != null
                    && sc.getSpec().getStaticConfigs().size() == n
                    && current.getStatus() != null
                    && current.getStatus().getMappedHosts() != null
                    && current.getStatus().getMappedHosts() == n;
              });
      long converge = System.nanoTime() - start;
      cluster.awaitQuiet(Duration.ofSeconds(1));
      List<Long> durations = cluster.reconciles().durationsNanos();
      List<Long> converging = durations.subList(before, durations.size());
      Map<String, Long> writes =
          cluster.operatorWritesSinceLastCall().stream()
              .collect(
                  Collectors.groupingBy(
                      OperatorBenchmark::kindOf, TreeMap::new, Collectors.counting()));

      // No-op reconciles: a change to a node the monitor does not select makes it reconcile.
      List<Long> noOp = new ArrayList<>();
      for (int i = 1; i <= NO_OP_RECONCILES; i++) {
        int seen = cluster.reconciles().durationsNanos().size();
        String tick = Integer.toString(i);
        client
            .nodes()
            .withName("web")
            .edit(
                node -> {
                  node.getMetadata().getLabels().put("tick", tick);
                  return node;
                });
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(5))
            .until(() -> cluster.reconciles().durationsNanos().size() > seen);
        noOp.add(cluster.reconciles().durationsNanos().get(seen));
      }
      cluster.awaitQuiet(Duration.ofMillis(500));
      List<String> noOpRequests = cluster.operatorRequestsSinceLastCall();
      int noOpWrites = (int) noOpRequests.stream().filter(r -> !r.startsWith("GET")).count();
      int noOpReads =
          (int)
              noOpRequests.stream()
                  .filter(r -> r.startsWith("GET") && !r.contains("watch=true"))
                  .count();

      String mem = "";
      if (memory) {
        long heapAfter = heapAfterGc();
        mem =
            String.format(
                "heap used after GC: %d MiB with the mock server and %d nodes, %d MiB once the"
                    + " operator has converged (operator's share %d MiB); JVM RSS %s",
                heapBefore >> 20, n, heapAfter >> 20, (heapAfter - heapBefore) >> 20, rss());
      }
      List<Long> sorted = noOp.stream().sorted().toList();
      return new Result(
          n,
          ms(converging.stream().mapToLong(Long::longValue).max().orElse(0)),
          ms(converging.stream().mapToLong(Long::longValue).sum()),
          TimeUnit.NANOSECONDS.toMillis(converge),
          List.copyOf(converging),
          writes,
          ms(sorted.get(sorted.size() / 2)),
          ms(sorted.get(sorted.size() - 1)),
          noOpWrites,
          noOpReads,
          mem);
    }
  }

  private static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }

  /** "PATCH node", "POST daemonsets"...: method and resource kind of a write. */
  private static String kindOf(String write) {
    String[] parts = write.split(" ", 2);
    String[] path = parts[1].split("\\?")[0].split("/");
    String resource =
        path.length >= 2 && path[path.length - 1].equals("status")
            ? path[path.length - 3] + "/status"
            : parts[0].equals("POST") ? path[path.length - 1] : path[path.length - 2];
    return parts[0] + " " + resource;
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        // Deliberate: lets the collector's concurrent work and reference processing settle
        // before the heap is read; there is nothing to poll that says it has.
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static String rss() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("VmRSS:"))
          .map(l -> l.substring(6).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private static String table(List<Result> results) {
    StringBuilder t = new StringBuilder();
    t.append(
        "| nodes | longest reconcile (ms) | reconcile time, sum (ms) | create to converged (ms)"
            + " | reconciles to converge (ms each) | writes to converge | no-op reconcile median (ms) | no-op max (ms) | no-op writes"
            + " | no-op reads |\n");
    t.append("|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n");
    for (Result r : results) {
      long total = r.writesToConverge().values().stream().mapToLong(Long::longValue).sum();
      t.append(
          String.format(
              "| %d | %.1f | %.1f | %d | %s | %d (%s) | %.2f | %.2f | %d | %d |%n",
              r.nodes(),
              r.longestReconcileMillis(),
              r.reconcileSumMillis(),
              r.convergeMillis(),
              r.convergingNanos().stream()
                  .map(d -> String.format("%.0f", ms(d)))
                  .collect(Collectors.joining(", ")),
              total,
              r.writesToConverge().entrySet().stream()
                  .map(e -> e.getKey() + " " + e.getValue())
                  .collect(Collectors.joining(", ")),
              r.noOpMedianMillis(),
              r.noOpMaxMillis(),
              r.noOpWrites(),
              r.noOpReads()));
    }
    results.stream()
        .filter(r -> !r.memory().isEmpty())
        .forEach(r -> t.append("\n").append(r.memory()).append("\n"));
    return t.toString();
  }
}
