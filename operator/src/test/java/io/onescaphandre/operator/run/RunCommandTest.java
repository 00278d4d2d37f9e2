package io.onescaphandre.operator.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.onescaphandre.operator.OperatorMain;
import io.onescaphandre.operator.testsupport.MockCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunCommandTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static RunCommand parse(String... args) {
    CommandLine cli = OperatorMain.commandLine();
    CommandLine.ParseResult result = cli.parseArgs(args);
    return (RunCommand) result.subcommand().commandSpec().userObject();
  }

  @Test
  void defaultsMatchTheChartAndTheImageBuild() {
    RunCommand run = parse("run");
    assertThat(run.admission.defaultAgentImage()).isEqualTo("one-scaphandre-agent:0.1.0");
    assertThat(run.leaderElection).isFalse();
    assertThat(run.namespaces).isEmpty();
    assertThat(run.metricsAddress.getPort()).isEqualTo(8080);
    assertThat(run.metricsAddress.getAddress().isAnyLocalAddress()).isTrue();
    assertThat(run.healthAddress.getPort()).isEqualTo(8081);
  }

  @Test
  void acceptsWhatTheChartPasses() {
    RunCommand run =
        parse(
            "run",
            "--default-agent-image=registry.example/agent:1.2",
            "--leader-election",
            "--namespaces",
            "monitoring,lab",
            "--web.listen-address=127.0.0.1:9090",
            "--health.listen-address",
            "[::1]:9091");
    assertThat(run.admission.defaultAgentImage()).isEqualTo("registry.example/agent:1.2");
    assertThat(run.leaderElection).isTrue();
    assertThat(run.namespaces).containsExactly("monitoring", "lab");
    assertThat(run.metricsAddress).isEqualTo(new InetSocketAddress("127.0.0.1", 9090));
    assertThat(run.healthAddress.getPort()).isEqualTo(9091);
  }

  @Test
  void rejectsAListenAddressWithoutPort() {
    java.io.StringWriter err = new java.io.StringWriter();
    CommandLine cli = OperatorMain.commandLine().setErr(new java.io.PrintWriter(err));
    assertThat(cli.execute("run", "--web.listen-address=localhost")).isEqualTo(2);
    assertThat(err.toString()).contains("'localhost' is not [HOST]:PORT such as :8080");
  }

  @Test
  void helpListsTheSubcommands() {
    java.io.StringWriter out = new java.io.StringWriter();
    CommandLine cli = OperatorMain.commandLine().setOut(new java.io.PrintWriter(out));
    assertThat(cli.execute("--help")).isZero();
    assertThat(out.toString()).contains("run", "render", "generate-conf");
  }

  @Test
  void servesMetricsAndHealthWhileRunning() throws Exception {
    try (MockCluster cluster = MockCluster.start()) {
      RunCommand run =
          parse("run", "--web.listen-address=127.0.0.1:0", "--health.listen-address=127.0.0.1:0");
      try (RunCommand.Running running = run.start(cluster.client(), false)) {
        InetSocketAddress health = running.endpoints().healthAddress();
        InetSocketAddress metrics = running.endpoints().metricsAddress();
        assertThat(health.getPort()).isNotEqualTo(metrics.getPort());
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> assertThat(get(health, "/readyz", Map.of()).statusCode()).isEqualTo(200));
        assertThat(get(health, "/healthz", Map.of()).body()).isEqualTo("ok\n");
        HttpResponse<String> scrape = get(metrics, "/metrics", Map.of());
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type"))
            .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
        assertThat(scrape.body()).contains("jvm_memory_used_bytes", "process_uptime_seconds");
        HttpResponse<String> open =
            get(
                metrics,
                "/metrics",
                Map.of("Accept", "application/openmetrics-text; version=1.0.0"));
        assertThat(open.headers().firstValue("Content-Type"))
            .hasValueSatisfying(v -> assertThat(v).startsWith("application/openmetrics-text"));
        assertThat(open.body()).endsWith("# EOF\n");
        assertThat(get(metrics, "/readyz", Map.of()).statusCode()).isEqualTo(404);
        HttpResponse<String> post =
            HTTP.send(
                HttpRequest.newBuilder(uri(health, "/healthz"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
      }
    }
  }

  @Test
  void readinessFailsUntilTheOperatorHasStarted() {
    try (MockCluster cluster = MockCluster.start()) {
      var operator =
          io.onescaphandre.operator.reconciler.MonitorOperator.builder(cluster.client())
              .withServerSideApply(false)
              .build();
      OperatorEndpoints.Health before = RunCommand.readiness(operator.getRuntimeInfo());
      assertThat(before.ok()).isFalse();
      assertThat(before.detail()).contains("not started");
    }
  }

  @Test
  void oneServerWhenBothAddressesAreTheSame() throws IOException, InterruptedException {
    var registry =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    int port;
    try (java.net.ServerSocket free =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    {
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
      try (OperatorEndpoints endpoints =
          OperatorEndpoints.start(
              address,
              address,
              registry,
              () -> new OperatorEndpoints.Health(true, "ok"),
              () -> new OperatorEndpoints.Health(false, "waiting"))) {
        assertThat(get(address, "/metrics", Map.of()).statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get(address, "/readyz", Map.of());
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo("waiting\n");
        assertThat(endpoints.healthAddress()).isEqualTo(endpoints.metricsAddress());
      }
    }
  }

  private static URI uri(InetSocketAddress address, String path) {
    return URI.create("http://127.0.0.1:" + address.getPort() + path);
  }

  private static HttpResponse<String> get(
      InetSocketAddress address, String path, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(address, path)).GET();
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theAdmissionPolicyAndAnswerCapComeFromFlags() {
    RunCommand defaults = parse("run");
    assertThat(defaults.admission.policy().agentImages())
        .containsExactly("one-scaphandre-agent:0.1.0", "hubblo/scaphandre:1.0.2");
    assertThat(defaults.admission.policy().initImages())
        .containsExactly("one-scaphandre-agent:0.1.0", "busybox:1.37.0");
    assertThat(defaults.admission.policy().extraArgsAllowed()).isFalse();
    assertThat(defaults.admission.policy().privilegedPowerSourcesAllowed()).isFalse();
    assertThat(defaults.allowedOpenNebulaEndpoints).isEmpty();
    assertThat(defaults.maxAnswerBytes).isEqualTo(256L << 20);

    RunCommand run =
        parse(
            "run",
            "--allowed-agent-images=",
            "--allowed-init-images=a/init:1,b/init@sha256:*",
            "--allow-agent-extra-args",
            "--allowed-opennebula-endpoints=http://f:2633/RPC2,https://g/RPC2",
            "--opennebula.max-answer-size=1Gi",
            "--allow-privileged-power-sources");
    assertThat(run.admission.policy().agentImages())
        .as("empty: only the default")
        .containsExactly("one-scaphandre-agent:0.1.0");
    assertThat(run.admission.policy().initImages())
        .containsExactly("one-scaphandre-agent:0.1.0", "a/init:1", "b/init@sha256:*");
    assertThat(run.admission.policy().extraArgsAllowed()).isTrue();
    assertThat(run.admission.policy().privilegedPowerSourcesAllowed()).isTrue();
    assertThat(run.allowedOpenNebulaEndpoints)
        .containsExactly("http://f:2633/RPC2", "https://g/RPC2");
    assertThat(run.maxAnswerBytes).isEqualTo(1L << 30);
  }
}
