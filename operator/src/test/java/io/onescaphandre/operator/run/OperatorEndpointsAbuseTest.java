package io.onescaphandre.operator.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator's endpoints while 200 connections hold half-sent requests on the metrics port: the
 * health port's probes and a normal scrape are still answered (before, 2 such connections made
 * {@code /healthz} time out). Generous bounds for a loaded 2-core machine; the figures printed go
 * to BENCHMARKS.md ("Faults").
 */
class OperatorEndpointsAbuseTest {

  @Test
  void probesAndScrapesAreAnsweredWhile200ConnectionsHoldHalfARequest() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
    List<Socket> halfOpen = new ArrayList<>();
    try (OperatorEndpoints endpoints =
        OperatorEndpoints.start(
            loopback,
            loopback,
            registry,
            () -> new OperatorEndpoints.Health(true, "ok"),
            () -> new OperatorEndpoints.Health(true, "ok"))) {
      for (int i = 0; i < 200; i++) {
        Socket socket = new Socket();
        halfOpen.add(socket);
        socket.connect(endpoints.metricsAddress(), 5_000);
        socket
            .getOutputStream()
            .write(
                "GET /metrics HTTP/1.1\r\nHost: operator\r\nX-Half: "
                    .getBytes(StandardCharsets.US_ASCII));
      }
      // Deliberate: the server has nothing to report when it has taken up the 200 half-sent
      // requests, so the probes are timed once it has had a moment to do so.
      Thread.sleep(300);
      List<Long> healthz = new ArrayList<>();
      List<Long> metrics = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        healthz.add(timedGet(endpoints.healthAddress(), "/healthz"));
        metrics.add(timedGet(endpoints.metricsAddress(), "/metrics"));
      }
      healthz.sort(null);
      metrics.sort(null);
      System.out.printf(
          "FAULT operator under 200 half-sent requests on the metrics port: /healthz median"
              + " %d ms, max %d ms; /metrics median %d ms, max %d ms%n",
          healthz.get(5), healthz.get(9), metrics.get(5), metrics.get(9));
      assertThat(healthz.get(5)).isLessThan(1_000);
      assertThat(metrics.get(5)).isLessThan(1_000);
      assertThat(healthz.get(9)).isLessThan(5_000);
      assertThat(metrics.get(9)).isLessThan(5_000);
    } finally {
      for (Socket socket : halfOpen) {
        socket.close();
      }
    }
  }

  /** Milliseconds of one GET on a new connection; fails unless it is answered 200. */
  private static long timedGet(InetSocketAddress address, String path) throws IOException {
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(address, 10_000);
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: kubelet\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String status =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .findFirst()
              .orElse("");
      assertThat(status).as(path).startsWith("HTTP/1.1 200");
    }
    return (System.nanoTime() - start) / 1_000_000;
  }
}
