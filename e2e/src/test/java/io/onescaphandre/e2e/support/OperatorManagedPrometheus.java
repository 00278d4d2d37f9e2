package io.onescaphandre.e2e.support;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus 3 running exactly the configuration the Prometheus Operator generated for a
 * Prometheus resource (localized as {@link GeneratedPrometheusConfig#localize} says) and the rule
 * files of its rule ConfigMaps. Kept in sync as prometheus-config-reloader, the sidecar of the
 * Prometheus pod, would: when the Secret or the rule ConfigMap changes, files are rewritten and
 * Prometheus reloads (part of the pod stand-in; no kubelet runs the real sidecar here).
 */
public final class OperatorManagedPrometheus implements AutoCloseable {
  private final String namespace;
  private final String prometheusName;
  private final Path ruleDir;
  private final PrometheusServer server;
  private final ScheduledExecutorService reloader;
  private volatile String lastConfig;
  private volatile Map<String, String> lastRules;
  private volatile int reloads;

  private OperatorManagedPrometheus(String namespace, String prometheusName) {
    this.namespace = namespace;
    this.prometheusName = prometheusName;
    this.ruleDir = E2e.work("prometheus-" + prometheusName + "-rules");
    this.lastConfig =
        GeneratedPrometheusConfig.await(namespace, prometheusName, Duration.ofSeconds(90));
    this.lastRules = rules();
    writeRules(lastRules);
    this.server = PrometheusServer.start(prometheusName, localized(lastConfig), Map.of());
    this.reloader =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "config-reloader-stand-in");
              t.setDaemon(true);
              return t;
            });
    reloader.scheduleWithFixedDelay(this::syncQuietly, 2, 2, TimeUnit.SECONDS);
  }

  public static OperatorManagedPrometheus start(String namespace, String prometheusName) {
    return new OperatorManagedPrometheus(namespace, prometheusName);
  }

  public PromQl api() {
    return server.api();
  }

  public String generatedConfig() {
    return lastConfig;
  }

  public Map<String, String> ruleFiles() {
    return lastRules;
  }

  public int reloads() {
    return reloads;
  }

  private String localized(String config) {
    return GeneratedPrometheusConfig.localize(config, E2e.kubeconfig(), ruleDir);
  }

  private Map<String, String> rules() {
    Map<String, String> files = new HashMap<>();
    for (ConfigMap cm : E2e.client().configMaps().inNamespace(namespace).list().getItems()) {
      if (cm.getMetadata().getName().startsWith("prometheus-" + prometheusName + "-rulefiles-")
          && cm.getData() != null) {
        files.putAll(cm.getData());
      }
    }
    return files;
  }

  private void writeRules(Map<String, String> files) {
    try {
      try (Stream<Path> old = Files.list(ruleDir)) {
        for (Path p : old.toList()) {
          Files.delete(p);
        }
      }
      for (var file : files.entrySet()) {
        String name = file.getKey().endsWith(".yaml") ? file.getKey() : file.getKey() + ".yaml";
        Files.writeString(ruleDir.resolve(name), file.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void syncQuietly() {
    try {
      String config = GeneratedPrometheusConfig.current(namespace, prometheusName);
      Map<String, String> rules = rules();
      if (config != null && (!config.equals(lastConfig) || !rules.equals(lastRules))) {
        writeRules(rules);
        server.reload(localized(config));
        lastConfig = config;
        lastRules = rules;
        reloads++;
      }
    } catch (RuntimeException | AssertionError e) {
      System.err.println("config-reloader stand-in: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    reloader.shutdownNow();
    server.close();
  }
}
