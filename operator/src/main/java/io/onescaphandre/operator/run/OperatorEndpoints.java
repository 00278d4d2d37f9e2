package io.onescaphandre.operator.run;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The operator's HTTP endpoints on the JDK's HTTP server: {@code /metrics} (Prometheus text, or
 * OpenMetrics when the Accept header asks) on the metrics address, {@code /healthz} (liveness) and
 * {@code /readyz} (readiness) on the health address. One server when both addresses are the same.
 *
 * <p>Held under abuse by the JDK server's own limits, not socket code of ours: headers must arrive
 * within {@link #REQUEST_SECONDS}, a response must be sent within {@link #RESPONSE_SECONDS}, each
 * server keeps at most {@link #MAX_CONNECTIONS} connections (more are closed at once), headers are
 * bounded. The JDK server reads headers on a worker thread, blocking, so each server has its own
 * pool with a thread per allowed connection, made only when needed: slow clients of the metrics
 * port cannot starve the health port's probes, nor a scrape below the connection bound.
 */
public final class OperatorEndpoints implements AutoCloseable {
  static final int MAX_CONNECTIONS = 256;
  static final int REQUEST_SECONDS = 5;
  static final int RESPONSE_SECONDS = 30;

  static {
    // Read once by the JDK server when its first instance is made; an explicit -D wins.
    java.util.Map.of("jdk.httpserver.maxConnections", String.valueOf(MAX_CONNECTIONS),
        "sun.net.httpserver.maxReqTime", String.valueOf(REQUEST_SECONDS),
        "sun.net.httpserver.maxRspTime", String.valueOf(RESPONSE_SECONDS),
        "sun.net.httpserver.maxReqHeaders", "64",
        "sun.net.httpserver.maxReqHeaderSize", "16384").forEach(System.getProperties()::putIfAbsent);
  }

  /** A probe's answer: healthy or not, and a line saying why. */
  public record Health(boolean ok, String detail) {}

  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final List<HttpServer> servers = new ArrayList<>();
  private final List<ExecutorService> executors = new ArrayList<>();
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
  public static OperatorEndpoints start(InetSocketAddress metricsAt, InetSocketAddress healthAt,
      PrometheusMeterRegistry registry, Supplier<Health> liveness, Supplier<Health> readiness) {
    ExecutorService metricsPool = pool("operator-http-metrics");
    HttpServer metricsServer = bind(metricsAt, metricsPool);
    boolean shared = metricsAt.equals(healthAt) && metricsAt.getPort() != 0;
    ExecutorService healthPool = shared ? metricsPool : pool("operator-http-health");
    HttpServer healthServer = shared ? metricsServer : bindOrRelease(healthAt, healthPool, metricsServer,
        metricsPool);
    metricsServer.createContext("/metrics", exchange -> metrics(exchange, registry));
    healthServer.createContext("/healthz", probe(liveness));
    healthServer.createContext("/readyz", probe(readiness));
    OperatorEndpoints endpoints = new OperatorEndpoints(metricsServer.getAddress(),
        healthServer.getAddress());
    endpoints.servers.add(metricsServer);
    endpoints.executors.add(metricsPool);
    if (!shared) {
      endpoints.servers.add(healthServer);
      endpoints.executors.add(healthPool);
    }
    endpoints.servers.forEach(HttpServer::start);
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
    servers.forEach(s -> s.stop(0));
    executors.forEach(ExecutorService::shutdownNow);
  }

  /** Threads come and go with connections (30 s keep-alive), up to one per allowed connection. */
  private static ExecutorService pool(String name) {
    return new ThreadPoolExecutor(0, MAX_CONNECTIONS + 4, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  private static HttpServer bind(InetSocketAddress address, ExecutorService executor) {
    try {
      HttpServer server = HttpServer.create(address, 64);
      server.setExecutor(executor);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
  }

  private static HttpServer bindOrRelease(InetSocketAddress address, ExecutorService executor,
      HttpServer already, ExecutorService alreadysPool) {
    try {
      return bind(address, executor);
    } catch (UncheckedIOException e) {
      already.stop(0);
      alreadysPool.shutdownNow();
      executor.shutdownNow();
      throw e;
    }
  }

  private static void metrics(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
    if (!onlyGet(exchange)) {
      return;
    }
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    String contentType = accept != null && accept.contains("application/openmetrics-text")
        ? OPEN_METRICS : PROMETHEUS_TEXT;
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
      respond(exchange, health.ok() ? 200 : 503, "text/plain; charset=utf-8",
          (health.detail() + "\n").getBytes(StandardCharsets.UTF_8));
    };
  }

  private static boolean onlyGet(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if ("GET".equals(method) || "HEAD".equals(method)) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
    respond(exchange, 405, "text/plain; charset=utf-8",
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
