package io.onescaphandre.operator.opennebula;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A local XML-RPC server (port 0) that answers like oned, per method, and records the calls. */
final class FakeOpenNebula implements AutoCloseable {
  static final String SESSION = "oneadmin:opennebula";

  /** Authenticated, with USE but not ADMIN rights on hosts (once {@link #statefulHosts} is on). */
  static final String VIEWER_SESSION = "viewer:opennebula";

  record Call(String method, String session, String body) {}

  /** How to answer one method: HTTP status, body, and an optional delay before answering. */
  record Reply(int status, String body, Duration delay) {
    static Reply ok(String xmlRpc) {
      return new Reply(200, xmlRpc, Duration.ZERO);
    }
  }

  private static final Pattern METHOD = Pattern.compile("<methodName>(.*?)</methodName>");
  private static final Pattern FIRST_STRING = Pattern.compile("<string>(.*?)</string>");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Reply> replies = new ConcurrentHashMap<>();
  private volatile FakeHostPool hostPool;
  final List<Call> calls = new CopyOnWriteArrayList<>();

  FakeOpenNebula() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext(
        "/RPC2",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String method = group(METHOD, body);
          String session = group(FIRST_STRING, body);
          calls.add(new Call(method, session, body));
          Reply reply = replyFor(method, session, body);
          try {
            // A slow oned, when a test asks for one (Reply.delay): the point of that test.
            Thread.sleep(reply.delay().toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/xml");
          try {
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(bytes);
            }
          } catch (IOException clientWentAway) {
            // the client timed out first; nothing to answer
          }
        });
    server.start();
  }

  private Reply replyFor(String method, String session, String body) {
    if (!SESSION.equals(session) && !(VIEWER_SESSION.equals(session) && hostPool != null)) {
      return Reply.ok(
          OpenNebulaFixtures.error(
              "[" + method + "] User couldn't be authenticated, aborting call.", 256));
    }
    if (hostPool != null && hostPool.answers(method)) {
      return Reply.ok(hostPool.answer(method, !VIEWER_SESSION.equals(session), body));
    }
    Reply reply = replies.get(method);
    return reply != null ? reply : Reply.ok(OpenNebulaFixtures.noSuchMethodFault(method));
  }

  FakeOpenNebula answer(String method, Reply reply) {
    replies.put(method, reply);
    return this;
  }

  /**
   * From now on one.hostpool.info, one.host.info and one.host.update answer from these hosts, and
   * one.host.update changes their TEMPLATE as oned does ({@link FakeHostPool}).
   */
  FakeOpenNebula statefulHosts(List<OpenNebulaFixtures.HostFixture> hosts) {
    hostPool = new FakeHostPool(hosts);
    return this;
  }

  FakeHostPool hostPool() {
    return hostPool;
  }

  FakeOpenNebula answerBody(String method, String poolXml) {
    return answer(method, Reply.ok(OpenNebulaFixtures.success(poolXml)));
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/RPC2");
  }

  OpenNebulaConnectionSettings settings(String session, Duration timeout) {
    return new OpenNebulaConnectionSettings(endpoint(), session, false, null, timeout);
  }

  OpenNebulaConnectionSettings settings() {
    return settings(SESSION, Duration.ofSeconds(5));
  }

  List<String> methodsCalled() {
    return calls.stream().map(Call::method).toList();
  }

  private static String group(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    return matcher.find() ? matcher.group(1) : "";
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
