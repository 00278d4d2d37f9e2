package io.onescaphandre.e2e.phases;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.e2e.support.E2e;
import io.onescaphandre.e2e.support.Figures;
import io.onescaphandre.e2e.support.Kubectl;
import io.onescaphandre.e2e.support.Parts;
import io.onescaphandre.e2e.support.SharedFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Phase 11 (issue 6 step 2, issue 9 step 2): our chart installed with helm (built from the Go module
 * proxy by build-binaries.sh) into the real API server, which validates every object it renders;
 * the CRD it brings is Established and the operator Deployment exists; uninstall works.
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

  @Test
  void chartInstallsIntoTheRealApiServerAndUninstalls() {
    long start = System.nanoTime();
    helm("install", RELEASE, Parts.chartDir().toString(), "--namespace", NAMESPACE, "--create-namespace",
        "--timeout", "120s").assertSuccess();
    Figures.record("chart", "helm install", (System.nanoTime() - start) / 1e9, "s");
    try {
      String status = helm("status", RELEASE, "--namespace", NAMESPACE).assertSuccess().stdout();
      assertThat(status).contains("STATUS: deployed");
      Kubectl.run("wait", "--for=condition=Established", "--timeout=60s",
          "crd/scaphandremonitors.one-scaphandre.io").assertSuccess();
      String deployments = Kubectl.run("-n", NAMESPACE, "get", "deployments", "-o", "name").assertSuccess().stdout();
      assertThat(deployments).as("the operator Deployment").isNotBlank();
    } finally {
      helm("uninstall", RELEASE, "--namespace", NAMESPACE, "--timeout", "120s").assertSuccess();
    }
  }

  private static Kubectl.Result helm(String... args) {
    List<String> command = new ArrayList<>(List.of(E2e.bin("helm").toString(), "--kubeconfig", E2e.kubeconfig().toString()));
    command.addAll(List.of(args));
    return Kubectl.Commands.run(command, null, 180);
  }
}
