package io.onescaphandre.agent.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.agent.attribution.BusyCpuPolicy;
import io.onescaphandre.agent.metrics.MetricsPublisher;
import io.onescaphandre.agent.sampling.Sampler;
import io.onescaphandre.agent.sampling.SamplingHealth;
import io.onescaphandre.simulation.SimulatedHost;
import io.onescaphandre.simulation.SimulatedRaplTree;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsServerTest {
  private static final Pattern SAMPLE =
      Pattern.compile(
          "(?m)^(opennebula_(?:vm|other|unattributed)_energy_joules_total(?:\\{[^}]*})?|"
              + "opennebula_host_energy_joules_total\\{domain=\"host\"}) (\\S+)$");

  @TempDir Path root;

  @Test
  void concurrentScrapesEachSeeOneCompleteSample() throws Exception {
    SimulatedRaplTree rapl = SimulatedRaplTree.server(root.resolve("sys"), 2);
    SimulatedHost host = new SimulatedHost(root.resolve("proc"), root.resolve("sys"), 4);
    List<SimulatedHost.Proc> vms = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      vms.add(
          host.process(
              1000 + i, "qemu-kvm-one", "/usr/bin/qemu-kvm-one", "-name", "guest=one-" + i));
    }
    AtomicLong clock = new AtomicLong();
    Sampler sampler =
        new Sampler(host.procfs(), rapl.sysfs(), new BusyCpuPolicy(), clock::get, 5, 20);
    MetricsPublisher publisher =
        new MetricsPublisher(MetricsPublisher.newRegistry(), host.procfs());
    AtomicLong samples = new AtomicLong();
    SamplingHealth health = new SamplingHealth(clock::get, 1_000_000_000L, 3);
    publisher.publish(sampler.sample(), 1);
    health.succeeded(false);
    samples.incrementAndGet();

    try (MetricsServer server =
        new MetricsServer(new InetSocketAddress("127.0.0.1", 0), publisher, health)) {
      server.start();
      HttpClient client = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + server.port());
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(base.resolve("/readyz")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(503);

      AtomicBoolean running = new AtomicBoolean(true);
      Thread samplerThread =
          new Thread(
              () -> {
                int step = 0;
                while (running.get()) {
                  clock.addAndGet(1_000_000_000L);
                  rapl.addWatts(1.0, Map.of("intel-rapl:0", 50.0, "intel-rapl:1", 40.0));
                  host.addCpuTicks(200, 200);
                  for (int i = 0; i < vms.size(); i++) {
                    vms.get(i).addTicks(i % 5 + step % 3);
                  }
                  publisher.publish(sampler.sample(), 1);
                  health.succeeded(true);
                  samples.incrementAndGet();
                  step++;
                }
              });
      samplerThread.start();
      ExecutorService pool = Executors.newFixedThreadPool(6);
      List<Callable<Integer>> scrapes = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        scrapes.add(
            () -> {
              int checked = 0;
              for (int i = 0; i < 15; i++) {
                HttpResponse<String> response =
                    client.send(
                        HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().firstValue("Content-Type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
                if (assertConsistent(response.body())) {
                  checked++;
                }
              }
              return checked;
            });
      }
      int consistentWithPower = 0;
      for (Future<Integer> f : pool.invokeAll(scrapes)) {
        consistentWithPower += f.get();
      }
      running.set(false);
      samplerThread.join();
      pool.shutdown();
      assertThat(consistentWithPower).isPositive();
      assertThat(samples.get()).isGreaterThan(2);

      HttpResponse<String> open =
          client.send(
              HttpRequest.newBuilder(base.resolve("/metrics"))
                  .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(open.headers().firstValue("Content-Type"))
          .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
      assertThat(open.body()).endsWith("# EOF\n");
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(base.resolve("/healthz")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(base.resolve("/readyz")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(base.resolve("/nope")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(404);
    }
  }

  /**
   * In a torn scrape (half of one sample, half of the next) the consumers' cumulative energies
   * would not add up to the host's. Returns whether the scrape had power series at all.
   */
  private static boolean assertConsistent(String body) {
    Matcher m = SAMPLE.matcher(body);
    double host = Double.NaN;
    double parts = 0;
    while (m.find()) {
      double value = Double.parseDouble(m.group(2));
      if (m.group(1).startsWith("opennebula_host")) {
        host = value;
      } else {
        parts += value;
      }
    }
    if (Double.isNaN(host) || parts == 0) {
      return false;
    }
    assertThat(parts)
        .isCloseTo(host, org.assertj.core.api.Assertions.within(1e-6 * Math.max(1, host)));
    return true;
  }
}
