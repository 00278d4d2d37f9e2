package io.onescaphandre.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A real Prometheus 3 (built by build-binaries.sh) on a free loopback port with a given config. */
public final class PrometheusServer implements AutoCloseable {
  private final ManagedProcess process;
  private final String baseUrl;
  private final Path configFile;

  private PrometheusServer(ManagedProcess process, String baseUrl, Path configFile) {
    this.process = process;
    this.baseUrl = baseUrl;
    this.configFile = configFile;
  }

  /**
   * Writes the config (and rule files next to it), checks it with promtool, starts and waits for
   * ready.
   */
  public static PrometheusServer start(
      String name, String configYaml, Map<String, String> ruleFiles) {
    Path dir = E2e.work("prometheus-" + name);
    Path config = dir.resolve("prometheus.yml");
    try {
      Files.writeString(config, configYaml);
      for (var rule : ruleFiles.entrySet()) {
        Files.writeString(dir.resolve(rule.getKey()), rule.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Kubectl.Result check =
        Kubectl.Commands.run(
            List.of(E2e.bin("promtool").toString(), "check", "config", config.toString()),
            null,
            60);
    if (check.exitCode() != 0) {
      throw new AssertionError(
          "promtool check config failed for "
              + name
              + ":\n"
              + check.stdout()
              + check.stderr()
              + "\n--- config ---\n"
              + configYaml);
    }
    int port = Loopback.freePort();
    String baseUrl = "http://127.0.0.1:" + port;
    ManagedProcess process =
        ManagedProcess.start(
            "prometheus-" + name,
            List.of(
                E2e.bin("prometheus").toString(),
                "--config.file=" + config,
                "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.enable-lifecycle"),
            Map.of());
    PrometheusServer server = new PrometheusServer(process, baseUrl, config);
    server.awaitReady(Duration.ofSeconds(60));
    return server;
  }

  public PromQl api() {
    return new PromQl(baseUrl);
  }

  public String baseUrl() {
    return baseUrl;
  }

  public Path configFile() {
    return configFile;
  }

  public ManagedProcess process() {
    return process;
  }

  /** Rewrites the config and asks Prometheus to reload it (POST /-/reload). */
  public void reload(String configYaml) {
    try {
      Files.writeString(configFile, configYaml);
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(baseUrl + "/-/reload"))
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError(
            "reload refused: " + response.statusCode() + " " + response.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private void awaitReady(Duration timeout) {
    ProcessWaits.untilOk(
        process, "Prometheus to be ready", URI.create(baseUrl + "/-/ready"), timeout);
  }

  @Override
  public void close() {
    process.close();
  }
}
