package io.onescaphandre.e2e.phases;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.onescaphandre.e2e.support.E2e;
import io.onescaphandre.e2e.support.Figures;
import io.onescaphandre.e2e.support.Kubectl;
import io.onescaphandre.e2e.support.OpenNebulaNodes;
import io.onescaphandre.e2e.support.ProcStat;
import io.onescaphandre.e2e.support.SharedFixtures;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Phase 1: the real control plane run.sh started (etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, all on loopback) serves, and Node objects shaped like OpenNebula hosts get
 * DaemonSet pods created by the controller manager and bound by the scheduler.
 */
class E01ControlPlaneIT {
  private static final String NAMESPACE = "e2e-canary";

  @BeforeAll
  static void controlPlane() {
    E2e.assumeControlPlane();
  }

  @Test
  void apiServerReportsTheBuiltVersionToKubectl() {
    assertThat(E2e.client().getKubernetesVersion().getGitVersion()).isEqualTo("v1.34.12");
    String version = Kubectl.run("version", "-o", "json").assertSuccess().stdout();
    assertThat(version).contains("\"gitVersion\": \"v1.34.12\"");
    String pid = System.getenv("ONE_SCAPHANDRE_E2E_APISERVER_PID");
    if (pid != null) {
      Figures.record(
          "control-plane",
          "kube-apiserver RSS, idle",
          ProcStat.rssKib(Long.parseLong(pid)) / 1024.0,
          "MiB");
    }
  }

  @Test
  void daemonSetPodsAreCreatedAndBoundToOpenNebulaHostNodes() {
    var client = E2e.client();
    for (int n = 1; n <= 2; n++) {
      OpenNebulaNodes.ensure(n, Map.of());
    }
    SharedFixtures.ensureNamespace(NAMESPACE);
    DaemonSet canary =
        new DaemonSetBuilder()
            .withNewMetadata()
            .withName("canary")
            .withNamespace(NAMESPACE)
            .endMetadata()
            .withNewSpec()
            .withNewSelector()
            .addToMatchLabels("app", "canary")
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "canary")
            .endMetadata()
            .withNewSpec()
            .addToNodeSelector("kubernetes.io/hostname", OpenNebulaNodes.nodeName(1))
            .addNewContainer()
            .withName("canary")
            .withImage("registry.invalid/canary:1")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    client.apps().daemonSets().inNamespace(NAMESPACE).resource(canary).serverSideApply();
    try {
      long start = System.nanoTime();
      client
          .pods()
          .inNamespace(NAMESPACE)
          .withLabel("app", "canary")
          .informOnCondition(
              (List<Pod> pods) -> pods.size() == 1 && pods.get(0).getSpec().getNodeName() != null)
          .get(90, TimeUnit.SECONDS);
      Figures.record(
          "control-plane",
          "DaemonSet applied -> pod bound to its node",
          (System.nanoTime() - start) / 1e9,
          "s");
      Pod pod =
          client.pods().inNamespace(NAMESPACE).withLabel("app", "canary").list().getItems().get(0);
      assertThat(pod.getSpec().getNodeName()).isEqualTo(OpenNebulaNodes.nodeName(1));
      assertThat(pod.getStatus().getPhase())
          .as("no kubelet: the pod stays Pending until the stand-in runs it")
          .isEqualTo("Pending");
    } catch (Exception e) {
      throw new AssertionError(
          "the canary DaemonSet pod was not created and bound: "
              + client.pods().inNamespace(NAMESPACE).list().getItems(),
          e);
    } finally {
      client.apps().daemonSets().inNamespace(NAMESPACE).withName("canary").delete();
    }
  }
}
