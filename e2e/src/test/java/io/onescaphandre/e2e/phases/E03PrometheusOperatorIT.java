package io.onescaphandre.e2e.phases;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.e2e.support.E2e;
import io.onescaphandre.e2e.support.Figures;
import io.onescaphandre.e2e.support.GeneratedPrometheusConfig;
import io.onescaphandre.e2e.support.Kubectl;
import io.onescaphandre.e2e.support.ManagedProcess;
import io.onescaphandre.e2e.support.SharedFixtures;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Phase 3: the real Prometheus Operator, run as a process against this API server, turns a
 * Prometheus resource shaped like kube-prometheus-stack's into a generated config that selects
 * monitors by the release label, and its rule ConfigMap; promtool accepts the config.
 */
class E03PrometheusOperatorIT {
  private static final String NAMESPACE = "e2e-canary";

  @BeforeAll
  static void controlPlane() {
    E2e.assumeControlPlane();
  }

  @Test
  void generatedConfigSelectsMonitorsByReleaseLabelAndPassesPromtool() throws Exception {
    long start = System.nanoTime();
    String prometheus = SharedFixtures.kubePrometheusStackPrometheus();
    String initial =
        GeneratedPrometheusConfig.await(
            SharedFixtures.MONITORING_NAMESPACE, prometheus, Duration.ofSeconds(90));
    Figures.record(
        "prometheus-operator",
        "Prometheus resource -> generated config Secret",
        (System.nanoTime() - start) / 1e9,
        "s");
    assertThat(initial).contains("prometheus: monitoring/" + prometheus);

    SharedFixtures.ensureNamespace(NAMESPACE);
    Kubectl.applyServerSide("-", podMonitor("selected-canary", "release: kube-prometheus-stack"))
        .assertSuccess();
    Kubectl.applyServerSide("-", podMonitor("unselected-canary", "team: other")).assertSuccess();
    Awaitility.await("the selected PodMonitor's job in the generated config")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                GeneratedPrometheusConfig.jobNames(
                        GeneratedPrometheusConfig.current(
                            SharedFixtures.MONITORING_NAMESPACE, prometheus))
                    .contains("podMonitor/" + NAMESPACE + "/selected-canary/0"));
    String config =
        GeneratedPrometheusConfig.current(SharedFixtures.MONITORING_NAMESPACE, prometheus);
    assertThat(GeneratedPrometheusConfig.jobNames(config))
        .noneMatch(job -> job.contains("unselected-canary"));

    var file = E2e.work("prometheus-operator").resolve("generated.yaml");
    Files.writeString(file, config);
    var check =
        Kubectl.Commands.run(
            List.of(
                E2e.bin("promtool").toString(),
                "check",
                "config",
                "--syntax-only",
                file.toString()),
            null,
            60);
    assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();

    ManagedProcess operator = SharedFixtures.prometheusOperator();
    Figures.record(
        "prometheus-operator", "Prometheus Operator RSS", operator.rssKib() / 1024.0, "MiB");
  }

  @Test
  void selectedPrometheusRuleReachesTheRuleConfigMap() {
    String prometheus = SharedFixtures.kubePrometheusStackPrometheus();
    SharedFixtures.ensureNamespace(NAMESPACE);
    Kubectl.applyServerSide(
            "-",
            """
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata: {name: canary-rules, namespace: %s, labels: {release: kube-prometheus-stack}}
        spec:
          groups:
          - name: canary
            rules:
            - record: canary:up:sum
              expr: sum(up)
        """
                .formatted(NAMESPACE))
        .assertSuccess();
    var configMap =
        E2e.client()
            .configMaps()
            .inNamespace(SharedFixtures.MONITORING_NAMESPACE)
            .withName("prometheus-" + prometheus + "-rulefiles-0")
            .waitUntilCondition(
                cm ->
                    cm != null
                        && cm.getData() != null
                        && cm.getData().values().stream()
                            .anyMatch(v -> v.contains("canary:up:sum")),
                60,
                TimeUnit.SECONDS);
    assertThat(configMap.getData().keySet()).anyMatch(key -> key.contains("canary-rules"));
  }

  private static String podMonitor(String name, String label) {
    return """
        apiVersion: monitoring.coreos.com/v1
        kind: PodMonitor
        metadata: {name: %s, namespace: %s, labels: {%s}}
        spec:
          selector: {matchLabels: {app: canary}}
          podMetricsEndpoints: [{port: metrics, interval: 5s}]
        """
        .formatted(name, NAMESPACE, label);
  }
}
