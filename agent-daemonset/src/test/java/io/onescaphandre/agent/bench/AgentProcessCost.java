package io.onescaphandre.agent.bench;

import io.onescaphandre.agent.web.SlowLoris;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent PROCESS's cost (issue 18): the agent jar ({@code AgentMain run}, the image's JVM
 * options, 1 s interval) on a generated tree whose counters this harness moves every second, with a
 * Prometheus-like scrape every 5 s. Measures utime + stime of the whole process per sample
 * (sampling, scrapes, JIT, GC, timers) over 60 s after a 20 s warm-up, RSS, and the latency of 200
 * scrapes (every 50 ms) as text 0.0.4 and as Prometheus 3 asks (OpenMetrics, gzip). Prints one
 * line.
 *
 * <p>Arguments: {@code small|kvm <directory> <agent.jar> <java options file>}.
 */
public final class AgentProcessCost {
  private static final Pattern SAMPLES =
      Pattern.compile("(?m)^opennebula_agent_samples_total (\\S+)$");

  /** Prometheus 3's default Accept header (text protocols only: the agent serves no protobuf). */
  static final String PROMETHEUS_ACCEPT =
      "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
          + "application/openmetrics-text;version=0.0.1;q=0.4,"
          + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,"
          + "text/plain;version=0.0.4;q=0.2,*/*;q=0.1";

  private AgentProcessCost() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    GeneratedHost g = host(args[0], dir);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Files.readAllLines(Path.of(args[3])).stream()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .forEach(command::add);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    command.addAll(List.of("-jar", args[2]));
    command.addAll(runArguments(g, port));
    Process agent =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("agent.log").toFile())
            .start();
    try {
      run(g, agent, port);
    } finally {
      agent.destroy();
      agent.waitFor();
    }
  }

  /** {@code run} on the generated tree, serving on loopback, sampling every second. */
  static List<String> runArguments(GeneratedHost g, int port) {
    return List.of(
        "run",
        "--path.procfs",
        g.procfs.toString(),
        "--path.sysfs",
        g.sysfs.toString(),
        "--web.listen-address",
        "127.0.0.1:" + port,
        "--interval",
        "1s");
  }

  static GeneratedHost host(String kind, Path dir) {
    return switch (kind) {
      // The issue's small host: ~90 processes, a few VMs.
      case "small" -> GeneratedHost.kvm(dir, 80, 4);
      case "kvm" -> GeneratedHost.kvm(dir, 2000, 200);
      case "mixed" -> GeneratedHost.mixed(dir, 500, 200, 100, 300);
      default -> throw new IllegalArgumentException("small, kvm or mixed: " + kind);
    };
  }

  private static void run(GeneratedHost g, Process agent, int port) throws Exception {
    awaitListening(port, agent);
    for (int i = 0; i < 20; i++) {
      tick(g, port, i % 5 == 0);
    }
    long cpu0 = cpuTicks(agent.pid());
    Map<String, Long> threads0 = threadTicks(agent.pid());
    double samples0 = samples(get(port, "text/plain", false));
    for (int i = 1; i <= 60; i++) {
      tick(g, port, i % 5 == 0);
    }
    long cpu1 = cpuTicks(agent.pid());
    Map<String, Long> threads1 = threadTicks(agent.pid());
    double samples1 = samples(get(port, "text/plain", false));
    double cpuMsPerSample = (cpu1 - cpu0) * 10.0 / (samples1 - samples0);
    StringBuilder byThread = new StringBuilder();
    threads1.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - threads0.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                byThread.append(
                    String.format(
                        Locale.ROOT,
                        " %s=%.2f",
                        e.getKey().replace(' ', '_'),
                        e.getValue() * 10.0 / (samples1 - samples0))));
    long rssKib = statusKib(agent.pid(), "VmRSS:");
    String body = get(port, "text/plain", false);
    long series = body.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
    double[] plain = latencies(port, "text/plain", false);
    double[] prometheus = latencies(port, PROMETHEUS_ACCEPT, true);
    System.out.printf(
        Locale.ROOT,
        "pids=%d series=%d process_cpu_ms_per_sample=%.2f rss_mib=%.1f"
            + " scrape_text_ms_median=%.2f scrape_text_ms_p99=%.2f"
            + " scrape_openmetrics_gzip_ms_median=%.2f scrape_openmetrics_gzip_ms_p99=%.2f"
            + " load1=%s ms_per_sample_by_thread:%s%n",
        g.pids,
        series,
        cpuMsPerSample,
        rssKib / 1024.0,
        plain[0],
        plain[1],
        prometheus[0],
        prometheus[1],
        Files.readString(Path.of("/proc/loadavg")).split(" ")[0],
        byThread);
  }

  private static void awaitListening(int port, Process agent) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException e) {
        if (!agent.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("the agent did not listen on " + port, e);
        }
        Thread.sleep(100);
      }
    }
  }

  /** 200 scrapes 50 ms apart while the tree keeps moving: median and p99 in ms. */
  private static double[] latencies(int port, String accept, boolean gzip) throws Exception {
    double[] ms = new double[200];
    for (int i = 0; i < ms.length; i++) {
      long start = System.nanoTime();
      get(port, accept, gzip);
      ms[i] = (System.nanoTime() - start) / 1e6;
      Thread.sleep(50);
    }
    Arrays.sort(ms);
    return new double[] {ms[ms.length / 2], ms[ms.length * 99 / 100]};
  }

  private static void tick(GeneratedHost g, int port, boolean scrape) throws Exception {
    long start = System.nanoTime();
    g.advance(1.0);
    if (scrape) {
      get(port, PROMETHEUS_ACCEPT, true);
    }
    long left = 1_000_000_000L - (System.nanoTime() - start);
    if (left > 0) {
      Thread.sleep(left / 1_000_000);
    }
  }

  /** One GET /metrics over a fresh connection; the body as sent (gzip left compressed). */
  static String get(int port, String accept, boolean gzip) throws IOException {
    String response =
        SlowLoris.get(
            port, "/metrics", "Accept: " + accept + (gzip ? "\r\nAccept-Encoding: gzip" : ""));
    return response.substring(response.indexOf("\r\n\r\n") + 4);
  }

  private static double samples(String body) {
    Matcher m = SAMPLES.matcher(body);
    if (!m.find()) {
      throw new AssertionError("no opennebula_agent_samples_total in\n" + body);
    }
    return Double.parseDouble(m.group(1));
  }

  /** utime + stime of a process, in 10 ms ticks. */
  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** utime + stime of each thread of a process by thread name (summed over equal names). */
  private static Map<String, Long> threadTicks(long pid) throws IOException {
    Map<String, Long> ticks = new java.util.HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks.merge(
              name.replaceAll("[0-9]+$", ""),
              Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
              Long::sum);
        } catch (IOException e) {
          // The thread ended between the listing and the read.
        }
      }
    }
    return ticks;
  }

  static long statusKib(long pid, String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new AssertionError(key + " not in /proc/" + pid + "/status");
  }
}
