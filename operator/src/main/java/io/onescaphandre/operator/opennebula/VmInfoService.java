package io.onescaphandre.operator.opennebula;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.onescaphandre.contracts.duration.DurationFields;
import io.onescaphandre.operator.admission.OpenNebulaEndpoints;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code opennebula_vm_info{one_vm_id,vm_name,uname,gname,one_host_id,hypervisor} = 1} for every
 * running VM, as the operator's {@code run} command serves it.
 *
 * <p><b>Where endpoint and session come from:</b> the ScaphandreMonitors' {@code spec.openNebula}
 * (endpoint, TLS, timeout, and the {@code user:password} of the Secret named by {@code secretRef},
 * read from the monitor's namespace, GET only) at every refresh, so the exported VMs follow the
 * custom resources: a monitor with {@code spec.openNebula} added, changed or deleted, or its Secret
 * rotated, is picked up at the next refresh. Monitors with equal settings are asked once; several
 * OpenNebula endpoints give the union of their VMs. A monitor whose Secret cannot be read is left
 * out (and logged); its status carries the same problem through the openNebulaApi host id source.
 *
 * <p><b>When:</b> now at {@link #start()}, then after the smallest {@code
 * spec.openNebula.refreshInterval} of those monitors, or {@code defaultInterval} when there is
 * none. Each distinct settings has one {@link CachingOpenNebulaClient}, so while an OpenNebula is
 * unreachable its last good VM pool stays exported; clients of settings no monitor names any more
 * are dropped.
 */
public final class VmInfoService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VmInfoService.class);

  /** No OpenNebula is asked more often than this, whatever a monitor says. */
  static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  /** One OpenNebula to ask and how often (null: the default interval). */
  public record Target(OpenNebulaConnectionSettings settings, Duration refreshInterval) {}

  private final Supplier<List<Target>> targets;
  private final Duration defaultInterval;
  private final OpenNebulaConnections connections;
  private final VmInfoExporter exporter;
  private final Object lock = new Object();
  private Set<OpenNebulaConnectionSettings> inUse = Set.of();
  private List<CachingOpenNebulaClient> clients = List.of();
  private Duration nextDelay;
  private final RepeatingTask refreshes =
      new RepeatingTask("opennebula-vm-info", this::refresh, this::nextDelay);

  /**
   * @param targets the OpenNebulas to ask, called at each refresh (see {@link #monitorTargets})
   * @param defaultInterval the refresh interval when no target gives one
   * @param clientFactory the XML-RPC client of given settings ({@code XmlRpcOpenNebulaClient::new})
   */
  public VmInfoService(
      MeterRegistry registry,
      Supplier<List<Target>> targets,
      Duration defaultInterval,
      Clock clock,
      Function<OpenNebulaConnectionSettings, OpenNebulaClient> clientFactory) {
    this.targets = targets;
    this.defaultInterval = defaultInterval;
    this.nextDelay = defaultInterval.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : defaultInterval;
    this.connections = new OpenNebulaConnections(clientFactory, clock);
    this.exporter = new VmInfoExporter(this::currentClients, registry, clock);
  }

  /**
   * The production wiring: the monitors in {@code namespaces} (all when empty) seen through {@code
   * client}, XML-RPC over HTTP, the system clock.
   */
  public static VmInfoService forMonitors(
      MeterRegistry registry,
      KubernetesClient client,
      Set<String> namespaces,
      Duration defaultInterval) {
    return forMonitors(
        registry,
        client,
        namespaces,
        OpenNebulaEndpoints.ANY,
        AnswerLimits.DEFAULT,
        defaultInterval);
  }

  /**
   * @param endpoints the endpoints the admin lets monitors send their session to
   * @param limits the bounds of OpenNebula's answers
   */
  public static VmInfoService forMonitors(
      MeterRegistry registry,
      KubernetesClient client,
      Set<String> namespaces,
      OpenNebulaEndpoints endpoints,
      AnswerLimits limits,
      Duration defaultInterval) {
    return new VmInfoService(
        registry,
        monitorTargets(client, namespaces, endpoints),
        defaultInterval,
        Clock.systemUTC(),
        settings -> new XmlRpcOpenNebulaClient(settings, limits));
  }

  /** The spec.openNebula of every monitor in the namespaces (all when empty), Secrets read now. */
  public static Supplier<List<Target>> monitorTargets(
      KubernetesClient client, Set<String> namespaces) {
    return monitorTargets(client, namespaces, OpenNebulaEndpoints.ANY);
  }

  /**
   * As {@link #monitorTargets(KubernetesClient, Set)}, monitors naming a refused endpoint left out.
   */
  public static Supplier<List<Target>> monitorTargets(
      KubernetesClient client, Set<String> namespaces, OpenNebulaEndpoints endpoints) {
    return () -> {
      Stream<ScaphandreMonitor> monitors =
          namespaces.isEmpty()
              ? client
                  .resources(ScaphandreMonitor.class)
                  .inAnyNamespace()
                  .list()
                  .getItems()
                  .stream()
              : namespaces.stream()
                  .flatMap(
                      ns ->
                          client
                              .resources(ScaphandreMonitor.class)
                              .inNamespace(ns)
                              .list()
                              .getItems()
                              .stream());
      List<Target> found = new ArrayList<>();
      monitors
          .filter(m -> m.getSpec() != null && m.getSpec().getOpenNebula() != null)
          .sorted(
              Comparator.comparing((ScaphandreMonitor m) -> m.getMetadata().getNamespace())
                  .thenComparing(m -> m.getMetadata().getName()))
          .forEach(
              m -> {
                MonitorOpenNebulaSettings.Result r =
                    MonitorOpenNebulaSettings.read(client, m, endpoints);
                if (r.ok()) {
                  String interval = m.getSpec().getOpenNebula().getRefreshInterval();
                  found.add(
                      new Target(
                          r.settings(),
                          DurationFields.OPENNEBULA_REFRESH_INTERVAL
                              .parseIfValid(interval)
                              .orElse(null)));
                } else {
                  LOG.warn(
                      "opennebula_vm_info leaves out monitor {}/{}: {}",
                      m.getMetadata().getNamespace(),
                      m.getMetadata().getName(),
                      r.failureMessage());
                }
              });
      return found;
    };
  }

  /** Refreshes now, then again and again; on a daemon thread of its own. */
  public void start() {
    refreshes.start();
  }

  /**
   * Reads the targets and their running VMs and replaces the exported rows. Never throws for
   * OpenNebula or API server failures: when the monitors cannot be listed, nothing changes.
   */
  public VmInfoExporter.RefreshStatus refresh() {
    List<Target> now;
    try {
      now = targets.get();
    } catch (RuntimeException e) {
      LOG.warn("opennebula_vm_info not refreshed, the monitors cannot be read: {}", e.toString());
      return exporter.lastRefresh();
    }
    Map<OpenNebulaConnectionSettings, Duration> distinct = new LinkedHashMap<>();
    now.forEach(
        t ->
            distinct.merge(
                t.settings(),
                t.refreshInterval() == null ? defaultInterval : t.refreshInterval(),
                (a, b) -> a.compareTo(b) <= 0 ? a : b));
    List<CachingOpenNebulaClient> current = new ArrayList<>();
    for (OpenNebulaConnectionSettings settings : distinct.keySet()) {
      try {
        current.add(connections.client(settings));
      } catch (OpenNebulaException e) {
        LOG.warn("opennebula_vm_info leaves out {}: {}", settings, e.getMessage());
      }
    }
    synchronized (lock) {
      Set<OpenNebulaConnectionSettings> gone = new HashSet<>(inUse);
      gone.removeAll(distinct.keySet());
      gone.forEach(connections::forget);
      inUse = Set.copyOf(distinct.keySet());
      clients = List.copyOf(current);
      Duration smallest =
          distinct.values().stream().min(Comparator.naturalOrder()).orElse(defaultInterval);
      nextDelay = smallest.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : smallest;
    }
    return exporter.refresh();
  }

  /** The delay before the next scheduled refresh, as the last refresh decided it. */
  public Duration nextDelay() {
    synchronized (lock) {
      return nextDelay;
    }
  }

  /** Null before the first refresh. */
  public VmInfoExporter.RefreshStatus lastRefresh() {
    return exporter.lastRefresh();
  }

  private List<CachingOpenNebulaClient> currentClients() {
    synchronized (lock) {
      return clients;
    }
  }

  /** Stops refreshing and removes the series. */
  @Override
  public void close() {
    // A refresh under way must not publish after the series are removed: closed first.
    refreshes.close();
    exporter.close();
  }
}
