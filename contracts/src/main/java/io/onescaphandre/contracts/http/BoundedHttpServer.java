package io.onescaphandre.contracts.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The JDK HTTP server as the agent and the operator both serve {@code /metrics}, {@code /healthz}
 * and {@code /readyz}: held under abuse by the server's own limits rather than socket code of ours,
 * the same on both sides (docs/interfaces.md). A request whose headers are not complete within
 * {@link #REQUEST_SECONDS} is closed, a response not sent within {@link #RESPONSE_SECONDS} too, at
 * most {@link #MAX_CONNECTIONS} connections are open per server (more are closed at once), and
 * headers are bounded in number and size.
 *
 * <p>The JDK server reads a request's headers on a worker thread, blocking: a connection that sends
 * half a request holds its thread until the deadline. So each server has its own pool with a thread
 * per allowed connection, made only when needed and ended after {@link #IDLE_THREAD_SECONDS} idle:
 * half-open connections cannot starve a scrape or a probe below the connection bound.
 */
public final class BoundedHttpServer implements AutoCloseable {
  public static final int MAX_CONNECTIONS = 256;
  public static final int REQUEST_SECONDS = 5;
  public static final int RESPONSE_SECONDS = 30;
  public static final int MAX_HEADERS = 64;
  public static final int MAX_HEADER_BYTES = 16 * 1024;

  /** Each live thread costs ~100 KiB of RSS (its stack's touched pages). */
  static final int IDLE_THREAD_SECONDS = 10;

  /** Connections waiting for accept() beyond the ones served. */
  static final int BACKLOG = 64;

  /** What a scrape answers in: OpenMetrics when the Accept header asks for it. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  public static final String OPENMETRICS_TEXT =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  static {
    // Read once by the JDK server when its first instance is made; an explicit -D wins.
    Map.of(
            "sun.net.httpserver.maxReqTime",
            Integer.toString(REQUEST_SECONDS),
            "sun.net.httpserver.maxRspTime",
            Integer.toString(RESPONSE_SECONDS),
            "jdk.httpserver.maxConnections",
            Integer.toString(MAX_CONNECTIONS),
            "sun.net.httpserver.maxReqHeaders",
            Integer.toString(MAX_HEADERS),
            "sun.net.httpserver.maxReqHeaderSize",
            Integer.toString(MAX_HEADER_BYTES))
        .forEach(System.getProperties()::putIfAbsent);
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private BoundedHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds (does not start) a server on its own pool of threads named {@code threadName}.
   *
   * @throws UncheckedIOException naming the address when it cannot be bound
   */
  public static BoundedHttpServer bind(InetSocketAddress address, String threadName) {
    ExecutorService pool =
        new ThreadPoolExecutor(
            0,
            MAX_CONNECTIONS + 8,
            IDLE_THREAD_SECONDS,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    try {
      HttpServer server = HttpServer.create(address, BACKLOG);
      server.setExecutor(pool);
      return new BoundedHttpServer(server, pool);
    } catch (IOException e) {
      pool.shutdownNow();
      throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
  }

  /** The content type of a scrape for the request's Accept header (null when it sent none). */
  public static String metricsContentType(String accept) {
    return accept != null && accept.contains("application/openmetrics-text")
        ? OPENMETRICS_TEXT
        : PROMETHEUS_TEXT;
  }

  /** The server, to add contexts to before {@link #start()}. */
  public HttpServer server() {
    return server;
  }

  public void start() {
    server.start();
  }

  /** The bound address (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
