package io.onescaphandre.e2e.phases;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.e2e.support.E2e;
import io.onescaphandre.e2e.support.Figures;
import io.onescaphandre.e2e.support.Kubectl;
import io.onescaphandre.e2e.support.Parts;
import io.onescaphandre.e2e.support.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Phase 11 (issue 6 step 2, issue 9 step 2): our chart installed with helm (built from the Go
 * module proxy by build-binaries.sh) into the real API server, which validates every object it
 * renders; the CRD it brings is Established and the operator Deployment exists; uninstall works.
 */
class E11HelmChartIT {
  private static final String NAMESPACE = "one-scaphandre-system";
  private static final String RELEASE = "one-scaphandre";

  @BeforeAll
  static void parts() {
    E2e.assumeControlPlane();
    Parts.assumeChart();
    SharedFixtures.ensurePrometheusOperatorCrds(); // the chart's monitors and rules need them
  }

  /**
   * Installed with its optional objects on (the operator's ServiceMonitor, a ScaphandreMonitor) so
   * that the server validates them too, against the Prometheus Operator's CRD and ours. The monitor
   * selects no node, so whatever reconciles it places no agent.
   */
  @Test
  void chartInstallsIntoTheRealApiServerAndUninstalls() throws Exception {
    Path values = E2e.work("chart").resolve("values-e2e.yaml");
    Files.writeString(
        values,
        """
        serviceMonitor:
          enabled: true
          labels: {release: kube-prometheus-stack}
        monitor:
          enabled: true
          name: from-chart
          spec:
            nodeSelector: {one-scaphandre.io/e2e-chart: "no-such-node"}
        """);
    long start = System.nanoTime();
    helm(
            "install",
            RELEASE,
            Parts.chartDir().toString(),
            "--namespace",
            NAMESPACE,
            "--create-namespace",
            "--values",
            values.toString(),
            "--timeout",
            "120s")
        .assertSuccess();
    Figures.record("chart", "helm install", (System.nanoTime() - start) / 1e9, "s");
    try {
      String status = helm("status", RELEASE, "--namespace", NAMESPACE).assertSuccess().stdout();
      assertThat(status).contains("STATUS: deployed");
      Kubectl.run(
              "wait",
              "--for=condition=Established",
              "--timeout=60s",
              "crd/scaphandremonitors.one-scaphandre.io")
          .assertSuccess();
      String deployments =
          Kubectl.run("-n", NAMESPACE, "get", "deployments", "-o", "name").assertSuccess().stdout();
      assertThat(deployments).as("the operator Deployment").isNotBlank();
      Kubectl.run("-n", NAMESPACE, "get", "servicemonitors.monitoring.coreos.com", "-o", "name")
          .assertSuccess()
          .stdout()
          .lines()
          .findAny()
          .orElseThrow(() -> new AssertionError("no ServiceMonitor installed"));
      Kubectl.run("-n", NAMESPACE, "get", "scaph", "from-chart").assertSuccess();
      String rendered =
          helm("get", "manifest", RELEASE, "--namespace", NAMESPACE).assertSuccess().stdout();
      Figures.record(
          "chart",
          "rendered manifest (values-e2e)",
          rendered.getBytes(StandardCharsets.UTF_8).length,
          "bytes");
    } finally {
      helm("uninstall", RELEASE, "--namespace", NAMESPACE, "--timeout", "120s").assertSuccess();
    }
    assertThat(helm("list", "--namespace", NAMESPACE, "-q").assertSuccess().stdout())
        .doesNotContain(RELEASE);
  }

  private static Kubectl.Result helm(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(E2e.bin("helm").toString(), "--kubeconfig", E2e.kubeconfig().toString()));
    command.addAll(List.of(args));
    return Kubectl.Commands.run(command, null, 180);
  }
}
