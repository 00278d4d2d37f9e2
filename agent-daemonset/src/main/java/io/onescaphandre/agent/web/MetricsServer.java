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
import io.onescaphandre.agent.sampling.SamplingHealth;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JDK HTTP server: {@code /metrics} (Prometheus text 0.0.4, OpenMetrics 1.0 when the Accept header
 * asks, gzip when accepted), {@code /healthz} and {@code /readyz} (see {@link SamplingHealth}).
 * Scrapes never trigger a sample.
 *
 * <p>Held under abuse by the JDK server's own limits rather than socket code of ours: a request
 * whose headers are not complete within {@link #REQUEST_SECONDS} is closed, a response not sent
 * within {@link #RESPONSE_SECONDS} too, at most {@link #MAX_CONNECTIONS} connections are open
 * (more are closed at once), headers are bounded in number and size. The JDK server reads a
 * request's headers on a worker thread, blocking: a connection that sends half a request holds its
 * thread until the deadline. So the pool has one thread per allowed connection, created only when
 * needed: half-open connections cannot starve a scrape or a probe below the connection bound.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
  static final int MAX_CONNECTIONS = 256;
  static final int REQUEST_SECONDS = 5;
  static final int RESPONSE_SECONDS = 30;
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  static {
    // Read once by the JDK server when its first instance is made; an explicit -D wins.
    java.util.Map.of("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS),
        "sun.net.httpserver.maxRspTime", Integer.toString(RESPONSE_SECONDS),
        "jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS),
        "sun.net.httpserver.maxReqHeaders", "64",
        "sun.net.httpserver.maxReqHeaderSize", "16384").forEach(System.getProperties()::putIfAbsent);
  }

  private final HttpServer server;
  private final ExecutorService executor;

  public MetricsServer(InetSocketAddress address, MetricsPublisher publisher, SamplingHealth health)
      throws IOException {
    server = HttpServer.create(address, 64);
    // Threads come and go with connections, up to one per allowed connection. Each costs ~100 KiB
    // of RSS (its stack's shadow pages) while it lives: idle ones end after 10 s.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, MAX_CONNECTIONS + 8, 10, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "http");
          t.setDaemon(true);
          return t;
        });
    executor = pool;
    server.setExecutor(executor);
    server.createContext("/metrics", exchange -> handle(exchange, () -> metrics(exchange, publisher)));
    server.createContext("/healthz", exchange -> handle(exchange,
        () -> probe(exchange, health.live(), health.liveDetail())));
    server.createContext("/readyz", exchange -> handle(exchange,
        () -> probe(exchange, health.ready(), health.readyDetail())));
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

  private static void probe(HttpExchange exchange, boolean ok, String detail) throws IOException {
    send(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", detail + "\n", false);
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
