package io.onescaphandre.e2e.scale;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every change of the monitor's status, with its time and size, by phase. */
final class StatusWatch implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KubernetesClient admin;
  private final ResourceDefinitionContext monitors;
  private final String namespace;
  private final String name;
  private final Map<String, List<Long>> changesByPhase = new ConcurrentHashMap<>();
  private volatile String phase = "first";
  private volatile String lastStatus;
  volatile int maxBytes;
  private io.fabric8.kubernetes.client.Watch watch;

  StatusWatch(
      KubernetesClient admin, ResourceDefinitionContext monitors, String namespace, String name) {
    this.admin = admin;
    this.monitors = monitors;
    this.namespace = namespace;
    this.name = name;
  }

  void start() {
    watch =
        admin
            .genericKubernetesResources(monitors)
            .inNamespace(namespace)
            .withName(name)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, GenericKubernetesResource m) {
                    Object s = m.getAdditionalProperties().get("status");
                    String status;
                    try {
                      status = s == null ? null : JSON.writeValueAsString(s);
                    } catch (IOException e) {
                      return;
                    }
                    if (status != null && !status.equals(lastStatus)) {
                      lastStatus = status;
                      maxBytes = Math.max(maxBytes, status.getBytes(StandardCharsets.UTF_8).length);
                      changesByPhase
                          .computeIfAbsent(phase, p -> new CopyOnWriteArrayList<>())
                          .add(System.nanoTime());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  void markPhase(String next) {
    phase = next;
  }

  int changes(String p) {
    return changesByPhase.getOrDefault(p, List.of()).size();
  }

  String shortestGap(String p) {
    List<Long> times = changesByPhase.getOrDefault(p, List.of());
    long shortest = Long.MAX_VALUE;
    for (int i = 1; i < times.size(); i++) {
      shortest = Math.min(shortest, times.get(i) - times.get(i - 1));
    }
    return shortest == Long.MAX_VALUE
        ? "n/a (fewer than two)"
        : String.format(java.util.Locale.ROOT, "%.2f s", shortest / 1e9);
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
