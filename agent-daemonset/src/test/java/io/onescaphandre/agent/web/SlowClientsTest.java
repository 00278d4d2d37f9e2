package io.onescaphandre.agent.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.agent.attribution.BusyCpuPolicy;
import io.onescaphandre.agent.metrics.MetricsPublisher;
import io.onescaphandre.agent.sampling.Sampler;
import io.onescaphandre.agent.sampling.SamplingHealth;
import io.onescaphandre.simulation.SimulatedHost;
import io.onescaphandre.simulation.SimulatedRaplTree;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's HTTP server while 200 connections trickle half-sent headers: scrapes and probes are
 * still answered, and the half-open connections are closed at the request deadline. Timing bounds
 * are generous (a loaded 2-core machine); the measured figures are in BENCHMARKS.md ("Faults").
 */
class SlowClientsTest {
  @TempDir Path root;

  @Test
  void scrapesAndProbesAreAnsweredWhile200ConnectionsTrickle() throws Exception {
    SimulatedRaplTree rapl = SimulatedRaplTree.server(root.resolve("sys"), 1);
    SimulatedHost host = new SimulatedHost(root.resolve("proc"), root.resolve("sys"), 2);
    host.process(1, "systemd", "/sbin/init");
    MetricsPublisher publisher =
        new MetricsPublisher(MetricsPublisher.newRegistry(), host.procfs());
    publisher.publish(
        new Sampler(host.procfs(), rapl.sysfs(), new BusyCpuPolicy(), System::nanoTime, 5, 20)
            .sample(),
        1);
    SamplingHealth health = new SamplingHealth(System::nanoTime, 2_000_000_000L, 3);
    health.succeeded(false);
    try (MetricsServer server =
            new MetricsServer(new InetSocketAddress("127.0.0.1", 0), publisher, health);
        SlowLoris loris = new SlowLoris(new InetSocketAddress("127.0.0.1", server.port()), 200)) {
      server.start();
      loris.start();
      assertThat(loris.awaitOpen(Duration.ofSeconds(10))).isEqualTo(200);
      // Deliberate: a few rounds of trickled bytes (one every 100 ms) so that the server is busy
      // with every half-sent request when the scrapes are timed.
      Thread.sleep(300);

      List<Long> metrics = SlowLoris.timeRequests(server.port(), "/metrics", 15);
      List<Long> healthz = SlowLoris.timeRequests(server.port(), "/healthz", 5);
      SlowLoris.Stats m = SlowLoris.Stats.of(metrics);
      System.out.printf(
          "FAULT agent /metrics under 200 trickling connections: median %d ms, max %d ms;"
              + " /healthz max %d ms%n",
          m.median(), m.max(), SlowLoris.Stats.of(healthz).max());
      // The goal is 1 s; the bounds leave room for a loaded machine.
      assertThat(m.median()).isLessThan(1_000);
      assertThat(m.max()).isLessThan(5_000);
      assertThat(SlowLoris.Stats.of(healthz).max()).isLessThan(5_000);

      // The server closes them at its request deadline (5 s, checked every second).
      assertThat(loris.awaitClosedByServer(Duration.ofSeconds(MetricsServer.REQUEST_SECONDS + 10)))
          .isEqualTo(200);
    }
  }
}
