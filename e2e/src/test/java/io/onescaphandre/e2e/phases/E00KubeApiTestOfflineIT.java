package io.onescaphandre.e2e.phases;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.onescaphandre.e2e.support.E2e;
import io.onescaphandre.e2e.support.Figures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Phase 0: the cache's kube-api-test layout works offline, so any JUnit test (the operator's
 * integration tests included) can start the real kube-apiserver + etcd that build-binaries.sh made:
 * {@code KUBE_API_TEST_DIR=$CACHE/kube-api-test}, version 1.34.12, offline mode, loopback flags.
 */
class E00KubeApiTestOfflineIT {
  @BeforeAll
  static void cache() {
    E2e.assumeControlPlane();
  }

  @Test
  void kubeApiTestStartsTheCachedBinariesOffline() {
    var config =
        KubeAPIServerConfigBuilder.anAPIServerConfig()
            .withTestDir(E2e.cache().resolve("kube-api-test").toString())
            .withApiServerVersion("1.34.12")
            .withOfflineMode(true)
            .withApiServerFlag("--bind-address", "127.0.0.1")
            .withApiServerFlag("--advertise-address", "127.0.0.1")
            .withStartupTimeout(120_000)
            .build();
    KubeAPIServer server = new KubeAPIServer(config);
    long start = System.nanoTime();
    server.start();
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml()))
            .build()) {
      Figures.record(
          "kube-api-test", "KubeAPIServer.start() offline", (System.nanoTime() - start) / 1e9, "s");
      assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo("v1.34.12");
      client
          .configMaps()
          .inNamespace("default")
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("kube-api-test")
                  .endMetadata()
                  .addToData("a", "b")
                  .build())
          .create();
      assertThat(
              client.configMaps().inNamespace("default").withName("kube-api-test").get().getData())
          .containsEntry("a", "b");
    } finally {
      server.stop();
    }
  }
}
