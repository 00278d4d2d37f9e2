package io.onescaphandre.operator.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP side of the report: form-encoded instant queries, a bearer token, the answers Prometheus
 * gives.
 */
class PrometheusQueriesTest {
  private HttpServer server;
  private final List<String> forms = new CopyOnWriteArrayList<>();
  private volatile String answer =
      "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
          + "{\"metric\":{\"one_vm_id\":\"7\"},\"value\":[1790000000,\"3600000\"]}]}}";

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/prom/api/v1/query",
        exchange -> {
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          forms.add(
              URLDecoder.decode(
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                  StandardCharsets.UTF_8));
          byte[] body =
              ("Bearer s3cret".equals(auth) ? answer : "Unauthorized")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders("Bearer s3cret".equals(auth) ? 200 : 401, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/prom");
  }

  @Test
  void postsTheQueryAndItsTimeWithTheTokenUnderAPathPrefix() {
    var samples =
        new PrometheusQueries(base(), Duration.ofSeconds(5), "s3cret")
            .vector("sum by (one_vm_id) (x)", Instant.ofEpochSecond(1790000000));
    assertThat(samples)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.labels()).containsEntry("one_vm_id", "7");
              assertThat(s.value()).isEqualTo(3_600_000);
            });
    assertThat(forms).containsExactly("query=sum by (one_vm_id) (x)&time=1790000000");
  }

  @Test
  void aRefusedTokenAnErrorAnswerAndAnotherResultTypeAreClearErrors() {
    assertThatThrownBy(
            () ->
                new PrometheusQueries(base(), Duration.ofSeconds(5), "wrong")
                    .vector("x", Instant.EPOCH))
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("--bearer-token-file");
    answer =
        "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"query processing would load too many samples\"}";
    assertThatThrownBy(
            () ->
                new PrometheusQueries(base(), Duration.ofSeconds(5), "s3cret")
                    .vector("x", Instant.EPOCH))
        .hasMessageContaining("execution: query processing would load too many samples");
    answer = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}";
    assertThatThrownBy(
            () ->
                new PrometheusQueries(base(), Duration.ofSeconds(5), "s3cret")
                    .vector("x", Instant.EPOCH))
        .hasMessageContaining("matrix, not a vector");
    answer = "<html>proxy error</html>";
    assertThatThrownBy(
            () ->
                new PrometheusQueries(base(), Duration.ofSeconds(5), "s3cret")
                    .vector("x", Instant.EPOCH))
        .hasMessageContaining("not its API's JSON");
  }
}
