package io.onescaphandre.operator.testsupport;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.PrometheusOperatorCrds;
import io.onescaphandre.operator.hostid.OpenNebulaHostDirectory;
import io.onescaphandre.operator.reconciler.MonitorOperator;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;

/**
 * A Fabric8 mock API server in CRUD mode with the operator running against it, server-side apply
 * off (the mock server has none). The operator's client has its own User-Agent so its writes can be
 * told apart from the test's.
 */
public final class MockCluster implements AutoCloseable {
  public static final String OPERATOR_USER_AGENT = "one-scaphandre-operator-under-test";

  /** Kept in a field: java.util.logging holds loggers weakly and would forget the level. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG = quiet("io.fabric8.mockwebserver");

  private static final Set<String> WRITE_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final KubernetesClient operatorClient;
  private final ReconcileCounter reconciles = new ReconcileCounter();
  private Operator operator;

  private MockCluster() {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    operatorClient =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration())
                    .withUserAgent(OPERATOR_USER_AGENT)
                    .build())
            .build();
  }

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  public static MockCluster start() {
    return new MockCluster();
  }

  public MockCluster runOperator() {
    return runOperator(OpenNebulaHostDirectory.NONE);
  }

  public MockCluster runOperator(OpenNebulaHostDirectory directory) {
    return runOperator(builder -> builder.withOpenNebulaHostDirectory(directory));
  }

  /**
   * Runs the operator built as in the tests (SSA off, counted, no OpenNebula) with further
   * settings.
   */
  public MockCluster runOperator(java.util.function.Consumer<MonitorOperator> settings) {
    MonitorOperator builder =
        MonitorOperator.builder(operatorClient)
            .withServerSideApply(false)
            .withMetrics(reconciles)
            .withOpenNebulaHostDirectory(OpenNebulaHostDirectory.NONE)
            .withCrdRecheckInterval(Duration.ofMillis(500));
    settings.accept(builder);
    operator = builder.build();
    operator.start();
    return this;
  }

  /** Stops the operator (as on shutdown); a later runOperator starts a fresh one. */
  public void stopOperator() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }

  /**
   * Edits a monitor as a user would with {@code kubectl edit}: read, change, write with the
   * resourceVersion read. The operator may write the monitor's status in between (a 409): then the
   * edit is made again on what is there now, as kubectl would ask the user to.
   */
  public void editMonitor(
      String namespace, String name, java.util.function.Consumer<ScaphandreMonitor> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .resources(ScaphandreMonitor.class)
            .inNamespace(namespace)
            .withName(name)
            .edit(
                m -> {
                  change.accept(m);
                  return m;
                });
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  /** The test's own client (its writes are not counted as the operator's). */
  public KubernetesClient client() {
    return client;
  }

  public ReconcileCounter reconciles() {
    return reconciles;
  }

  /**
   * Waits until the operator has finished no reconcile for {@code quiet}: events it caused itself
   * have been handled. Fails after a minute.
   */
  public void awaitQuiet(Duration quiet) {
    AtomicLong lastSeen = new AtomicLong(reconciles.finished());
    // "during": no reconcile may finish between any two polls of the whole quiet period.
    Awaitility.await("the operator to stop reconciling for " + quiet)
        .atMost(Duration.ofMinutes(1))
        .during(quiet)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              long now = reconciles.finished();
              return lastSeen.getAndSet(now) == now;
            });
  }

  /**
   * The cluster most mock tests start from: the Prometheus Operator's CRDs installed and KVM nodes
   * {@code kvm-1} .. {@code kvm-<count>} at {@code 10.0.0.1} .. {@code 10.0.0.<count>}, the
   * operator not yet running (tests start it with the settings they need).
   */
  public MockCluster withPrometheusOperatorAndKvmNodes(int count) {
    installPrometheusOperatorCrds();
    for (int i = 1; i <= count; i++) {
      client.nodes().resource(Fixtures.kvmNode("kvm-" + i, "10.0.0." + i)).create();
    }
    return this;
  }

  /**
   * Creates the CRDs of PodMonitor, ScrapeConfig and PrometheusRule (names only: enough for a
   * lookup).
   */
  public void installPrometheusOperatorCrds() {
    PrometheusOperatorCrds.ALL.forEach(this::installCrd);
  }

  /** Creates a CRD of the Prometheus Operator's group by its name (plural.group). */
  public void installCrd(String name) {
    String plural = name.substring(0, name.indexOf('.'));
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withGroup("monitoring.coreos.com")
                .withScope("Namespaced")
                .withNewNames()
                .withPlural(plural)
                .endNames()
                .endSpec()
                .build())
        .create();
  }

  /** Write requests (method and path) the operator made since the last call. */
  public synchronized List<String> operatorWritesSinceLastCall() {
    return operatorRequestsSinceLastCall().stream()
        .filter(r -> WRITE_METHODS.contains(r.substring(0, r.indexOf(' '))))
        .toList();
  }

  /**
   * Every request (method and path) the operator made since the last call, reads and watches
   * included.
   */
  public synchronized List<String> operatorRequestsSinceLastCall() {
    List<String> requests = new ArrayList<>();
    try {
      RecordedRequest r;
      while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        if (OPERATOR_USER_AGENT.equals(r.getHeader("User-Agent"))) {
          requests.add(r.getMethod() + " " + r.getPath());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return requests;
  }

  @Override
  public void close() {
    if (operator != null) {
      operator.stop();
    }
    operatorClient.close();
    client.close();
    server.destroy();
  }
}
