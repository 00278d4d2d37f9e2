package io.onescaphandre.e2e.scale;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.onescaphandre.e2e.support.E2e;
import io.onescaphandre.e2e.support.ManagedProcess;
import io.onescaphandre.e2e.support.Parts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operator over 1,000 or 5,000 Nodes of a real kube-apiserver, as issue 21 measured it: run by
 * {@code e2e/operator-scale-benchmark.sh}, which starts the control plane (controller manager and
 * scheduler with raised client QPS). This class installs the chart's ServiceAccount, ClusterRole
 * and binding ({@code helm template}) and runs the operator with a token of that ServiceAccount, as
 * the image runs it: its JVM options, the chart's memory limit as the JVM's RAM. There are no
 * kubelets: a {@link KubeletFleet} marks each scheduled agent pod Ready with an init report, as
 * fast as it can. Not part of any build (the class name matches no test pattern); the figures go to
 * e2e/target/benchmarks/ and BENCHMARKS.md.
 *
 * <p>System properties: {@code scale.nodes} (1000), {@code scale.jvmOptionsFile}; {@code
 * scale.nativeMemoryTracking=true} and {@code scale.flightRecording=FILE} for diagnosis.
 */
@Tag("benchmark")
class OperatorScaleBenchmark {
  private static final String NS = "one-scaphandre";
  private static final String MONITOR = "opennebula";
  private static final String SELECTOR = "one-scaphandre.io/opennebula-host";
  private static final String HOST_ID = "one-scaphandre.io/host-id";
  private static final ResourceDefinitionContext MONITORS =
      new ResourceDefinitionContext.Builder()
          .withGroup("one-scaphandre.io")
          .withVersion("v1alpha1")
          .withPlural("scaphandremonitors")
          .withKind("ScaphandreMonitor")
          .withNamespaced(true)
          .build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration STEADY = Duration.ofSeconds(60);

  private final int nodes = Integer.getInteger("scale.nodes", 1000);
  private final KubernetesClient admin = E2e.client();
  private final Map<String, String> figures = new LinkedHashMap<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final long start = System.nanoTime();

  /** The chart's memory limit in MiB, read from its rendered Deployment. */
  private int memoryLimitMiB;

  /** A kubeconfig of the chart's ServiceAccount: the operator runs with the chart's RBAC. */
  private Path operatorKubeconfig;

  @Test
  @Timeout(value = 60, unit = TimeUnit.MINUTES)
  void operatorAtScale() throws Exception {
    installChartAccess();
    note("creating " + nodes + " nodes");
    createNodes(0, nodes);
    ManagedProcess operator = startOperator();
    Sampler sampler = new Sampler(operator);
    sampler.start();
    StatusWatch statusWatch = new StatusWatch(admin, MONITORS, NS, MONITOR);
    KubeletFleet fleet =
        new KubeletFleet(admin, NS, MONITOR, node -> hostIdOf(Integer.parseInt(node.substring(4))));
    try (statusWatch;
        fleet) {
      fleet.start();
      statusWatch.start();
      firstReconcileAndRollout(operator, sampler, statusWatch);
      steadyState(operator, sampler, statusWatch);
      churn(statusWatch);
      deletion();
    } finally {
      sampler.stop();
      figures.put("RSS, max over the run", mib(sampler.maxRssKib));
      figures.put("threads, max over the run", Integer.toString(sampler.maxThreads));
      figures.put("threads at the end", Integer.toString(sampler.lastThreads));
      figures.put(
          "status, largest seen",
          String.format(Locale.ROOT, "%.1f KB", statusWatch.maxBytes / 1000.0));
      figures.put(
          "status conflicts (409 on scaphandremonitors, whole run)",
          Long.toString(apiserverCount("scaphandremonitors", null, "409")));
      figures.put("heap at the end (jcmd GC.heap_info)", jcmd(operator.pid(), "GC.heap_info"));
      operator.close();
      report();
    }
    assertThat(apiserverCount("scaphandremonitors", null, "409")).as("status conflicts").isZero();
  }

  // ---- phases -------------------------------------------------------------------------------

  private void firstReconcileAndRollout(ManagedProcess operator, Sampler sampler, StatusWatch watch)
      throws Exception {
    double cpu0 = operator.cpuSeconds();
    long reconciles0 = reconciles(operator);
    Map<String, Long> writes0 = statusWrites();
    long t0 = System.nanoTime();
    admin
        .genericKubernetesResources(MONITORS)
        .inNamespace(NS)
        .load(Files.newInputStream(E2e.repoRoot().resolve("examples/scaphandremonitor.yaml")))
        .create();
    await(
        "the first status of all " + nodes + " nodes",
        Duration.ofMinutes(5),
        () -> {
          JsonNode status = status();
          return status != null
              && status.path("observedGeneration").asLong() == 1
              && status.path("selectedNodes").asInt() == nodes;
        });
    figures.put("first reconcile: apply -> status of all nodes", seconds(System.nanoTime() - t0));
    watch.markPhase("rollout");
    await(
        "all " + nodes + " agents ready in the status",
        Duration.ofMinutes(30),
        () -> {
          JsonNode status = status();
          return status != null
              && status.path("readyAgents").asInt() == nodes
              && status.path("mappedHosts").asInt() == nodes
              && "False".equals(condition(status, "Progressing"));
        });
    long rolloutNanos = System.nanoTime() - t0;
    double cpu = operator.cpuSeconds() - cpu0;
    figures.put(
        "rollout: apply -> " + nodes + " agents ready, Progressing=False", seconds(rolloutNanos));
    figures.put(
        "rollout: operator CPU, average",
        String.format(Locale.ROOT, "%.3f core (%.1f s CPU)", cpu / (rolloutNanos / 1e9), cpu));
    figures.put("rollout: reconciles", Long.toString(reconciles(operator) - reconciles0));
    figures.put("reconcile wall time so far, mean / max (operator's own timer)", reconcileTimes());
    Map<String, Long> writes = delta(writes0, statusWrites());
    figures.put(
        "rollout: status writes (PATCH/APPLY on the status subresource)",
        Long.toString(writes.getOrDefault("status", 0L)));
    figures.put("rollout: shortest time between two status changes", watch.shortestGap("rollout"));
    figures.put("rollout: status changes seen", Integer.toString(watch.changes("rollout")));
    figures.put("rollout: RSS at the end", mib(sampler.lastRssKib));
  }

  private void steadyState(ManagedProcess operator, Sampler sampler, StatusWatch watch)
      throws Exception {
    Thread.sleep(5000); // the last deferred write, if any
    Map<String, Long> writes0 = operatorWrites();
    long reconciles0 = reconciles(operator);
    double cpu0 = operator.cpuSeconds();
    watch.markPhase("steady");
    Thread.sleep(STEADY.toMillis()); // the steady-state window being measured
    double cpu = operator.cpuSeconds() - cpu0;
    figures.put(
        "steady state (" + STEADY.toSeconds() + " s): writes by the operator",
        delta(writes0, operatorWrites()).toString());
    figures.put("steady state: status changes", Integer.toString(watch.changes("steady")));
    figures.put("steady state: reconciles", Long.toString(reconciles(operator) - reconciles0));
    figures.put(
        "steady state: CPU", String.format(Locale.ROOT, "%.4f core", cpu / STEADY.toSeconds()));
    figures.put("steady state: RSS", mib(sampler.lastRssKib));
    figures.put("steady state: heap (jcmd GC.heap_info)", jcmd(operator.pid(), "GC.heap_info"));
    if (Boolean.getBoolean("scale.nativeMemoryTracking")) {
      figures.put(
          "steady state: native memory (jcmd VM.native_memory summary)",
          jcmd(operator.pid(), "VM.native_memory summary"));
    }
    jcmd(operator.pid(), "GC.run");
    figures.put(
        "steady state: heap after a full GC, the live set", jcmd(operator.pid(), "GC.heap_info"));
  }

  /**
   * 100 relabels, 50 deletes, 50 adds (scaled with the node count), then until the operator shows
   * them.
   */
  private void churn(StatusWatch watch) throws Exception {
    int relabels = nodes / 10;
    int changes = nodes / 20;
    watch.markPhase("churn");
    long t0 = System.nanoTime();
    Map<String, Long> expected = new HashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    // Labelled nodes are those with i % 10 != 0.
    List<Integer> labelled = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      if (i % 10 != 0) {
        labelled.add(i);
      }
    }
    List<String> deleted = new ArrayList<>();
    for (int k = 0; k < relabels; k++) {
      String name = nodeName(labelled.get(k));
      long id = 500_000L + k;
      expected.put(name, id);
      done.add(
          pool.submit(
              () ->
                  admin
                      .nodes()
                      .withName(name)
                      .patch(
                          PatchContext.of(PatchType.JSON_MERGE),
                          "{\"metadata\":{\"labels\":{\"" + HOST_ID + "\":\"" + id + "\"}}}")));
    }
    for (int k = 0; k < changes; k++) {
      String name = nodeName(labelled.get(labelled.size() - 1 - k));
      deleted.add(name);
      done.add(pool.submit(() -> admin.nodes().withName(name).delete()));
    }
    for (Future<?> f : done) {
      f.get();
    }
    createNodes(nodes, changes);
    for (int i = nodes; i < nodes + changes; i++) {
      if (i % 10 != 0) {
        // Labelled by the admin. The others get their id from their agent's report, which needs
        // their
        // pod created, scheduled and started first: the rollout's time, not the operator's.
        expected.put(nodeName(i), hostIdOf(i));
      }
    }
    pool.shutdown();
    long churned = System.nanoTime();
    figures.put(
        "churn: "
            + relabels
            + " relabels + "
            + changes
            + " deletes + "
            + changes
            + " adds, sent in",
        seconds(churned - t0));
    await(
        "the churn in the plain job's targets",
        Duration.ofMinutes(5),
        Duration.ofMillis(250),
        () -> {
          Map<String, Long> job = plainJobHostIds();
          return expected.entrySet().stream()
                  .allMatch(e -> e.getValue().equals(job.get(e.getKey())))
              && deleted.stream().noneMatch(job::containsKey);
        });
    long targets = System.nanoTime();
    await(
        "the churn in the status",
        Duration.ofMinutes(5),
        () -> {
          JsonNode status = status();
          return status != null
              && status.path("selectedNodes").asInt() == nodes
              && status.path("mappedHosts").asInt() >= nodes - changes / 10;
        });
    long reflected = System.nanoTime();
    figures.put(
        "churn: targets (plain job) reflect it, after the last change", seconds(targets - churned));
    figures.put(
        "churn: status reflects it (selected nodes, mapped but the new unlabelled), after the last change",
        seconds(reflected - churned));
    figures.put("churn: status reflects it, after the first change", seconds(reflected - t0));
  }

  private void deletion() {
    long t0 = System.nanoTime();
    admin.genericKubernetesResources(MONITORS).inNamespace(NS).withName(MONITOR).delete();
    await(
        "the monitor and its DaemonSet gone",
        Duration.ofMinutes(5),
        () ->
            admin.genericKubernetesResources(MONITORS).inNamespace(NS).withName(MONITOR).get()
                    == null
                && admin.apps().daemonSets().inNamespace(NS).withName(MONITOR + "-agent").get()
                    == null);
    figures.put("delete: monitor and DaemonSet gone", seconds(System.nanoTime() - t0));
  }

  // ---- the cluster ------------------------------------------------------------------------------

  private static String nodeName(int i) {
    return String.format("kvm-%05d", i);
  }

  /** Host ids: nodes with i % 10 == 0 carry no label (their id comes from the agent's report). */
  private static long hostIdOf(int i) {
    return 1000L + i;
  }

  /** Nodes shaped like real ones (addresses, conditions, capacity, images): 6 to 8 KB each. */
  private void createNodes(int from, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> done = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      int index = i;
      done.add(pool.submit(() -> admin.nodes().resource(realisticNode(index)).create()));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
  }

  private static Node realisticNode(int i) {
    String name = nodeName(i);
    String now = Instant.now().toString();
    NodeBuilder b =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .addToLabels(SELECTOR, "true")
            .addToLabels("kubernetes.io/hostname", name)
            .addToLabels("kubernetes.io/os", "linux")
            .addToLabels("kubernetes.io/arch", "amd64")
            .addToLabels("beta.kubernetes.io/os", "linux")
            .addToLabels("beta.kubernetes.io/arch", "amd64")
            .addToLabels("topology.kubernetes.io/zone", "rack-" + i / 40)
            .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
            .addToAnnotations("volumes.kubernetes.io/controller-managed-attach-detach", "true")
            .endMetadata()
            .withNewSpec()
            .withPodCIDR("10.244." + (i % 250) + ".0/24")
            .endSpec()
            .withNewStatus()
            .addNewAddress()
            .withType("InternalIP")
            .withAddress("10." + (i / 62500) + "." + (i / 250 % 250) + "." + (i % 250 + 1))
            .endAddress()
            .addNewAddress()
            .withType("Hostname")
            .withAddress(name)
            .endAddress()
            .addToCapacity("cpu", new Quantity("64"))
            .addToCapacity("memory", new Quantity("527973716Ki"))
            .addToCapacity("pods", new Quantity("110"))
            .addToCapacity("ephemeral-storage", new Quantity("960380648Ki"))
            .addToAllocatable("cpu", new Quantity("63"))
            .addToAllocatable("memory", new Quantity("526873716Ki"))
            .addToAllocatable("pods", new Quantity("110"))
            .addToAllocatable("ephemeral-storage", new Quantity("885094104626"))
            .withNewNodeInfo()
            .withArchitecture("amd64")
            .withOperatingSystem("linux")
            .withKernelVersion("6.1.0-18-amd64")
            .withOsImage("Debian GNU/Linux 12 (bookworm)")
            .withContainerRuntimeVersion("containerd://1.7.24")
            .withKubeletVersion("v1.34.12")
            .withKubeProxyVersion("")
            .withMachineID("m" + i)
            .withSystemUUID("u" + i)
            .withBootID("b" + i)
            .endNodeInfo()
            .endStatus();
    for (String type : List.of("MemoryPressure", "DiskPressure", "PIDPressure", "Ready")) {
      b.editStatus()
          .addNewCondition()
          .withType(type)
          .withStatus("Ready".equals(type) ? "True" : "False")
          .withReason("Kubelet" + type)
          .withMessage("kubelet says " + type)
          .withLastHeartbeatTime(now)
          .withLastTransitionTime(now)
          .endCondition()
          .endStatus();
    }
    for (int k = 0; k < 25; k++) {
      b.editStatus()
          .addNewImage()
          .addToNames(
              "registry.example.org/team-"
                  + k
                  + "/service-"
                  + k
                  + "@sha256:"
                  + "0123456789abcdef".repeat(4))
          .addToNames("registry.example.org/team-" + k + "/service-" + k + ":v1." + k)
          .withSizeBytes(100_000_000L + k)
          .endImage()
          .endStatus();
    }
    if (i % 10 != 0) {
      b.editMetadata().addToLabels(HOST_ID, Long.toString(hostIdOf(i))).endMetadata();
    }
    return b.build();
  }

  private JsonNode status() {
    GenericKubernetesResource m =
        admin.genericKubernetesResources(MONITORS).inNamespace(NS).withName(MONITOR).get();
    if (m == null || m.getAdditionalProperties().get("status") == null) {
      return null;
    }
    return JSON.valueToTree(m.getAdditionalProperties().get("status"));
  }

  private static String condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c.path("status").asText();
      }
    }
    return null;
  }

  /** Node name -> host_id of the plain Prometheus job the operator wrote. */
  private Map<String, Long> plainJobHostIds() {
    ConfigMap cm = admin.configMaps().inNamespace(NS).withName(MONITOR + "-prometheus-job").get();
    Map<String, Long> ids = new HashMap<>();
    if (cm == null) {
      return ids;
    }
    JsonNode job;
    try {
      job = new YAMLMapper().readTree(cm.getData().get("prometheus-job.yaml"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (JsonNode group : job.path(0).path("static_configs")) {
      ids.put(
          group.path("labels").path("node").asText(),
          group.path("labels").path("host_id").asLong());
    }
    return ids;
  }

  // ---- the operator -------------------------------------------------------------------------

  /**
   * {@code helm template} of the chart with its defaults: its ServiceAccount, ClusterRole and
   * binding are applied, a token of the ServiceAccount becomes the operator's kubeconfig, and the
   * Deployment's memory limit the JVM's RAM.
   */
  private void installChartAccess() throws IOException {
    String manifests =
        new Helm(E2e.repoRoot().resolve("helm/one-scaphandre"))
            .template()
            .withName("bench")
            .withNamespace(NS)
            .withKubeVersion(admin.getKubernetesVersion().getGitVersion())
            .call();
    List<HasMetadata> objects =
        admin
            .load(new java.io.ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8)))
            .items();
    if (admin.namespaces().withName(NS).get() == null) {
      admin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
    }
    String serviceAccount = null;
    for (HasMetadata object : objects) {
      if (object instanceof ServiceAccount
          || object instanceof ClusterRole
          || object instanceof ClusterRoleBinding) {
        admin.resource(object).inNamespace(NS).serverSideApply();
      }
      if (object instanceof ServiceAccount sa) {
        serviceAccount = sa.getMetadata().getName();
      }
      if (object instanceof Deployment deployment) {
        Quantity limit =
            deployment
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getResources()
                .getLimits()
                .get("memory");
        memoryLimitMiB =
            Quantity.getAmountInBytes(limit)
                .divide(java.math.BigDecimal.valueOf(1 << 20))
                .intValue();
      }
    }
    String token =
        admin
            .serviceAccounts()
            .inNamespace(NS)
            .withName(serviceAccount)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(6L * 3600)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    operatorKubeconfig = E2e.work("scale").resolve("operator.kubeconfig");
    Files.writeString(
        operatorKubeconfig,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: e2e",
            "  cluster: {server: \""
                + admin.getConfiguration().getMasterUrl()
                + "\", certificate-authority: \""
                + admin.getConfiguration().getCaCertFile()
                + "\"}",
            "users:",
            "- name: operator",
            "  user: {token: \"" + token + "\"}",
            "contexts:",
            "- name: operator",
            "  context: {cluster: e2e, user: operator, namespace: " + NS + "}",
            "current-context: operator",
            ""));
    figures.put(
        "operator identity",
        "ServiceAccount " + NS + "/" + serviceAccount + " with the chart's ClusterRole");
    figures.put("chart memory limit", memoryLimitMiB + " MiB");
    note(
        "the operator runs as "
            + NS
            + "/"
            + serviceAccount
            + "; chart memory limit "
            + memoryLimitMiB
            + " MiB");
  }

  private ManagedProcess startOperator() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Parts.javaBinary()));
    for (String line : Files.readAllLines(Path.of(System.getProperty("scale.jvmOptionsFile")))) {
      String option = line.strip();
      if (!option.isEmpty() && !option.startsWith("#")) {
        command.add(option);
      }
    }
    // The chart's memory limit as the RAM the JVM sizes itself from, as in the container.
    command.add("-XX:MaxRAM=" + memoryLimitMiB + "m");
    int metrics = freePort();
    int health = freePort();
    if (Boolean.getBoolean("scale.nativeMemoryTracking")) {
      command.add("-XX:NativeMemoryTracking=summary");
    }
    // Where the CPU goes: a flight recording of the whole run (-Dscale.flightRecording=FILE).
    String recording = System.getProperty("scale.flightRecording", "");
    if (!recording.isBlank()) {
      command.add(
          "-XX:StartFlightRecording=filename=" + recording + ",settings=profile,dumponexit=true");
    }
    // Times in its log (a benchmark's reading aid, not an image option).
    command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    command.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
    command.addAll(
        List.of(
            "-jar",
            Parts.operatorJar().toString(),
            "run",
            "--web.listen-address=127.0.0.1:" + metrics,
            "--health.listen-address=127.0.0.1:" + health,
            "--default-agent-image=one-scaphandre-agent:0.1.0"));
    figures.put("operator command", String.join(" ", command).replace(E2e.repoRoot() + "/", ""));
    long t0 = System.nanoTime();
    ManagedProcess operator =
        ManagedProcess.start(
            "operator-scale", command, Map.of("KUBECONFIG", operatorKubeconfig.toString()));
    this.metricsUrl = URI.create("http://127.0.0.1:" + metrics + "/metrics");
    HttpClient http = HttpClient.newHttpClient();
    await(
        "the operator's /readyz",
        Duration.ofMinutes(3),
        () -> {
          try {
            return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health + "/readyz"))
                            .build(),
                        HttpResponse.BodyHandlers.discarding())
                    .statusCode()
                == 200;
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        });
    figures.put(
        "operator: start -> /readyz (caches of " + nodes + " nodes filled)",
        seconds(System.nanoTime() - t0));
    return operator;
  }

  private URI metricsUrl;

  private long reconciles(ManagedProcess operator) {
    try {
      String text =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(metricsUrl).build(), HttpResponse.BodyHandlers.ofString())
              .body();
      return (long) sum(text, "operator_sdk_reconciliations_started_total", null);
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Mean and longest reconcile from JOSDK's timer on the operator's /metrics. */
  private String reconcileTimes() {
    try {
      String text =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(metricsUrl).build(), HttpResponse.BodyHandlers.ofString())
              .body();
      String timer = "operator_sdk_controllers_execution_reconcile_seconds";
      double count = sum(text, timer + "_count", null);
      return String.format(
          Locale.ROOT,
          "%.2f s / %.2f s",
          count == 0 ? 0 : sum(text, timer + "_sum", null) / count,
          sum(text, timer + "_max", null));
    } catch (IOException e) {
      return "n/a";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "n/a";
    }
  }

  private static String jcmd(long pid, String command) {
    try {
      List<String> args =
          new ArrayList<>(
              List.of(
                  Path.of(Parts.javaBinary()).resolveSibling("jcmd").toString(),
                  Long.toString(pid)));
      args.addAll(List.of(command.split(" ")));
      Process jcmd = new ProcessBuilder(args).redirectErrorStream(true).start();
      String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jcmd.waitFor(30, TimeUnit.SECONDS);
      return out.lines()
          .filter(l -> l.contains("total") || l.contains("used") || l.contains("committed="))
          .map(String::strip)
          .map(l -> l.replaceAll(" \\[0x[0-9a-f, x]*\\)", ""))
          .reduce((a, b) -> a + "; " + b)
          .orElse(out.strip());
    } catch (IOException e) {
      return "jcmd failed: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  // ---- the API server's own counts ------------------------------------------------------------

  /** apiserver_request_total summed over the lines of a resource (and subresource, code). */
  private long apiserverCount(String resource, String subresource, String code) {
    String text = admin.raw("/metrics");
    double total = 0;
    for (String line : text.split("\n")) {
      if (!line.startsWith("apiserver_request_total{")
          || !line.contains("resource=\"" + resource + "\"")) {
        continue;
      }
      if (subresource != null && !line.contains("subresource=\"" + subresource + "\"")) {
        continue;
      }
      if (code != null && !line.contains("code=\"" + code + "\"")) {
        continue;
      }
      total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    return (long) total;
  }

  /** Writes to the status subresource of monitors. */
  private Map<String, Long> statusWrites() {
    return Map.of("status", countWrites("scaphandremonitors", "status"));
  }

  /** Writes to what only the operator writes while nothing else changes (Events apart). */
  private Map<String, Long> operatorWrites() {
    Map<String, Long> writes = new LinkedHashMap<>();
    for (String resource :
        List.of(
            "scaphandremonitors",
            "daemonsets",
            "configmaps",
            "serviceaccounts",
            "nodes",
            "events")) {
      writes.put(resource, countWrites(resource, null));
    }
    return writes;
  }

  private long countWrites(String resource, String subresource) {
    String text = admin.raw("/metrics");
    double total = 0;
    Pattern verb = Pattern.compile("verb=\"(POST|PUT|PATCH|APPLY|DELETE)\"");
    for (String line : text.split("\n")) {
      if (!line.startsWith("apiserver_request_total{")
          || !line.contains("resource=\"" + resource + "\"")
          || !verb.matcher(line).find()) {
        continue;
      }
      Matcher sub = Pattern.compile("subresource=\"([^\"]*)\"").matcher(line);
      String actual = sub.find() ? sub.group(1) : "";
      if (subresource != null
          ? !subresource.equals(actual)
          : (!actual.isEmpty() && !"status".equals(actual))) {
        continue;
      }
      if ("daemonsets".equals(resource) && "status".equals(actual)) {
        continue; // the DaemonSet controller's
      }
      total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    return (long) total;
  }

  private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new LinkedHashMap<>();
    after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
    return d;
  }

  private static double sum(String text, String metric, String filter) {
    double total = 0;
    for (String line : text.split("\n")) {
      if ((line.startsWith(metric + "{") || line.startsWith(metric + " "))
          && (filter == null || line.contains(filter))) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private void note(String what) {
    String line =
        String.format(Locale.ROOT, "[%7.1f s] %s", (System.nanoTime() - start) / 1e9, what);
    log.add(line);
    System.out.println(line);
  }

  private void await(String what, Duration timeout, BooleanSupplier condition) {
    await(what, timeout, Duration.ofMillis(50), condition);
  }

  /** Polls every {@code poll}: a check that parses thousands of targets must not eat the cores. */
  private void await(String what, Duration timeout, Duration poll, BooleanSupplier condition) {
    note("waiting for " + what);
    try {
      Awaitility.await(what)
          .atMost(timeout)
          .pollInterval(poll)
          .pollDelay(Duration.ZERO)
          .until(condition::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "timed out after " + timeout + " waiting for " + what + "; figures so far: " + figures,
          e);
    }
    note("done: " + what);
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  private static String mib(long kib) {
    return String.format(Locale.ROOT, "%.0f MiB", kib / 1024.0);
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void report() throws IOException {
    StringBuilder md = new StringBuilder("| " + nodes + " nodes | |\n|---|---|\n");
    figures.forEach(
        (k, v) ->
            md.append("| ").append(k).append(" | ").append(v.replace("|", "/")).append(" |\n"));
    md.append("\n```\n").append(String.join("\n", log)).append("\n```\n");
    Path out = E2e.repoRoot().resolve("e2e/target/benchmarks/operator-scale-" + nodes + ".md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, md.toString());
    System.out.println(md);
  }
}
