package io.onescaphandre.e2e.support;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What several phases share within one run (one test JVM): the Prometheus Operator's CRDs and
 * process, a Prometheus resource shaped like kube-prometheus-stack's, and the QEMU guests. Each is
 * made once, on first use, whichever phase comes first; processes stop when the JVM exits.
 */
public final class SharedFixtures {
  public static final String MONITORING_NAMESPACE = "monitoring";

  /**
   * The names kube-prometheus-stack gives its objects for a release named kube-prometheus-stack.
   */
  public static final String PROMETHEUS_NAME = "kube-prometheus-stack-prometheus";

  public static final Map<String, String> RELEASE_LABELS =
      Map.of("release", "kube-prometheus-stack");

  /** Guest VM ids and how busy each keeps its vCPU (percent): busy, light, idle. */
  public static final Map<Integer, Integer> GUEST_DUTY = Map.of(101, 60, 102, 20, 103, 0);

  private static boolean crdsApplied;
  private static ManagedProcess prometheusOperator;
  private static boolean prometheusCreated;
  private static QemuGuests guests;

  private SharedFixtures() {}

  /** Applies our CRD from crds/ (server-side) and waits until the server has established it. */
  public static void applyScaphandreMonitorCrd() {
    Kubectl.applyServerSide(Parts.scaphandreMonitorCrd().toString(), null).assertSuccess();
    Kubectl.run(
            "wait",
            "--for=condition=Established",
            "--timeout=60s",
            "crd/scaphandremonitors.one-scaphandre.io")
        .assertSuccess();
  }

  public static synchronized void ensureNamespace(String name) {
    var client = E2e.client();
    if (client.namespaces().withName(name).get() == null) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
    // kube-controller-manager creates the default ServiceAccount that Pod admission requires.
    client
        .serviceAccounts()
        .inNamespace(name)
        .withName("default")
        .waitUntilCondition(sa -> sa != null, 60, TimeUnit.SECONDS);
  }

  public static Path prometheusOperatorCrdDir() {
    return E2e.cache().resolve("prometheus-operator-crd");
  }

  /** The Prometheus Operator's own CRDs, server-side applied, and Established. */
  public static synchronized List<String> ensurePrometheusOperatorCrds() {
    List<Path> files = yamlFiles(prometheusOperatorCrdDir());
    if (!crdsApplied) {
      Kubectl.applyServerSide(prometheusOperatorCrdDir().toString(), null).assertSuccess();
      crdsApplied = true;
    }
    List<String> names =
        files.stream()
            .map(
                f ->
                    f.getFileName()
                        .toString()
                        .replaceFirst("\\.yaml$", "")
                        .replaceFirst("^([^_]+)_(.+)$", "$2.$1"))
            .toList();
    for (String name : names) {
      E2e.client()
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(name)
          .waitUntilCondition(SharedFixtures::established, 60, TimeUnit.SECONDS);
    }
    return names;
  }

  static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * The Prometheus Operator v0.88 as a process, with the run's kubeconfig (it has no --kubeconfig
   * flag).
   */
  public static synchronized ManagedProcess prometheusOperator() {
    ensurePrometheusOperatorCrds();
    if (prometheusOperator == null || !prometheusOperator.isAlive()) {
      prometheusOperator =
          ManagedProcess.start(
              "prometheus-operator",
              List.of(
                  E2e.bin("prometheus-operator").toString(),
                  "--web.listen-address=127.0.0.1:" + Loopback.freePort(),
                  "--log-level=info"),
              Map.of("KUBECONFIG", E2e.kubeconfig().toString()));
    }
    return prometheusOperator;
  }

  /**
   * A Prometheus resource as kube-prometheus-stack makes it: every selector on release:
   * kube-prometheus-stack.
   */
  public static synchronized String kubePrometheusStackPrometheus() {
    prometheusOperator();
    ensureNamespace(MONITORING_NAMESPACE);
    if (!prometheusCreated) {
      Kubectl.applyServerSide("-", resource("kube-prometheus-stack-prometheus.yaml"))
          .assertSuccess();
      prometheusCreated = true;
    }
    return PROMETHEUS_NAME;
  }

  /** Starts the guests once (they take ~20 s to boot under TCG) and waits for them. */
  public static synchronized QemuGuests guests() {
    if (guests == null) {
      guests = new QemuGuests();
      GUEST_DUTY.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> guests.start(e.getKey(), e.getValue()));
    }
    guests.awaitBooted(Duration.ofMinutes(3));
    return guests;
  }

  public static String resource(String name) {
    try (var in = SharedFixtures.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + name + " missing");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "no Prometheus Operator CRDs in " + dir + ": run e2e/build-binaries.sh", e);
    }
  }
}
