package io.onescaphandre.demo;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.dependent.PrometheusOperatorCrds;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The demo's Kubernetes API: Fabric8's mock server in CRUD mode on a free loopback port (it stores
 * what is written and serves lists and watches; nothing schedules or runs anything), with the
 * ScaphandreMonitor CRD, the Prometheus Operator's CRDs and the demo's nodes.
 */
public final class DemoCluster implements AutoCloseable {
  /** Kept in a field: java.util.logging holds loggers weakly and would forget the level. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG = quiet("io.fabric8.mockwebserver");

  private static final Map<String, String> PROMETHEUS_OPERATOR_KINDS =
      Map.of(
          PrometheusOperatorCrds.POD_MONITORS, "PodMonitor",
          PrometheusOperatorCrds.SCRAPE_CONFIGS, "ScrapeConfig",
          PrometheusOperatorCrds.PROMETHEUS_RULES, "PrometheusRule");

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private DemoCluster() {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
  }

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  /** Starts the server and creates the CRDs, the namespace and the nodes. */
  public static DemoCluster start(String namespace) {
    DemoCluster cluster = new DemoCluster();
    try {
      cluster.installCrds();
      cluster
          .client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
      for (DemoNode node : DemoNode.CLUSTER) {
        cluster.client.nodes().resource(node.toNode()).create();
      }
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private void installCrds() {
    String resource = "/META-INF/fabric8/" + MonitorNames.CRD_NAME + "-v1.yml";
    try (InputStream in = DemoCluster.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + resource);
      }
      CustomResourceDefinition crd =
          client.apiextensions().v1().customResourceDefinitions().load(in).item();
      // Without the status subresource: the mock server would store a created monitor's status as
      // null, and JOSDK's JSON patch of the status (computed against its cache's empty status)
      // could
      // not apply. The schema and everything else are the operator's own.
      crd.getSpec().getVersions().forEach(v -> v.setSubresources(null));
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PROMETHEUS_OPERATOR_KINDS.forEach(
        (name, kind) -> {
          String plural = name.substring(0, name.indexOf('.'));
          String version = kind.equals("ScrapeConfig") ? "v1alpha1" : "v1";
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
                      .withKind(kind)
                      .endNames()
                      .addNewVersion()
                      .withName(version)
                      .withServed(true)
                      .withStorage(true)
                      .withNewSchema()
                      .withNewOpenAPIV3Schema()
                      .withType("object")
                      .withXKubernetesPreserveUnknownFields(true)
                      .endOpenAPIV3Schema()
                      .endSchema()
                      .endVersion()
                      .endSpec()
                      .build())
              .create();
        });
  }

  /**
   * A client of the demo's API server with its own User-Agent (so its requests can be told apart).
   */
  public KubernetesClient newClient(String userAgent) {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(userAgent).build())
        .build();
  }

  public KubernetesClient client() {
    return client;
  }

  public String url() {
    return client.getMasterUrl().toString();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
