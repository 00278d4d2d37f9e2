package io.onescaphandre.e2e.phases;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.onescaphandre.e2e.support.E2e;
import io.onescaphandre.e2e.support.Figures;
import io.onescaphandre.e2e.support.Kubectl;
import io.onescaphandre.e2e.support.OperatorProcess;
import io.onescaphandre.e2e.support.Parts;
import io.onescaphandre.e2e.support.SharedFixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Phase 12 (issue 15): what a user allowed only to create and get ScaphandreMonitors in one
 * namespace can make the operator do, on the real API server, as that user (kubectl --as). The
 * operator runs with its default policy. Such a user cannot get a DaemonSet with an image of their
 * choice (nor extraArgs): the monitor is Degraded with the reason, an Event says so, and no
 * DaemonSet appears. Nor can they make the operator read a Secret of their namespace that did not
 * opt in: nothing is sent to the endpoint they name, and the Secret's value appears in no status
 * and no Event, even once it opts in and the endpoint echoes it back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class E12SecurityIT {
  private static final Duration RECONCILE = Duration.ofSeconds(90);
  private static final String NS = "tenant-a";
  private static final String USER = "alice@example.org";
  private static final String SESSION = "oneadmin:E2eSecret-3b9f1c77";
  private static final String PASSWORD = SESSION.substring(SESSION.indexOf(':') + 1);
  private static final String OPT_IN_LABEL = "one-scaphandre.io/opennebula-credentials";
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static HttpServer endpoint;

  /** Bodies of the requests the monitor's endpoint received. */
  private static final List<String> received = new CopyOnWriteArrayList<>();

  private static boolean crdAccepted;

  @BeforeAll
  static void parts() throws IOException {
    E2e.assumeControlPlane();
    Parts.assumeOperator();
    SharedFixtures.ensureNamespace(NS);
    endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    endpoint.createContext(
        "/RPC2",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          received.add(body);
          // A hostile endpoint echoes what it was sent, inside an XML-RPC error answer.
          String echo =
              "<?xml version=\"1.0\"?><methodResponse><params><param><value><array><data>"
                  + "<value><boolean>0</boolean></value><value><string>you sent "
                  + body.replace("&", "&amp;").replace("<", "&lt;")
                  + "</string></value><value><i4>256</i4></value>"
                  + "</data></array></value></param></params></methodResponse>";
          byte[] bytes = echo.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    endpoint.start();
  }

  @AfterAll
  static void stop() {
    if (endpoint != null) {
      endpoint.stop(0);
    }
  }

  private static Kubectl.Result asUser(String stdin, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--as=" + USER;
    all[1] = "--namespace=" + NS;
    System.arraycopy(args, 0, all, 2, args.length);
    return Kubectl.runWithInput(stdin, all);
  }

  /** Lets the user create and get ScaphandreMonitors in the namespace, and nothing else. */
  private static void grantMonitorAuthor(String namespace) {
    E2e.client()
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("monitor-author")
                .withNamespace(namespace)
                .endMetadata()
                .addNewRule()
                .withApiGroups("one-scaphandre.io")
                .withResources("scaphandremonitors")
                .withVerbs("create", "get")
                .endRule()
                .build())
        .serverSideApply();
    E2e.client()
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("monitor-author")
                .withNamespace(namespace)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "monitor-author")
                .addNewSubject()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("User")
                .withName(USER)
                .endSubject()
                .build())
        .serverSideApply();
  }

  /** Creates, as the user, a monitor selecting no node, with these further lines of spec. */
  private static void createAsUser(String name, String spec) {
    asUser(
            """
        apiVersion: one-scaphandre.io/v1alpha1
        kind: ScaphandreMonitor
        metadata: {name: %s}
        spec:
          nodeSelector: {one-scaphandre.io/e2e-security: "none"}
          %s
        """
                .formatted(name, spec),
            "create",
            "-f",
            "-")
        .assertSuccess();
  }

  private static GenericKubernetesResource monitor(String name) {
    return E2e.client()
        .genericKubernetesResources("one-scaphandre.io/v1alpha1", "ScaphandreMonitor")
        .inNamespace(NS)
        .withName(name)
        .get();
  }

  private static Map<String, Object> condition(String name, String type) {
    GenericKubernetesResource m = monitor(name);
    List<Map<String, Object>> conditions = m == null ? null : m.get("status", "conditions");
    return conditions == null
        ? null
        : conditions.stream().filter(c -> type.equals(c.get("type"))).findFirst().orElse(null);
  }

  private static void awaitDegraded(String name, String reason) {
    Awaitility.await(name + " Degraded " + reason)
        .atMost(RECONCILE)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              Map<String, Object> degraded = condition(name, "Degraded");
              return degraded != null
                  && "True".equals(degraded.get("status"))
                  && reason.equals(degraded.get("reason"));
            });
  }

  private static String eventsJson() {
    return JSON.asJson(E2e.client().v1().events().inNamespace(NS).list());
  }

  @Test
  @Order(1)
  void theUserMayCreateAndGetMonitorsAndNothingElse() {
    SharedFixtures.applyScaphandreMonitorCrd();
    crdAccepted = true;
    grantMonitorAuthor(NS);
    assertThat(
            asUser(null, "auth", "can-i", "create", "scaphandremonitors.one-scaphandre.io")
                .stdout()
                .strip())
        .isEqualTo("yes");
    for (String other : List.of("daemonsets.apps", "pods", "secrets")) {
      assertThat(asUser(null, "auth", "can-i", "create", other).stdout().strip())
          .as(other)
          .isEqualTo("no");
    }
    assertThat(asUser(null, "auth", "can-i", "get", "secrets").stdout().strip()).isEqualTo("no");
  }

  @Test
  @Order(2)
  void aForeignImageOrExtraArgsGiveDegradedAnEventAndNoDaemonSet() {
    assertThat(crdAccepted).as("the CRD was not established").isTrue();
    OperatorProcess.ensureRunning();
    long start = System.nanoTime();
    createAsUser(
        "miner", "agent: {image: evil.example/miner:1, initImage: evil.example/root-shell:1}");
    createAsUser("flags", "agent: {extraArgs: [--path.procfs=/host/root]}");
    awaitDegraded("miner", "AgentImageNotAllowed");
    Figures.record("security", "foreign image -> Degraded", (System.nanoTime() - start) / 1e9, "s");
    awaitDegraded("flags", "ExtraArgsNotAllowed");

    // The user sees why with the rights they have.
    String seen =
        asUser(
                null,
                "get",
                "scaphandremonitor",
                "miner",
                "-o",
                "jsonpath={.status.conditions[?(@.type=='Degraded')].message}")
            .assertSuccess()
            .stdout();
    assertThat(seen)
        .contains(
            "agent image evil.example/miner:1 is not allowed",
            "init image evil.example/root-shell:1",
            "--allowed-agent-images");
    Awaitility.await("the Events")
        .atMost(RECONCILE)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                eventsJson().contains("DegradedAgentImageNotAllowed")
                    && eventsJson().contains("DegradedExtraArgsNotAllowed"));
    assertThat(E2e.client().apps().daemonSets().inNamespace(NS).list().getItems())
        .as("no DaemonSet at all in the namespace, so none with the foreign image")
        .isEmpty();
  }

  @Test
  @Order(3)
  void aSecretThatDidNotOptInIsNeverRead() {
    assertThat(crdAccepted).as("the CRD was not established").isTrue();
    OperatorProcess.ensureRunning();
    E2e.client()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("db-credentials")
                .withNamespace(NS)
                .endMetadata()
                .addToData(
                    "one_auth",
                    Base64.getEncoder().encodeToString(SESSION.getBytes(StandardCharsets.UTF_8)))
                .build())
        .serverSideApply();
    String url = "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/RPC2";
    createAsUser(
        "thief",
        "hostId: {sources: [openNebulaApi]}\n  openNebula: {endpoint: \""
            + url
            + "\", secretRef: {name: db-credentials}, timeout: 5s, refreshInterval: 10s}");
    awaitDegraded("thief", "OpenNebulaSecretNotOptedIn");
    assertThat((String) condition("thief", "Degraded").get("message"))
        .contains("Secret " + NS + "/db-credentials", OPT_IN_LABEL + "=true");
    assertThat(received).as("nothing was sent to the endpoint the user named").isEmpty();
    assertNoSecretIn(JSON.asJson(monitor("thief")), eventsJson());

    // Control: once its owner opts the Secret in, it is used, so the check above could have failed;
    // the endpoint echoes the session back and still nothing of it reaches status or Events.
    E2e.client()
        .secrets()
        .inNamespace(NS)
        .withName("db-credentials")
        .edit(
            s ->
                new SecretBuilder(s)
                    .editMetadata()
                    .addToLabels(OPT_IN_LABEL, "true")
                    .endMetadata()
                    .build());
    Awaitility.await("the opted-in Secret is used")
        .atMost(RECONCILE)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> received.stream().anyMatch(b -> b.contains(SESSION)));
    awaitDegraded("thief", "OpenNebulaAuthenticationFailed");
    assertThat((String) condition("thief", "Degraded").get("message")).contains("you sent", "***");
    assertNoSecretIn(JSON.asJson(monitor("thief")), eventsJson());
    String operatorLog;
    try {
      operatorLog = Files.readString(OperatorProcess.ensureRunning().log(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(operatorLog).as("the operator's log").doesNotContain(PASSWORD);
  }

  /**
   * The chart's monitorNamespaces: its ValidatingAdmissionPolicy (rendered by helm-java for this
   * server's version) makes the API server refuse a monitor in any other namespace, RBAC
   * notwithstanding.
   */
  @Test
  @Order(4)
  void theChartsNamespacePolicyRefusesMonitorsElsewhere() {
    assertThat(crdAccepted).as("the CRD was not established").isTrue();
    Parts.assumeChart();
    String policy =
        policyDocuments(
            new Helm(Parts.chartDir())
                .template()
                .withName("e12")
                .withNamespace("one-scaphandre")
                .withKubeVersion("1.34.12")
                .set("monitorNamespaces[0]", NS)
                .call());
    assertThat(policy).contains("kind: ValidatingAdmissionPolicyBinding");
    Kubectl.runWithInput(policy, "apply", "-f", "-").assertSuccess();
    String elsewhere = "tenant-b";
    SharedFixtures.ensureNamespace(elsewhere);
    grantMonitorAuthor(elsewhere); // RBAC would let the user; only the policy refuses
    String monitor =
        """
        apiVersion: one-scaphandre.io/v1alpha1
        kind: ScaphandreMonitor
        metadata: {name: elsewhere}
        spec: {nodeSelector: {one-scaphandre.io/e2e-security: "none"}}
        """;
    try {
      // The server compiles a new policy in the background: wait until it is enforced.
      java.util.concurrent.atomic.AtomicReference<String> last =
          new java.util.concurrent.atomic.AtomicReference<>();
      Awaitility.await()
          .alias("the policy refuses a monitor in " + elsewhere)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                Kubectl.Result r =
                    Kubectl.runWithInput(
                        monitor,
                        "--as=" + USER,
                        "--namespace=" + elsewhere,
                        "create",
                        "--dry-run=server",
                        "-f",
                        "-");
                last.set(r.exitCode() + " " + r.stderr() + r.stdout());
                return r.exitCode() != 0
                    && r.stderr()
                        .contains(
                            "ScaphandreMonitors may only be created in the" + " namespaces " + NS);
              });
      assertThat(last.get()).contains("ValidatingAdmissionPolicy", "not in " + elsewhere);
      asUser(monitor, "create", "--dry-run=server", "-f", "-").assertSuccess();
    } finally {
      Kubectl.runWithInput(policy, "delete", "--ignore-not-found", "-f", "-");
      // The server drops a deleted policy in the background too: the later phases (E13 creates
      // monitors in its own namespace) must find it gone, not still enforced for a moment.
      Awaitility.await()
          .alias("the deleted policy is no longer enforced")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  Kubectl.runWithInput(
                              monitor,
                              "--namespace=" + elsewhere,
                              "create",
                              "--dry-run=server",
                              "-f",
                              "-")
                          .exitCode()
                      == 0);
    }
  }

  /** The chart's ValidatingAdmissionPolicy and its binding, out of the whole rendered chart. */
  private static String policyDocuments(String manifests) {
    return String.join(
        "\n---\n",
        java.util.Arrays.stream(manifests.split("(?m)^---$"))
            .filter(d -> d.contains("kind: ValidatingAdmissionPolicy"))
            .toList());
  }

  private static void assertNoSecretIn(String status, String events) {
    String base64 = Base64.getEncoder().encodeToString(SESSION.getBytes(StandardCharsets.UTF_8));
    assertThat(status).doesNotContain(PASSWORD).doesNotContain(base64);
    assertThat(events).doesNotContain(PASSWORD).doesNotContain(base64);
  }
}
