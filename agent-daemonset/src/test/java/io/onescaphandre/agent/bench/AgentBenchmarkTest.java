package io.onescaphandre.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.agent.web.SlowLoris;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BENCHMARKS figures for docs/benchmarks/agent.md, excluded from the normal build. Run with
 *
 * <pre>
 * ./mvnw -B -o -pl agent-daemonset test -Dagent.test.groups=benchmark -Dagent.test.excludedGroups=none -Dagent.fuzz.skip=true
 * </pre>
 *
 * Each case generates a host tree, then
 *
 * <ol>
 *   <li>runs {@link SampleCost} in a child JVM with the agent image's options
 *       (images/jvm-options/agent.options): thread CPU per sample, median over 300 samples;
 *   <li>starts the agent itself ({@code AgentMain run}, same options, 1 s interval) on the tree
 *       while this test moves the counters each second, and measures from {@code /proc/<pid>} its
 *       process CPU per sample (everything: sampling, JIT, GC, HTTP; one scrape per 10 samples;
 *       median of six 10 s windows), its RSS, and the series of a scrape.
 * </ol>
 *
 * Results are appended to {@code target/benchmark/agent.md}.
 */
@Tag("benchmark")
class AgentBenchmarkTest {
  private static final Pattern SAMPLES =
      Pattern.compile("(?m)^opennebula_agent_samples_total (\\S+)$");
  private static final Path REPORT = Path.of("target/benchmark/agent.md");

  @TempDir Path root;

  @Test
  void kvmHostWith2000ProcessesAnd200Vms() throws Exception {
    run("kvm", "2,000 processes + 200 KVM VMs", GeneratedHost.kvm(root.resolve("tree"), 2000, 200));
  }

  @Test
  void containerHostWith200Vms100LxcAnd300Pods() throws Exception {
    run(
        "mixed",
        "200 KVM VMs + 100 LXC instances + 300 pods (+ 500 host processes)",
        GeneratedHost.mixed(root.resolve("tree"), 500, 200, 100, 300));
  }

  /**
   * BENCHMARKS.md "Faults": the agent (image options, 1 s interval) on a small KVM host while 200
   * connections trickle half-sent headers: scrape and probe latency, RSS before, during and after
   * (the server closes them at its 5 s request deadline).
   */
  @Test
  void agentUnder200TricklingConnections() throws Exception {
    GeneratedHost g = GeneratedHost.kvm(root.resolve("tree"), 300, 20);
    int port = freePort();
    Process agent = startAgent(g, port);
    try {
      long end = System.nanoTime() + 15_000_000_000L;
      while (System.nanoTime() < end) {
        tick(g);
      }
      SlowLoris.timeRequests(port, "/metrics", 5);
      long rssBefore = AgentProcessCost.statusKib(agent.pid(), "VmRSS:");
      List<Long> quiet = SlowLoris.timeRequests(port, "/metrics", 20);
      long rssDuring;
      List<Long> metrics;
      List<Long> healthz;
      int closed;
      try (SlowLoris loris = new SlowLoris(new InetSocketAddress("127.0.0.1", port), 200)) {
        loris.start();
        loris.awaitOpen(java.time.Duration.ofSeconds(10));
        Thread.sleep(500);
        metrics = SlowLoris.timeRequests(port, "/metrics", 20);
        healthz = SlowLoris.timeRequests(port, "/healthz", 10);
        rssDuring = AgentProcessCost.statusKib(agent.pid(), "VmRSS:");
        closed = loris.awaitClosedByServer(java.time.Duration.ofSeconds(15));
      }
      // The idle HTTP threads end 10 s after their connection closed.
      end = System.nanoTime() + 20_000_000_000L;
      while (System.nanoTime() < end) {
        tick(g);
      }
      long rssAfter = AgentProcessCost.statusKib(agent.pid(), "VmRSS:");
      SlowLoris.Stats q = SlowLoris.Stats.of(quiet);
      SlowLoris.Stats m = SlowLoris.Stats.of(metrics);
      SlowLoris.Stats h = SlowLoris.Stats.of(healthz);
      String report =
          String.format(
              Locale.ROOT,
              """

          ## agent under 200 connections trickling half-sent headers (300 pids, 20 VMs)
          - /metrics without them: median %d ms, max %d ms (20 scrapes)
          - /metrics with them: median %d ms, max %d ms (20 scrapes); /healthz median %d ms, max %d ms
          - connections the agent closed at its request deadline: %d of 200
          - agent RSS: %.1f MiB before, %.1f MiB with the 200 connections, %.1f MiB 20 s after they closed
          """,
              q.median(),
              q.max(),
              m.median(),
              m.max(),
              h.median(),
              h.max(),
              closed,
              rssBefore / 1024.0,
              rssDuring / 1024.0,
              rssAfter / 1024.0);
      System.out.println(report);
      Files.createDirectories(REPORT.getParent());
      Files.writeString(
          REPORT,
          report,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      assertThat(closed).isEqualTo(200);
    } finally {
      agent.destroy();
      agent.waitFor();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Process startAgent(GeneratedHost g, int port) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvmOptions());
    command.addAll(List.of("-cp", classpath(false), "io.onescaphandre.agent.AgentMain"));
    command.addAll(AgentProcessCost.runArguments(g, port));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("agent.log").toFile());
    return builder.start();
  }

  private void run(String kind, String title, GeneratedHost g) throws Exception {
    List<String> jvm = jvmOptions();
    String cost = sampleCost(kind, jvm);

    int port = freePort();
    Process agent = startAgent(g, port);
    HttpClient http = HttpClient.newHttpClient();
    URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
    try {
      long end = System.nanoTime() + 20_000_000_000L;
      while (System.nanoTime() < end) {
        tick(g);
      }
      double[] perSample = new double[6];
      long cpu0 = AgentProcessCost.cpuTicks(agent.pid());
      double samples0 = samples(http, metrics);
      for (int w = 0; w < perSample.length; w++) {
        end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
          tick(g);
        }
        long cpu1 = AgentProcessCost.cpuTicks(agent.pid());
        double samples1 = samples(http, metrics);
        perSample[w] = (cpu1 - cpu0) * 10.0 / (samples1 - samples0);
        cpu0 = cpu1;
        samples0 = samples1;
      }
      String body =
          http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
              .body();
      long rssKib = AgentProcessCost.statusKib(agent.pid(), "VmRSS:");
      long hwmKib = AgentProcessCost.statusKib(agent.pid(), "VmHWM:");
      List<String> series = body.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
      long own =
          series.stream()
              .filter(l -> l.startsWith("opennebula_") || l.startsWith("scaph_"))
              .count();
      long scaphandre = 8L * g.pids;
      Arrays.sort(perSample);
      double median = (perSample[2] + perSample[3]) / 2;
      String report =
          String.format(
              Locale.ROOT,
              """

          ## %s
          - pids in /proc: %d
          - sampler thread CPU per sample (child JVM, image options): %s
          - agent process CPU per sample, 1 s interval, six 10 s windows: median %.1f ms (min %.1f, max %.1f)
          - agent RSS after 80 s: %.1f MiB (VmHWM %.1f MiB)
          - series in one scrape: %d total, %d opennebula_*/scaph_* (rest: jvm_*, process_*, system_*)
          - Scaphandre, 8 series per process: %d, i.e. %.1fx more than the agent's total
          """,
              title,
              g.pids,
              cost,
              median,
              perSample[0],
              perSample[5],
              rssKib / 1024.0,
              hwmKib / 1024.0,
              series.size(),
              own,
              scaphandre,
              (double) scaphandre / series.size());
      System.out.println(report);
      Files.createDirectories(REPORT.getParent());
      Files.writeString(
          REPORT,
          report,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      assertThat(own).isPositive();
    } finally {
      agent.destroy();
      agent.waitFor();
    }
  }

  /** Moves RAPL, CPU and cgroup counters by one second, then sleeps out the second. */
  private static void tick(GeneratedHost g) throws InterruptedException {
    long start = System.nanoTime();
    g.advance(1.0);
    long left = 1_000_000_000L - (System.nanoTime() - start);
    if (left > 0) {
      Thread.sleep(left / 1_000_000);
    }
  }

  private String sampleCost(String kind, List<String> jvm) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvm);
    command.addAll(
        List.of(
            "-cp",
            classpath(true),
            SampleCost.class.getName(),
            kind,
            root.resolve("cost").toString(),
            "300"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out.lines()
        .filter(l -> l.startsWith("samples="))
        .findFirst()
        .orElseThrow(() -> new AssertionError(out));
  }

  private static double samples(HttpClient http, URI metrics) throws Exception {
    String body =
        http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = SAMPLES.matcher(body);
    if (!m.find()) {
      throw new AssertionError("no opennebula_agent_samples_total in\n" + body);
    }
    return Double.parseDouble(m.group(1));
  }

  /** The JVM options of the agent image's entrypoint. */
  private static List<String> jvmOptions() throws IOException {
    return Files.readAllLines(Path.of("../images/jvm-options/agent.options")).stream()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .collect(Collectors.toList());
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The agent's runtime classpath (main classes and compile/runtime dependencies). */
  private static String classpath(boolean withTestClasses) {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> withTestClasses || !e.contains("test-classes"))
        .filter(
            e ->
                !e.contains("junit")
                    && !e.contains("assertj")
                    && !e.contains("opentest4j")
                    && !e.contains("apiguardian")
                    && !e.contains("surefire")
                    && !e.contains("byte-buddy"))
        .collect(Collectors.joining(File.pathSeparator));
  }
}
