package io.onescaphandre.operator.run;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onescaphandre.contracts.http.BoundedHttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The operator's HTTP endpoints on the JDK's HTTP server: {@code /metrics} (Prometheus text, or
 * OpenMetrics when the Accept header asks) on the metrics address, {@code /healthz} (liveness) and
 * {@code /readyz} (readiness) on the health address. One server when both addresses are the same.
 *
 * <p>Held under abuse by the JDK server's own limits, the agent's alike ({@link
 * BoundedHttpServer}): each server has its own pool, so slow clients of the metrics port cannot
 * starve the health port's probes.
 */
public final class OperatorEndpoints implements AutoCloseable {
  /** A probe's answer: healthy or not, and a line saying why. */
  public record Health(boolean ok, String detail) {}

  private final List<BoundedHttpServer> servers = new ArrayList<>();
  private final InetSocketAddress metricsAddress;
  private final InetSocketAddress healthAddress;

  private OperatorEndpoints(InetSocketAddress metricsAddress, InetSocketAddress healthAddress) {
    this.metricsAddress = metricsAddress;
    this.healthAddress = healthAddress;
  }

  /**
   * Binds and starts the servers.
   *
   * @throws UncheckedIOException naming the address when one cannot be bound
   */
  public static OperatorEndpoints start(
      InetSocketAddress metricsAt,
      InetSocketAddress healthAt,
      PrometheusMeterRegistry registry,
      Supplier<Health> liveness,
      Supplier<Health> readiness) {
    BoundedHttpServer metricsServer = BoundedHttpServer.bind(metricsAt, "operator-http-metrics");
    boolean shared = metricsAt.equals(healthAt) && metricsAt.getPort() != 0;
    BoundedHttpServer healthServer;
    if (shared) {
      healthServer = metricsServer;
    } else {
      try {
        healthServer = BoundedHttpServer.bind(healthAt, "operator-http-health");
      } catch (UncheckedIOException e) {
        metricsServer.close();
        throw e;
      }
    }
    metricsServer.server().createContext("/metrics", exchange -> metrics(exchange, registry));
    healthServer.server().createContext("/healthz", probe(liveness));
    healthServer.server().createContext("/readyz", probe(readiness));
    OperatorEndpoints endpoints =
        new OperatorEndpoints(metricsServer.address(), healthServer.address());
    endpoints.servers.add(metricsServer);
    if (!shared) {
      endpoints.servers.add(healthServer);
    }
    endpoints.servers.forEach(BoundedHttpServer::start);
    return endpoints;
  }

  /** The bound metrics address (with the real port when 0 was asked for). */
  public InetSocketAddress metricsAddress() {
    return metricsAddress;
  }

  public InetSocketAddress healthAddress() {
    return healthAddress;
  }

  @Override
  public void close() {
    servers.forEach(BoundedHttpServer::close);
  }

  private static void metrics(HttpExchange exchange, PrometheusMeterRegistry registry)
      throws IOException {
    if (!onlyGet(exchange)) {
      return;
    }
    String contentType =
        BoundedHttpServer.metricsContentType(exchange.getRequestHeaders().getFirst("Accept"));
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    registry.scrape(body, contentType);
    respond(exchange, 200, contentType, body.toByteArray());
  }

  private static HttpHandler probe(Supplier<Health> check) {
    return exchange -> {
      if (!onlyGet(exchange)) {
        return;
      }
      Health health;
      try {
        health = check.get();
      } catch (RuntimeException e) {
        health = new Health(false, "check failed: " + e);
      }
      respond(
          exchange,
          health.ok() ? 200 : 503,
          "text/plain; charset=utf-8",
          (health.detail() + "\n").getBytes(StandardCharsets.UTF_8));
    };
  }

  private static boolean onlyGet(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if ("GET".equals(method) || "HEAD".equals(method)) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
    respond(
        exchange,
        405,
        "text/plain; charset=utf-8",
        "only GET and HEAD\n".getBytes(StandardCharsets.UTF_8));
    return false;
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(body);
      }
    }
  }
}
