package io.onescaphandre.agent.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.onescaphandre.agent.metrics.Exposition;
import io.onescaphandre.agent.metrics.MetricsPublisher;
import io.onescaphandre.agent.sampling.SamplingHealth;
import io.onescaphandre.contracts.http.BoundedHttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JDK HTTP server: {@code /metrics} (Prometheus text 0.0.4, OpenMetrics 1.0 when the Accept header
 * asks, gzip when accepted), {@code /healthz} and {@code /readyz} (see {@link SamplingHealth}).
 * Scrapes never trigger a sample.
 *
 * <p>Held under abuse by the JDK server's own limits, the operator's alike: see {@link
 * BoundedHttpServer}.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
  static final int REQUEST_SECONDS = BoundedHttpServer.REQUEST_SECONDS;

  private final BoundedHttpServer bounded;
  private final HttpServer server;

  /**
   * @throws IOException naming the address when it cannot be bound
   */
  public MetricsServer(InetSocketAddress address, MetricsPublisher publisher, SamplingHealth health)
      throws IOException {
    try {
      bounded = BoundedHttpServer.bind(address, "http");
    } catch (UncheckedIOException e) {
      throw new IOException(e.getMessage(), e.getCause());
    }
    server = bounded.server();
    server.createContext(
        "/metrics", exchange -> handle(exchange, () -> metrics(exchange, publisher)));
    server.createContext(
        "/healthz",
        exchange -> handle(exchange, () -> probe(exchange, health.live(), health.liveDetail())));
    server.createContext(
        "/readyz",
        exchange -> handle(exchange, () -> probe(exchange, health.ready(), health.readyDetail())));
    server.createContext(
        "/",
        exchange ->
            handle(
                exchange,
                () -> {
                  if (exchange.getRequestURI().getPath().equals("/")) {
                    send(
                        exchange,
                        200,
                        "text/html; charset=utf-8",
                        "<html><body><a href=\"/metrics\">metrics</a></body></html>\n",
                        false);
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
    server.createContext(
        path,
        exchange ->
            handle(
                exchange,
                () -> {
                  if (!exchange.getRequestURI().getPath().equals(path)) {
                    send(exchange, 404, "text/plain; charset=utf-8", "not found\n", false);
                    return;
                  }
                  TextAnswer reply = answer.apply(exchange.getRequestURI());
                  send(exchange, reply.status(), "text/plain; charset=utf-8", reply.body(), false);
                }));
  }

  public void start() {
    bounded.start();
    LOG.info("serving /metrics on {}", server.getAddress());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    bounded.close();
  }

  /** Serves the bytes rendered when the last sample was published: no rendering per scrape. */
  private static void metrics(HttpExchange exchange, MetricsPublisher publisher)
      throws IOException {
    String contentType =
        BoundedHttpServer.metricsContentType(exchange.getRequestHeaders().getFirst("Accept"));
    boolean openMetrics = !contentType.equals(BoundedHttpServer.PROMETHEUS_TEXT);
    Exposition exposition = publisher.exposition();
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    byte[] body;
    if (acceptsGzip(exchange)) {
      exchange.getResponseHeaders().set("Content-Encoding", "gzip");
      body = exposition.gzipped(openMetrics);
    } else {
      body = exposition.body(openMetrics);
    }
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static void probe(HttpExchange exchange, boolean ok, String detail) throws IOException {
    send(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", detail + "\n", false);
  }

  private static boolean acceptsGzip(HttpExchange exchange) {
    List<String> values = exchange.getRequestHeaders().get("Accept-Encoding");
    return values != null && values.stream().anyMatch(v -> v.contains("gzip"));
  }

  private static void send(
      HttpExchange exchange, int status, String contentType, String body, boolean gzip)
      throws IOException {
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
