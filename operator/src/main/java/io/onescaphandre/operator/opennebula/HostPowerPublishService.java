package io.onescaphandre.operator.opennebula;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.onescaphandre.contracts.duration.DurationFields;
import io.onescaphandre.operator.admission.OpenNebulaEndpoints;
import io.onescaphandre.operator.api.AgentFlavor;
import io.onescaphandre.operator.api.MonitorNames;
import io.onescaphandre.operator.api.OpenNebulaSpec;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code spec.openNebula.publish.hostTemplate}: at every {@code spec.openNebula.refreshInterval},
 * each agent pod of such a monitor is asked for {@code /opennebula/host?period=<interval>} (the
 * mean power since the previous refresh, the text the IM probe prints) on its pod address, and the
 * {@link HostPowerPublisher} of that OpenNebula writes what moved into the host whose id the pod's
 * node carries ({@code one-scaphandre.io/host-id}). Only the builtin agent serves that path.
 * Failures (a Secret, OpenNebula, an agent) are logged and retried at the next refresh.
 */
public final class HostPowerPublishService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostPowerPublishService.class);
  static final Duration MIN_INTERVAL = Duration.ofSeconds(10);
  private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * {@value #UPDATES}{namespace, monitor, result}: hosts written, left unchanged, failed, per
   * refresh.
   */
  static final String UPDATES = "one_scaphandre_opennebula_host_updates";

  private final MeterRegistry registry;
  private final KubernetesClient client;
  private final Set<String> namespaces;
  private final OpenNebulaEndpoints endpoints;
  private final Duration defaultInterval;
  private final Function<OpenNebulaConnectionSettings, OpenNebulaHostTemplates> oneFactory;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(AGENT_TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final Map<OpenNebulaConnectionSettings, HostPowerPublisher> publishers = new HashMap<>();
  private final Object lock = new Object();
  private Duration nextDelay;
  private final RepeatingTask refreshes =
      new RepeatingTask("opennebula-host-power", this::refresh, this::nextDelay);

  public HostPowerPublishService(
      MeterRegistry registry,
      KubernetesClient client,
      Set<String> namespaces,
      Duration defaultInterval,
      Function<OpenNebulaConnectionSettings, OpenNebulaHostTemplates> oneFactory) {
    this(registry, client, namespaces, OpenNebulaEndpoints.ANY, defaultInterval, oneFactory);
  }

  public HostPowerPublishService(
      MeterRegistry registry,
      KubernetesClient client,
      Set<String> namespaces,
      OpenNebulaEndpoints endpoints,
      Duration defaultInterval,
      Function<OpenNebulaConnectionSettings, OpenNebulaHostTemplates> oneFactory) {
    this.registry = registry;
    this.client = client;
    this.namespaces = namespaces;
    this.endpoints = endpoints;
    this.defaultInterval = defaultInterval;
    this.oneFactory = oneFactory;
    this.nextDelay = defaultInterval;
  }

  /**
   * @param endpoints the endpoints the admin lets monitors send their session to
   * @param limits the bounds of OpenNebula's answers
   */
  public static HostPowerPublishService forMonitors(
      MeterRegistry registry,
      KubernetesClient client,
      Set<String> namespaces,
      OpenNebulaEndpoints endpoints,
      AnswerLimits limits,
      Duration defaultInterval) {
    return new HostPowerPublishService(
        registry,
        client,
        namespaces,
        endpoints,
        defaultInterval,
        settings -> new XmlRpcOpenNebulaClient(settings, limits));
  }

  /** One refresh of every publishing monitor; by monitor {@code namespace/name}, what it did. */
  public Map<String, HostPowerPublisher.Result> refresh() {
    Map<String, HostPowerPublisher.Result> results = new TreeMap<>();
    Set<OpenNebulaConnectionSettings> inUse = new HashSet<>();
    Duration smallest = null;
    for (ScaphandreMonitor monitor : publishingMonitors()) {
      String name = monitor.getMetadata().getNamespace() + "/" + monitor.getMetadata().getName();
      OpenNebulaSpec one = monitor.getSpec().getOpenNebula();
      Duration interval =
          DurationFields.OPENNEBULA_REFRESH_INTERVAL
              .parseIfValid(one.getRefreshInterval())
              .orElse(defaultInterval);
      smallest = smallest == null || interval.compareTo(smallest) < 0 ? interval : smallest;
      if (monitor.getSpec().getAgent().getFlavor() != AgentFlavor.BUILTIN) {
        LOG.warn(
            "{}: spec.openNebula.publish needs the builtin agent (upstream Scaphandre serves no"
                + " /opennebula/host); nothing written",
            name);
        continue;
      }
      MonitorOpenNebulaSettings.Result settings =
          MonitorOpenNebulaSettings.read(client, monitor, endpoints);
      if (!settings.ok()) {
        LOG.warn("{}: host power not written to OpenNebula: {}", name, settings.failureMessage());
        continue;
      }
      inUse.add(settings.settings());
      HostPowerPublisher publisher;
      synchronized (lock) {
        publisher =
            publishers.computeIfAbsent(
                settings.settings(), s -> new HostPowerPublisher(oneFactory.apply(s)));
      }
      Map<Integer, Optional<String>> agents = agentTexts(monitor, interval);
      publisher.retain(agents.keySet());
      HostPowerPublisher.Result result = publisher.publish(agents, one.getPublish());
      LOG.debug(
          "{}: host power written to {} hosts, {} unchanged, {} failed",
          name,
          result.written().size(),
          result.unchanged().size(),
          result.failed().size());
      count(monitor, "written", result.written().size());
      count(monitor, "unchanged", result.unchanged().size());
      count(monitor, "failed", result.failed().size());
      results.put(name, result);
    }
    synchronized (lock) {
      publishers.keySet().retainAll(inUse);
      Duration next = smallest == null ? defaultInterval : smallest;
      nextDelay = next.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : next;
    }
    return results;
  }

  private void count(ScaphandreMonitor monitor, String result, int hosts) {
    Counter.builder(UPDATES)
        .description(
            "Hosts whose power attributes spec.openNebula.publish wrote (written), found unchanged"
                + " (unchanged) or could not write (failed)")
        .tags(
            "namespace",
            monitor.getMetadata().getNamespace(),
            "monitor",
            monitor.getMetadata().getName(),
            "result",
            result)
        .register(registry)
        .increment(hosts);
  }

  private List<ScaphandreMonitor> publishingMonitors() {
    List<ScaphandreMonitor> all = new ArrayList<>();
    try {
      if (namespaces.isEmpty()) {
        all.addAll(client.resources(ScaphandreMonitor.class).inAnyNamespace().list().getItems());
      } else {
        for (String ns : namespaces) {
          all.addAll(client.resources(ScaphandreMonitor.class).inNamespace(ns).list().getItems());
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("host power not written, the monitors cannot be listed: {}", e.toString());
      return List.of();
    }
    return all.stream()
        .filter(
            m ->
                m.getSpec() != null
                    && m.getSpec().getOpenNebula() != null
                    && Boolean.TRUE.equals(
                        m.getSpec().getOpenNebula().getPublish().getHostTemplate()))
        .sorted(
            Comparator.comparing((ScaphandreMonitor m) -> m.getMetadata().getNamespace())
                .thenComparing(m -> m.getMetadata().getName()))
        .toList();
  }

  /** Host id → the agent's answer, for every running agent pod on a node with a host id. */
  private Map<Integer, Optional<String>> agentTexts(ScaphandreMonitor monitor, Duration period) {
    Map<Integer, Optional<String>> texts = new TreeMap<>();
    List<Pod> pods =
        client
            .pods()
            .inNamespace(monitor.getMetadata().getNamespace())
            .withLabel(MonitorNames.NAME_LABEL, MonitorNames.AGENT_APP)
            .withLabel(MonitorNames.INSTANCE_LABEL, monitor.getMetadata().getName())
            .list()
            .getItems();
    int port = monitor.getSpec().getAgent().getPort();
    Map<String, Integer> hostIds = pods.isEmpty() ? Map.of() : nodeHostIds();
    for (Pod pod : pods) {
      String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
      String podIp = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      if (nodeName == null || pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      Integer hostId = hostIds.get(nodeName);
      if (hostId == null) {
        continue;
      }
      boolean running = pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
      texts.put(
          hostId,
          running && podIp != null && !podIp.isEmpty()
              ? fetch(
                  URI.create(
                      "http://"
                          + bracketed(podIp)
                          + ":"
                          + port
                          + "/opennebula/host?period="
                          + Math.max(1, period.toSeconds())))
              : Optional.empty());
    }
    return texts;
  }

  /** Node name to host id, from one list of the nodes that carry the operator's host-id label. */
  private Map<String, Integer> nodeHostIds() {
    Map<String, Integer> ids = new HashMap<>();
    for (Node node : client.nodes().withLabel(MonitorNames.HOST_ID_LABEL).list().getItems()) {
      try {
        ids.put(
            node.getMetadata().getName(),
            Integer.valueOf(node.getMetadata().getLabels().get(MonitorNames.HOST_ID_LABEL)));
      } catch (NumberFormatException notAnId) {
        // a label the operator did not write: no host for that node
      }
    }
    return ids;
  }

  private static String bracketed(String ip) {
    return ip.contains(":") ? "[" + ip + "]" : ip;
  }

  private Optional<String> fetch(URI uri) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(AGENT_TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        return Optional.of(response.body());
      }
      LOG.debug("{} answered HTTP {}", uri, response.statusCode());
    } catch (IOException e) {
      LOG.debug("{} did not answer: {}", uri, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }

  /** Refreshes now, then after the smallest refresh interval of the publishing monitors. */
  public void start() {
    refreshes.start();
  }

  private Duration nextDelay() {
    synchronized (lock) {
      return nextDelay;
    }
  }

  @Override
  public void close() {
    refreshes.close();
  }
}
