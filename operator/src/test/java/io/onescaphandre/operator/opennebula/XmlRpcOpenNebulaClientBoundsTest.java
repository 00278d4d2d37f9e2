package io.onescaphandre.operator.opennebula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.onescaphandre.operator.opennebula.OpenNebulaException.Kind;
import io.onescaphandre.operator.opennebula.OpenNebulaFixtures.HostFixture;
import io.onescaphandre.operator.opennebula.OpenNebulaFixtures.VmFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against servers that misbehave on purpose: one deadline for the whole call, a cap on
 * the answer's size, duplicate ids, answers that are not XML, a server that echoes the session.
 * Wall-time assertions are generous bounds (the deadline plus seconds), not measurements.
 */
class XmlRpcOpenNebulaClientBoundsTest {
  private static final String SESSION = "oneadmin:s3cr3t-pass";

  /** Writes one answer into an exchange. */
  @FunctionalInterface
  interface Handler {
    void handle(HttpExchange exchange) throws IOException, InterruptedException;
  }

  private HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private volatile Handler handler;
  private final AtomicLong requests = new AtomicLong();
  private final List<Duration> sleeps = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext(
        "/RPC2",
        exchange -> {
          requests.incrementAndGet();
          exchange.getRequestBody().readAllBytes();
          try {
            handler.handle(exchange);
          } catch (IOException | InterruptedException clientWentAway) {
            // the client gave up first, as it should
          } finally {
            exchange.close();
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  private OpenNebulaConnectionSettings settings(Duration timeout) {
    URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/RPC2");
    return new OpenNebulaConnectionSettings(endpoint, SESSION, false, null, timeout);
  }

  private XmlRpcOpenNebulaClient client(Duration timeout, long maxAnswerBytes) {
    return new XmlRpcOpenNebulaClient(
        settings(timeout),
        new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(100)),
        sleeps::add,
        new AnswerLimits(maxAnswerBytes));
  }

  private static void answer(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void aServerTricklingItsAnswerIsCutAtTheDeadline() {
    byte[] answer =
        OpenNebulaFixtures.success(OpenNebulaFixtures.hostPool(OpenNebulaFixtures.HOSTS))
            .getBytes(StandardCharsets.UTF_8);
    handler =
        exchange -> {
          exchange.sendResponseHeaders(200, answer.length);
          OutputStream out = exchange.getResponseBody();
          for (byte b :
              answer) { // one byte every 200 ms: headers at once, the body never within the
            // deadline
            out.write(b);
            out.flush();
            Thread.sleep(200);
          }
        };
    long start = System.nanoTime();
    assertThatThrownBy(() -> client(Duration.ofSeconds(1), 1 << 20).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
              assertThat(e.getMessage())
                  .contains(
                      "did not give its whole answer to one.hostpool.info within the"
                          + " timeout of PT1S",
                      "connecting, the headers and the body",
                      "bytes of the body received");
            });
    assertThat(millisSince(start))
        .as("bounded by the deadline, not by the answer")
        .isLessThan(4_000);
    assertThat(requests.get()).as("no time was left for a retry").isEqualTo(1);
  }

  @Test
  void aServerStallingAfterItsHeadersIsCutAtTheDeadline() {
    handler =
        exchange -> {
          exchange.sendResponseHeaders(200, 0); // chunked
          exchange
              .getResponseBody()
              .write("<?xml version=\"1.0\"?><methodResponse>".getBytes(StandardCharsets.UTF_8));
          exchange.getResponseBody().flush();
          Thread.sleep(60_000); // the misbehaviour under test: it stalls after its headers
        };
    long start = System.nanoTime();
    assertThatThrownBy(() -> client(Duration.ofMillis(800), 1 << 20).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
              assertThat(e.getMessage()).contains("within the timeout of PT0.8S");
            });
    assertThat(millisSince(start)).isLessThan(4_000);
  }

  @Test
  void aServerThatNeverSendsHeadersIsCutAtTheDeadline() {
    handler = exchange -> Thread.sleep(60_000); // the misbehaviour under test: no headers ever
    long start = System.nanoTime();
    assertThatThrownBy(() -> client(Duration.ofMillis(500), 1 << 20).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
              assertThat(e.getMessage()).contains("within the timeout of PT0.5S");
            });
    assertThat(millisSince(start)).isLessThan(4_000);
  }

  @Test
  void anAnswerLargerThanTheCapIsRefusedWhileItStreamsIn() {
    // 170,000 copies of one HOST, generated while sent, never announced by a Content-Length.
    String head =
        "<?xml version=\"1.0\"?><methodResponse><params><param><value><array><data>"
            + "<value><boolean>1</boolean></value><value><string>&lt;HOST_POOL&gt;";
    StringBuilder host = new StringBuilder();
    OpenNebulaFixtures.appendHost(OpenNebulaFixtures.HOSTS.get(0), host);
    byte[] hostBytes = OpenNebulaFixtures.esc(host.toString()).getBytes(StandardCharsets.UTF_8);
    AtomicLong sent = new AtomicLong();
    handler =
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          OutputStream out = exchange.getResponseBody();
          out.write(head.getBytes(StandardCharsets.UTF_8));
          for (int i = 0; i < 170_000; i++) {
            out.write(hostBytes);
            sent.addAndGet(hostBytes.length);
          }
        };
    assertThatThrownBy(() -> client(Duration.ofSeconds(20), 1 << 20).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.ANSWER_TOO_LARGE);
              assertThat(e.getMessage())
                  .contains(
                      "answer to one.hostpool.info",
                      "larger than the cap of 1 MiB",
                      "--opennebula.max-answer-size",
                      "--max-answer-size");
            });
    assertThat(requests.get()).as("a too large answer is not asked again").isEqualTo(1);
    assertThat(sent.get())
        .as("the server could not send it all: the client stopped reading")
        .isLessThan(170_000L * hostBytes.length);
  }

  @Test
  void anAnnouncedContentLengthOverTheCapIsRefusedBeforeReading() {
    handler =
        exchange -> {
          exchange.sendResponseHeaders(200, 50L << 20);
          Thread.sleep(60_000);
        };
    long start = System.nanoTime();
    assertThatThrownBy(() -> client(Duration.ofSeconds(20), 1 << 20).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.ANSWER_TOO_LARGE);
              assertThat(e.getMessage())
                  .contains(52_428_800 + " bytes announced by Content-Length");
            });
    assertThat(millisSince(start)).isLessThan(5_000);
  }

  @Test
  void aHostPoolGivingOneIdToTwoHostsIsRefusedNamingBoth() {
    List<HostFixture> hosts =
        List.of(
            new HostFixture(3, "kvm-a", "kvm-a", "kvm", "kvm", 2, 0, "default"),
            new HostFixture(5, "kvm-b", "kvm-b", "kvm", "kvm", 2, 0, "default"),
            new HostFixture(3, "kvm-c", "kvm-c", "kvm", "kvm", 2, 0, "default"));
    handler =
        exchange ->
            answer(exchange, OpenNebulaFixtures.success(OpenNebulaFixtures.hostPool(hosts)));
    assertThatThrownBy(() -> client(Duration.ofSeconds(5), 1 << 20).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.MALFORMED_ANSWER);
              assertThat(e.getMessage())
                  .contains(
                      "one.hostpool.info is refused",
                      "host id 3 appears more than once",
                      "HOST number 1 of the pool (NAME kvm-a)",
                      "number 3 (NAME kvm-c)");
            });
  }

  @Test
  void aVmPoolGivingOneIdToTwoVmsIsRefusedNamingBoth() {
    List<VmFixture> vms =
        List.of(
            OpenNebulaFixtures.VMS.get(0),
            new VmFixture(40, "web-1-again", "eve", "users", 3, 3, List.of()));
    handler =
        exchange ->
            answer(exchange, OpenNebulaFixtures.success(OpenNebulaFixtures.vmPoolShort(vms)));
    assertThatThrownBy(
            () ->
                client(Duration.ofSeconds(5), 1 << 20)
                    .vmPool(OpenNebulaClient.VmStateFilter.ACTIVE))
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.MALFORMED_ANSWER);
              assertThat(e.getMessage())
                  .contains(
                      "VM id 40 appears more than once",
                      "VM number 1 of the pool (NAME web-1)",
                      "number 2 (NAME web-1-again)");
            });
  }

  @Test
  void aBodyThatIsNotXmlIsSaidSoWithItsStart() {
    handler = exchange -> answer(exchange, OpenNebulaFixtures.success("a".repeat(300_000)));
    assertThatThrownBy(() -> client(Duration.ofSeconds(5), 1 << 20).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.MALFORMED_ANSWER);
              assertThat(e.getMessage())
                  .contains("is not an XML document: it starts with 'aaaa")
                  .doesNotContain("prolog");
            });
  }

  @Test
  void aMalformedEnvelopeSaysWhere() {
    handler =
        exchange ->
            answer(
                exchange,
                "<?xml version=\"1.0\"?>\n<methodResponse><params><param>"
                    + "<value><array><data></value></methodResponse>");
    assertThatThrownBy(() -> client(Duration.ofSeconds(5), 1 << 20).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.MALFORMED_ANSWER);
              assertThat(e.getMessage()).containsPattern("at character \\d+ of the answer");
            });
  }

  @Test
  void aServerEchoingTheSessionNeverGetsItIntoTheMessage() {
    handler =
        exchange ->
            answer(
                exchange,
                OpenNebulaFixtures.error(
                    "[one.hostpool.info] bad session " + SESSION + " (password s3cr3t-pass)", 256));
    assertThatThrownBy(() -> client(Duration.ofSeconds(5), 1 << 20).hostPool())
        .isInstanceOfSatisfying(
            OpenNebulaException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
              assertThat(e.getMessage())
                  .contains("bad session *** (password ***)")
                  .doesNotContain("s3cr3t");
              for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cr3t");
              }
            });
  }
}
