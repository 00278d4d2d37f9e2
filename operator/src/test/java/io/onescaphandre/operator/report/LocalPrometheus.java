package io.onescaphandre.operator.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus on loopback whose TSDB was filled by {@code promtool tsdb create-blocks-from
 * openmetrics}: Debian's package {@code prometheus} (installed by .ci/run), else the e2e cache's
 * build. Missing binaries skip the calling test, except with CI=true where they fail it.
 */
final class LocalPrometheus implements AutoCloseable {
  private final Process process;
  private final URI url;

  private LocalPrometheus(Process process, URI url) {
    this.process = process;
    this.url = url;
  }

  static Path binary(String name) {
    for (Path candidate :
        List.of(
            Path.of("/usr/bin", name),
            Path.of(
                System.getenv()
                    .getOrDefault("ONE_SCAPHANDRE_E2E_CACHE", "/var/cache/one-scaphandre-e2e"),
                "bin",
                name))) {
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    if ("true".equals(System.getenv("CI"))) {
      assertThat((Path) null)
          .as(name + " (Debian package prometheus) is needed by this test")
          .isNotNull();
    }
    Assumptions.abort(name + " is not installed (Debian package prometheus)");
    return null;
  }

  /**
   * Backfills {@code openMetrics} into {@code dir}/data, starts Prometheus on it, waits until
   * ready.
   */
  static LocalPrometheus backfilled(Path openMetrics, Path dir) throws Exception {
    Path promtool = binary("promtool");
    Path prometheus = binary("prometheus");
    Path data = dir.resolve("data");
    Process backfill =
        new ProcessBuilder(
                promtool.toString(),
                "tsdb",
                "create-blocks-from",
                "openmetrics",
                // a few large blocks instead of one per 2 h: seconds instead of minutes
                "--max-block-duration=1000h",
                openMetrics.toString(),
                data.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("backfill.log").toFile())
            .start();
    assertThat(backfill.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(backfill.exitValue()).as(Files.readString(dir.resolve("backfill.log"))).isZero();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, "global:\n  scrape_interval: 1m\nscrape_configs: []\n");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process process =
        new ProcessBuilder(
                prometheus.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + data,
                "--storage.tsdb.retention.time=100y",
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    LocalPrometheus server = new LocalPrometheus(process, URI.create("http://127.0.0.1:" + port));
    HttpClient http = HttpClient.newHttpClient();
    try {
      Awaitility.await("Prometheus to be ready")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException("Prometheus exited");
                }
                return ready(http, server.url);
              });
      return server;
    } catch (ConditionTimeoutException | IllegalStateException notReady) {
      server.close();
      throw new AssertionError(
          "Prometheus did not become ready:\n" + Files.readString(dir.resolve("prometheus.log")),
          notReady);
    }
  }

  private static boolean ready(HttpClient http, URI url) throws InterruptedException {
    try {
      return http.send(
                  HttpRequest.newBuilder(url.resolve("/-/ready")).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException notYet) {
      return false; // starting
    }
  }

  URI url() {
    return url;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
