package io.onescaphandre.agent.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Opens N connections to a local server and trickles a request that never ends: the request line
 * and a header name, then one byte every 100 ms on each. Bounded: it stops on close, or after 60 s.
 * Used by the HTTP abuse test and the benchmark that measures the agent's RSS under it.
 */
public final class SlowLoris implements AutoCloseable {
  private static final long MAX_RUN_MILLIS = 60_000;
  private final InetSocketAddress target;
  private final int connections;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Socket> closedByServer = new CopyOnWriteArrayList<>();
  private volatile boolean running = true;
  private Thread writer;

  public SlowLoris(InetSocketAddress target, int connections) {
    this.target = target;
    this.connections = connections;
  }

  /** Opens the connections and sends their half requests, then trickles from a daemon thread. */
  public void start() throws IOException {
    for (int i = 0; i < connections; i++) {
      Socket socket = new Socket();
      socket.connect(target, 5_000);
      socket.setSoTimeout(1);
      socket
          .getOutputStream()
          .write(
              ("GET /metrics HTTP/1.1\r\nHost: agent\r\nX-Slow-" + i + ": ")
                  .getBytes(StandardCharsets.US_ASCII));
      sockets.add(socket);
    }
    writer = new Thread(this::trickle, "slow-loris");
    writer.setDaemon(true);
    writer.start();
  }

  private void trickle() {
    long deadline = System.currentTimeMillis() + MAX_RUN_MILLIS;
    byte[] one = {'a'};
    byte[] scratch = new byte[256];
    while (running && System.currentTimeMillis() < deadline) {
      for (Socket socket : sockets) {
        if (closedByServer.contains(socket)) {
          continue;
        }
        try {
          OutputStream out = socket.getOutputStream();
          out.write(one);
          out.flush();
          InputStream in = socket.getInputStream();
          try {
            if (in.read(scratch) < 0) {
              closedByServer.add(socket);
            }
          } catch (SocketTimeoutException stillOpen) {
            // nothing from the server yet: the request is still half-sent
          }
        } catch (IOException e) {
          closedByServer.add(socket);
        }
      }
      try {
        Thread.sleep(100); // the attack itself: one byte per connection every 100 ms
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Connections opened so far, waiting up to {@code timeout} for all. A count rather than a
   * failure: the benchmark reports how many there were.
   */
  public int awaitOpen(Duration timeout) {
    awaitAtMost(timeout, Duration.ofMillis(20), () -> sockets.size() >= connections);
    return sockets.size();
  }

  /** Connections the server has closed, waiting up to {@code timeout} for all. */
  public int awaitClosedByServer(Duration timeout) {
    awaitAtMost(timeout, Duration.ofMillis(100), () -> closedByServer.size() >= connections);
    return closedByServer.size();
  }

  private static void awaitAtMost(Duration timeout, Duration poll, Callable<Boolean> done) {
    try {
      Awaitility.await().atMost(timeout).pollInterval(poll).until(done);
    } catch (ConditionTimeoutException notAll) {
      // the caller reports or asserts the count reached
    }
  }

  @Override
  public void close() throws Exception {
    running = false;
    if (writer != null) {
      writer.join(5_000);
    }
    for (Socket socket : sockets) {
      socket.close();
    }
  }

  /** Times {@code n} plain GETs of {@code path}, each on a new connection; fails on a non-200. */
  public static List<Long> timeRequests(int port, String path, int n) throws Exception {
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      get(port, path, null);
      millis.add((System.nanoTime() - start) / 1_000_000);
      Thread.sleep(50); // spaced like scrapes, not a burst the server could serve from one read
    }
    return millis;
  }

  /**
   * One GET over a fresh connection ({@code Connection: close}); the whole response, headers
   * included, read as ISO-8859-1 (a gzip body stays intact). Fails unless the answer is 200.
   *
   * @param headers more request header lines (without the last CRLF), or null
   */
  public static String get(int port, String path, String headers) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("GET "
                      + path
                      + " HTTP/1.1\r\nHost: scraper\r\n"
                      + (headers == null ? "" : headers + "\r\n")
                      + "Connection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String response =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      if (!response.startsWith("HTTP/1.1 200")) {
        throw new AssertionError(
            "GET " + path + " answered " + response.lines().findFirst().orElse("nothing"));
      }
      return response;
    }
  }

  /** Median and max of a list of durations. */
  public record Stats(long median, long max) {
    public static Stats of(List<Long> millis) {
      List<Long> sorted = millis.stream().sorted().toList();
      return new Stats(sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
    }
  }
}
