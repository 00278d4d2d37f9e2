package io.onescaphandre.e2e.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the end-to-end run's pieces are. {@code e2e/run.sh} starts the control plane and passes its
 * kubeconfig, the binary cache and a work directory through environment variables; without them
 * every phase is skipped (so a plain {@code ./mvnw verify} never needs the cache).
 */
public final class E2e {
  public static final String KUBECONFIG_ENV = "ONE_SCAPHANDRE_E2E_KUBECONFIG";
  public static final String CACHE_ENV = "ONE_SCAPHANDRE_E2E_CACHE";
  public static final String WORK_ENV = "ONE_SCAPHANDRE_E2E_WORK";

  private static KubernetesClient client;

  private E2e() {}

  /** Skips the calling test unless run.sh has started the control plane. */
  public static void assumeControlPlane() {
    assumeTrue(
        System.getenv(KUBECONFIG_ENV) != null,
        "no control plane: run e2e/run.sh (it sets " + KUBECONFIG_ENV + ")");
  }

  public static Path kubeconfig() {
    return Path.of(required(KUBECONFIG_ENV));
  }

  public static Path cache() {
    return Path.of(required(CACHE_ENV));
  }

  /** A directory of this run for logs, simulated trees and data; run.sh removes it afterwards. */
  public static Path work(String name) {
    Path dir = Path.of(required(WORK_ENV)).resolve(name);
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path bin(String name) {
    Path binary = cache().resolve("bin").resolve(name);
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(binary + " is missing: run e2e/build-binaries.sh");
    }
    return binary;
  }

  public static Path repoRoot() {
    String configured = System.getProperty("e2e.repoRoot");
    Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
    return root.toAbsolutePath().normalize();
  }

  public static synchronized KubernetesClient client() {
    if (client == null) {
      try {
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig()));
        client = new KubernetesClientBuilder().withConfig(config).build();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return client;
  }

  private static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          name + " is not set: run the end-to-end tests through e2e/run.sh");
    }
    return value;
  }
}
