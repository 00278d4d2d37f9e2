package io.onescaphandre.agent.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.onescaphandre.agent.metrics.MetricsPublisher;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JDK HTTP server: {@code /metrics} (Prometheus text 0.0.4, OpenMetrics 1.0 when the Accept header
 * asks, gzip when accepted), {@code /healthz} (the sampler is alive), {@code /readyz} (a first
 * interval has been measured). Scrapes never trigger a sample.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  public MetricsServer(InetSocketAddress address, MetricsPublisher publisher, BooleanSupplier healthy,
      BooleanSupplier ready) throws IOException {
    server = HttpServer.create(address, 16);
    executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/metrics", exchange -> handle(exchange, () -> metrics(exchange, publisher)));
    server.createContext("/healthz", exchange -> handle(exchange, () -> probe(exchange, healthy)));
    server.createContext("/readyz", exchange -> handle(exchange, () -> probe(exchange, ready)));
    server.createContext("/", exchange -> handle(exchange, () -> {
      if (exchange.getRequestURI().getPath().equals("/")) {
        send(exchange, 200, "text/html; charset=utf-8",
            "<html><body><a href=\"/metrics\">metrics</a></body></html>\n", false);
      } else {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n", false);
      }
    }));
  }

  /** The answer of a plain-text endpoint: HTTP status and body. */
  public record TextAnswer(int status, String body) {}

  /**
   * Serves {@code path} (exactly; anything below it is a 404) as {@code text/plain}, answered by
   * {@code answer} from the request URI. Call before {@link #start()}.
   */
  public void addText(String path, Function<URI, TextAnswer> answer) {
    server.createContext(path, exchange -> handle(exchange, () -> {
      if (!exchange.getRequestURI().getPath().equals(path)) {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n", false);
        return;
      }
      TextAnswer reply = answer.apply(exchange.getRequestURI());
      send(exchange, reply.status(), "text/plain; charset=utf-8", reply.body(), false);
    }));
  }

  public void start() {
    server.start();
    LOG.info("serving /metrics on {}", server.getAddress());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void metrics(HttpExchange exchange, MetricsPublisher publisher) throws IOException {
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    String contentType = accept != null && accept.contains("application/openmetrics-text")
        ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
    String body = publisher.scrape(contentType);
    send(exchange, 200, contentType, body, acceptsGzip(exchange));
  }

  private static void probe(HttpExchange exchange, BooleanSupplier check) throws IOException {
    boolean ok = check.getAsBoolean();
    send(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ready\n", false);
  }

  private static boolean acceptsGzip(HttpExchange exchange) {
    List<String> values = exchange.getRequestHeaders().get("Accept-Encoding");
    return values != null && values.stream().anyMatch(v -> v.contains("gzip"));
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body,
      boolean gzip) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    if (gzip) {
      exchange.getResponseHeaders().set("Content-Encoding", "gzip");
      exchange.sendResponseHeaders(status, 0);
      try (OutputStream out = new GZIPOutputStream(exchange.getResponseBody())) {
        out.write(bytes);
      }
    } else {
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private interface Action {
    void run() throws IOException;
  }

  private static void handle(HttpExchange exchange, Action action) {
    try (exchange) {
      action.run();
    } catch (IOException | RuntimeException e) {
      // A client that hangs up mid-response must not hurt the next scrape.
      LOG.debug("request {} failed: {}", exchange.getRequestURI(), e.toString());
    }
  }
}
