package io.onescaphandre.e2e.phases;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.onescaphandre.e2e.support.E2e;
import io.onescaphandre.e2e.support.Figures;
import io.onescaphandre.e2e.support.Kubectl;
import io.onescaphandre.e2e.support.Loopback;
import io.onescaphandre.e2e.support.OpenNebulaNodes;
import io.onescaphandre.e2e.support.OperatorProcess;
import io.onescaphandre.e2e.support.Owned;
import io.onescaphandre.e2e.support.Parts;
import io.onescaphandre.e2e.support.SampleMonitor;
import io.onescaphandre.e2e.support.SharedFixtures;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Phase 10 (issue 6, step 2): our CRD and operator against the real API server. The CRD from crds/
 * is accepted and its validation refuses a bad monitor; the operator process turns the README's
 * sample monitor (applied with kubectl) into the DaemonSet, PodMonitor, ScrapeConfig, ConfigMap and
 * PrometheusRule; status and `kubectl get scaph` columns; drift restored; a node's host id change
 * reaches the ScrapeConfig; deletion cleans up. The steps build on each other.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class E10OperatorIT {
  private static final Duration RECONCILE = Duration.ofSeconds(90);
  private static SampleMonitor monitor;

  /**
   * Set once the server accepted our CRD: the later steps fail at once without it, not after their
   * waits.
   */
  private static boolean crdAccepted;

  @BeforeAll
  static void parts() {
    E2e.assumeControlPlane();
    Parts.assumeOperator();
    SharedFixtures.ensurePrometheusOperatorCrds();
    monitor = SampleMonitor.load(Loopback.freePort());
    Figures.recordText("operator", "sample monitor taken from", monitor.source());
    for (int n = 1; n <= 2; n++) {
      Map<String, String> labels = new HashMap<>(monitor.nodeSelector());
      labels.put(OpenNebulaNodes.HOST_ID_LABEL, Integer.toString(10 + n));
      OpenNebulaNodes.ensure(n, labels);
    }
  }

  @Test
  @Order(1)
  void crdIsAcceptedByTheServer() {
    SharedFixtures.applyScaphandreMonitorCrd();
    crdAccepted = true;
  }

  private static void requireCrd() {
    assertThat(crdAccepted)
        .as("the API server refused or never established our CRD (see crdIsAcceptedByTheServer)")
        .isTrue();
  }

  @Test
  @Order(2)
  void invalidMonitorsAreRefusedByTheServer() {
    requireCrd();
    SharedFixtures.ensureNamespace(monitor.namespace());
    // Names free of the field names, so that only the server's validation message can mention them.
    Kubectl.Result badPort =
        Kubectl.runWithInput(monitor.yamlWith("refused-a", "port", 70000), "apply", "-f", "-");
    assertThat(badPort.exitCode()).as(badPort.stdout()).isNotZero();
    assertThat(badPort.stderr())
        .contains("ScaphandreMonitor \"refused-a\" is invalid", "spec.agent.port");
    Kubectl.Result badFlavor =
        Kubectl.runWithInput(monitor.yamlWith("refused-b", "flavor", "kepler"), "apply", "-f", "-");
    assertThat(badFlavor.exitCode()).as(badFlavor.stdout()).isNotZero();
    assertThat(badFlavor.stderr())
        .contains("ScaphandreMonitor \"refused-b\" is invalid", "spec.agent.flavor", "kepler");
    assertThat(
            Kubectl.run("-n", monitor.namespace(), "get", "scaph", "-o", "name")
                .assertSuccess()
                .stdout())
        .doesNotContain("refused-");
  }

  @Test
  @Order(3)
  void sampleMonitorBecomesDaemonSetAndPrometheusObjects() {
    requireCrd();
    OperatorProcess.ensureRunning();
    long start = System.nanoTime();
    Kubectl.runWithInput(monitor.yaml(), "apply", "-f", "-").assertSuccess();
    String ns = monitor.namespace();
    String name = monitor.name();
    DaemonSet ds =
        awaitOne(
            () ->
                E2e.client()
                    .apps()
                    .daemonSets()
                    .inNamespace(ns)
                    .withLabels(Owned.labels(name))
                    .list()
                    .getItems(),
            "the agent DaemonSet");
    Figures.record(
        "operator", "monitor applied -> DaemonSet", (System.nanoTime() - start) / 1e9, "s");
    var pod = ds.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostPID()).isTrue();
    assertThat(pod.getInitContainers()).extracting(c -> c.getName()).contains("init");
    assertThat(pod.getContainers().get(0).getPorts()).anyMatch(p -> "metrics".equals(p.getName()));
    assertThat(ds.getMetadata().getOwnerReferences())
        .anyMatch(o -> "ScaphandreMonitor".equals(o.getKind()) && name.equals(o.getName()));

    GenericKubernetesResource podMonitor =
        awaitOne(() -> Owned.list(Owned.PODMONITOR, ns, name), "the PodMonitor");
    assertThat((Boolean) Owned.at(podMonitor, "spec", "attachMetadata", "node")).isTrue();
    assertThat(podMonitor.getMetadata().getLabels())
        .containsEntry("release", "kube-prometheus-stack");
    String relabelings =
        String.valueOf((Object) Owned.at(podMonitor, "spec", "podMetricsEndpoints"));
    assertThat(relabelings)
        .contains(
            "__meta_kubernetes_node_label_one_scaphandre_io_host_id",
            "host_id",
            "one_host_id",
            "node");

    awaitOne(() -> Owned.list(Owned.PROMETHEUSRULE, ns, name), "the PrometheusRule");
    var configMap =
        awaitOne(
            () ->
                E2e.client()
                    .configMaps()
                    .inNamespace(ns)
                    .withLabels(Owned.labels(name))
                    .list()
                    .getItems(),
            "the plain-job ConfigMap");
    String plain = String.join("\n", configMap.getData().values());
    assertThat(plain)
        .contains("job_name", "static_configs", "targets", "host_id", Loopback.nodeAddress(1));
    if (!monitor.scrapeConfigEnabled()) {
      assertThat(Owned.list(Owned.SCRAPECONFIG, ns, name))
          .as("the sample leaves the ScrapeConfig off")
          .isEmpty();
    }
  }

  @Test
  @Order(4)
  void enablingTheScrapeConfigMakesOneStaticGroupPerMappedNode() {
    requireCrd();
    String ns = monitor.namespace();
    String name = monitor.name();
    long start = System.nanoTime();
    Kubectl.run(
            "-n",
            ns,
            "patch",
            "scaph",
            name,
            "--type=merge",
            "-p",
            SampleMonitor.ENABLE_SCRAPE_CONFIG_PATCH)
        .assertSuccess();
    GenericKubernetesResource scrapeConfig =
        awaitOne(() -> Owned.list(Owned.SCRAPECONFIG, ns, name), "the ScrapeConfig");
    Awaitility.await("a static group per selected node")
        .atMost(RECONCILE)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> staticTargets(ns, name).size() == 2);
    Figures.record(
        "operator",
        "scrapeConfig enabled -> ScrapeConfig with both nodes",
        (System.nanoTime() - start) / 1e9,
        "s");
    assertThat(staticTargets(ns, name))
        .containsEntry(OpenNebulaNodes.nodeName(1), "11")
        .containsEntry(OpenNebulaNodes.nodeName(2), "12");
    assertThat(scrapeConfig.getMetadata().getLabels())
        .containsEntry("release", "kube-prometheus-stack");
    Awaitility.await("the PodMonitor follows the new interval")
        .atMost(RECONCILE)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                "5s"
                    .equals(
                        Owned.at(
                            Owned.list(Owned.PODMONITOR, ns, name).get(0),
                            "spec",
                            "podMetricsEndpoints",
                            "0",
                            "interval")));
  }

  @Test
  @Order(5)
  void statusAndKubectlColumns() {
    requireCrd();
    String ns = monitor.namespace();
    Awaitility.await("status.observedGeneration and conditions")
        .atMost(RECONCILE)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              var m =
                  E2e.client()
                      .genericKubernetesResources("one-scaphandre.io/v1alpha1", "ScaphandreMonitor")
                      .inNamespace(ns)
                      .withName(monitor.name())
                      .get();
              Object observed = m.get("status", "observedGeneration");
              List<Map<String, Object>> conditions = m.get("status", "conditions");
              return observed != null
                  && ((Number) observed).longValue() == m.getMetadata().getGeneration()
                  && conditions != null
                  && conditions.stream()
                      .map(c -> c.get("type"))
                      .toList()
                      .containsAll(List.of("Ready", "Progressing", "Degraded"));
            });
    String table = Kubectl.run("get", "scaph", "-n", ns).assertSuccess().stdout();
    String[] lines = table.strip().split("\n");
    assertThat(lines).as(table).hasSize(2);
    List<String> header = List.of(lines[0].trim().split("\\s{2,}"));
    List<String> row = List.of(lines[1].trim().split("\\s{2,}"));
    assertThat(header).as(table).startsWith("NAME").contains("READY", "MAPPED", "AGENTS", "AGE");
    assertThat(row).as(table).hasSameSizeAs(header).startsWith(monitor.name());
    assertThat(row.get(header.indexOf("MAPPED")))
        .as("both labelled nodes mapped: %s", table)
        .isEqualTo("2");
    Figures.recordText("operator", "kubectl get scaph header", String.join(" | ", header));
  }

  /**
   * The dependents are written with server-side apply: the operator's field manager owns the
   * DaemonSet's fields with operation Apply, and another manager's apply of a field it owns is
   * refused with a conflict naming it (what keeps hand edits and other tools from fighting it
   * silently).
   */
  @Test
  @Order(6)
  void dependentsAreServerSideApplied() {
    requireCrd();
    String ns = monitor.namespace();
    DaemonSet ds =
        E2e.client()
            .apps()
            .daemonSets()
            .inNamespace(ns)
            .withLabels(Owned.labels(monitor.name()))
            .list()
            .getItems()
            .get(0);
    var appliers =
        ds.getMetadata().getManagedFields().stream()
            .filter(f -> "Apply".equals(f.getOperation()))
            .toList();
    assertThat(appliers)
        .as("managedFields with operation Apply: %s", ds.getMetadata().getManagedFields())
        .isNotEmpty();
    String manager = appliers.get(0).getManager();
    Figures.recordText("operator", "field manager of the dependents", manager);
    for (String kind : List.of(Owned.PODMONITOR, Owned.SCRAPECONFIG, Owned.PROMETHEUSRULE)) {
      GenericKubernetesResource owned = Owned.list(kind, ns, monitor.name()).get(0);
      assertThat(owned.getMetadata().getManagedFields())
          .as(kind)
          .anyMatch(f -> "Apply".equals(f.getOperation()) && manager.equals(f.getManager()));
    }
    String container = ds.getSpec().getTemplate().getSpec().getContainers().get(0).getName();
    Kubectl.Result conflict =
        Kubectl.runWithInput(
            """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: %s, namespace: %s}
        spec:
          template:
            spec:
              containers:
              - name: %s
                image: registry.invalid/other-applier:1
        """
                .formatted(ds.getMetadata().getName(), ns, container),
            "apply",
            "--server-side",
            "--field-manager=e2e-other-applier",
            "-f",
            "-");
    assertThat(conflict.exitCode()).as(conflict.stdout()).isNotZero();
    assertThat(conflict.stderr()).contains("conflict", manager);
  }

  @Test
  @Order(7)
  void handEditedDaemonSetIsRestored() {
    requireCrd();
    String ns = monitor.namespace();
    DaemonSet ds =
        E2e.client()
            .apps()
            .daemonSets()
            .inNamespace(ns)
            .withLabels(Owned.labels(monitor.name()))
            .list()
            .getItems()
            .get(0);
    String image = ds.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    Kubectl.run(
            "-n",
            ns,
            "set",
            "image",
            "daemonset/" + ds.getMetadata().getName(),
            ds.getSpec().getTemplate().getSpec().getContainers().get(0).getName()
                + "=registry.invalid/hand-edited:1")
        .assertSuccess();
    long start = System.nanoTime();
    Awaitility.await("the operator restores the agent image")
        .atMost(RECONCILE)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                image.equals(
                    E2e.client()
                        .apps()
                        .daemonSets()
                        .inNamespace(ns)
                        .withName(ds.getMetadata().getName())
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage()));
    Figures.record(
        "operator", "hand edit -> DaemonSet restored", (System.nanoTime() - start) / 1e9, "s");
  }

  @Test
  @Order(8)
  void nodeHostIdChangeReachesTheScrapeConfig() {
    requireCrd();
    long start = System.nanoTime();
    Kubectl.run(
            "label",
            "node",
            OpenNebulaNodes.nodeName(1),
            OpenNebulaNodes.HOST_ID_LABEL + "=21",
            "--overwrite")
        .assertSuccess();
    Awaitility.await("host id 21 in the ScrapeConfig")
        .atMost(RECONCILE)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                "21"
                    .equals(
                        staticTargets(monitor.namespace(), monitor.name())
                            .get(OpenNebulaNodes.nodeName(1))));
    Figures.record(
        "operator",
        "node host-id label change -> ScrapeConfig",
        (System.nanoTime() - start) / 1e9,
        "s");
    Kubectl.run(
            "label",
            "node",
            OpenNebulaNodes.nodeName(1),
            OpenNebulaNodes.HOST_ID_LABEL + "=11",
            "--overwrite")
        .assertSuccess();
  }

  @Test
  @Order(9)
  void deletingTheMonitorRemovesWhatItMade() {
    requireCrd();
    String ns = monitor.namespace();
    String name = monitor.name();
    Kubectl.run("-n", ns, "delete", "scaph", name, "--timeout=90s").assertSuccess();
    Awaitility.await("owned objects gone")
        .atMost(RECONCILE)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                E2e.client()
                        .apps()
                        .daemonSets()
                        .inNamespace(ns)
                        .withLabels(Owned.labels(name))
                        .list()
                        .getItems()
                        .isEmpty()
                    && Owned.list(Owned.PODMONITOR, ns, name).isEmpty()
                    && Owned.list(Owned.SCRAPECONFIG, ns, name).isEmpty()
                    && Owned.list(Owned.PROMETHEUSRULE, ns, name).isEmpty()
                    && E2e.client()
                        .configMaps()
                        .inNamespace(ns)
                        .withLabels(Owned.labels(name))
                        .list()
                        .getItems()
                        .isEmpty());
  }

  /** Node name -> host_id of each static group of the monitor's ScrapeConfig. */
  static Map<String, String> staticTargets(String ns, String name) {
    Map<String, String> byNode = new HashMap<>();
    for (GenericKubernetesResource sc : Owned.list(Owned.SCRAPECONFIG, ns, name)) {
      List<Map<String, Object>> groups = Owned.at(sc, "spec", "staticConfigs");
      if (groups == null) {
        continue;
      }
      for (Map<String, Object> group : groups) {
        @SuppressWarnings("unchecked")
        Map<String, String> labels = (Map<String, String>) group.get("labels");
        if (labels != null && labels.get("node") != null) {
          byNode.put(labels.get("node"), labels.get("host_id"));
        }
      }
    }
    return byNode;
  }

  static <T> T awaitOne(java.util.function.Supplier<List<T>> list, String what) {
    return Awaitility.await(what)
        .atMost(RECONCILE)
        .pollInterval(Duration.ofSeconds(1))
        .until(list::get, items -> items.size() == 1)
        .get(0);
  }
}
