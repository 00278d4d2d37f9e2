package io.onescaphandre.operator.opennebula;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.onescaphandre.contracts.hostid.HostId;
import io.onescaphandre.operator.admission.OpenNebulaEndpoints;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.hostid.NodeLabels;
import io.onescaphandre.operator.hostid.OpenNebulaHostDirectory;
import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code openNebulaApi} host id source: reads the monitor's Secret, asks {@code
 * one.hostpool.info} through one {@link CachingOpenNebulaClient} per distinct connection settings
 * (endpoint, session, TLS, timeout; shared by every reconcile and every monitor with the same
 * settings, replaced when the Secret's content changes) and matches the nodes with {@link
 * HostMatcher}.
 *
 * <p>Never throws. When OpenNebula cannot be asked (Secret missing, session refused, unreachable)
 * the last good host pool this monitor got from the same endpoint keeps the nodes' ids, and the
 * failure is a problem with its reason; with no earlier answer the nodes get no id from this
 * source. Ambiguous matches bind nobody and name everyone involved.
 */
public final class OpenNebulaApiHostDirectory implements OpenNebulaHostDirectory {
  private final KubernetesClient client;
  private final OpenNebulaConnections connections;

  /** Per monitor (namespace/name): the settings it used last and its last good host pool. */
  private final Map<String, State> states = new HashMap<>();

  private record State(OpenNebulaConnectionSettings settings, Answer<List<OneHost>> lastGood) {}

  private final OpenNebulaEndpoints endpoints;

  public OpenNebulaApiHostDirectory(KubernetesClient client, OpenNebulaConnections connections) {
    this(client, connections, OpenNebulaEndpoints.ANY);
  }

  /**
   * @param endpoints the endpoints the admin lets monitors send their session to
   */
  public OpenNebulaApiHostDirectory(
      KubernetesClient client, OpenNebulaConnections connections, OpenNebulaEndpoints endpoints) {
    this.client = client;
    this.connections = connections;
    this.endpoints = endpoints;
  }

  @Override
  public Lookup lookup(ScaphandreMonitor monitor, List<Node> nodes) {
    String key = NodeLabels.owner(monitor);
    if (monitor.getSpec().getOpenNebula() == null) {
      // SpecValidator reports it; there is nothing to ask.
      return Lookup.empty();
    }
    URI endpoint = endpointOf(monitor);
    MonitorOpenNebulaSettings.Result settings =
        MonitorOpenNebulaSettings.read(client, monitor, endpoints);
    if (!settings.ok()) {
      return fromLastGood(
          key, endpoint, nodes, settings.failureReason(), settings.failureMessage());
    }
    Answer<List<OneHost>> answer;
    try {
      answer = connections.client(settings.settings()).hostPool();
    } catch (OpenNebulaException e) {
      use(key, settings.settings(), null);
      return fromLastGood(
          key, endpoint, nodes, MonitorOpenNebulaSettings.reasonOf(e), e.getMessage());
    }
    use(key, settings.settings(), answer.stale() ? null : answer);
    if (answer.stale()) {
      OpenNebulaException failure = answer.failure();
      return match(
          nodes, answer, MonitorOpenNebulaSettings.reasonOf(failure), failure.getMessage());
    }
    return match(nodes, answer, null, null);
  }

  @Override
  public void forget(ScaphandreMonitor monitor) {
    OpenNebulaConnectionSettings released;
    synchronized (states) {
      State removed = states.remove(NodeLabels.owner(monitor));
      released = removed == null ? null : removed.settings();
    }
    release(released);
  }

  /** Records what the monitor uses now; drops the client of settings no monitor uses any more. */
  private void use(String key, OpenNebulaConnectionSettings settings, Answer<List<OneHost>> fresh) {
    OpenNebulaConnectionSettings released;
    synchronized (states) {
      State previous = states.get(key);
      Answer<List<OneHost>> lastGood =
          fresh != null
              ? fresh
              : previous != null && sameEndpoint(previous.settings(), settings)
                  ? previous.lastGood()
                  : null;
      states.put(key, new State(settings, lastGood));
      released =
          previous == null || previous.settings().equals(settings) ? null : previous.settings();
    }
    release(released);
  }

  private void release(OpenNebulaConnectionSettings settings) {
    if (settings == null) {
      return;
    }
    synchronized (states) {
      if (states.values().stream().anyMatch(s -> settings.equals(s.settings()))) {
        return;
      }
      connections.forget(settings);
    }
  }

  /**
   * OpenNebula could not be asked: the monitor's last good host pool from this endpoint, if any.
   */
  private Lookup fromLastGood(
      String key, URI endpoint, List<Node> nodes, String reason, String message) {
    Answer<List<OneHost>> lastGood;
    synchronized (states) {
      State state = states.get(key);
      lastGood =
          state != null
                  && state.lastGood() != null
                  && endpoint != null
                  && endpoint.equals(state.settings().endpoint())
              ? state.lastGood()
              : null;
    }
    if (lastGood == null) {
      return new Lookup(
          Map.of(),
          List.of(
              "openNebulaApi: "
                  + message
                  + "; no host pool was read yet,"
                  + " so this source gives no host id"),
          reason);
    }
    return match(nodes, lastGood, reason, message);
  }

  private static Lookup match(
      List<Node> nodes, Answer<List<OneHost>> hosts, String failureReason, String failureMessage) {
    HostMatchResult result =
        HostMatcher.match(
            nodes.stream().map(OpenNebulaApiHostDirectory::identity).toList(), hosts.value());
    Map<String, HostId> ids = new HashMap<>();
    result.matches().forEach((node, match) -> ids.put(node, HostId.of(match.hostId())));
    List<String> problems = new ArrayList<>();
    if (failureMessage != null) {
      problems.add(
          "openNebulaApi: "
              + failureMessage
              + "; host ids kept from the host pool read at "
              + hosts.fetchedAt().truncatedTo(ChronoUnit.SECONDS));
    }
    result.conflicts().forEach(c -> problems.add(c.message()));
    return new Lookup(ids, problems, failureReason);
  }

  static NodeIdentity identity(Node node) {
    List<String> addresses =
        node.getStatus() == null || node.getStatus().getAddresses() == null
            ? List.of()
            : node.getStatus().getAddresses().stream()
                .map(NodeAddress::getAddress)
                .filter(Objects::nonNull)
                .toList();
    return new NodeIdentity(node.getMetadata().getName(), addresses);
  }

  private static boolean sameEndpoint(
      OpenNebulaConnectionSettings a, OpenNebulaConnectionSettings b) {
    return a.endpoint().equals(b.endpoint());
  }

  private static URI endpointOf(ScaphandreMonitor monitor) {
    try {
      return OpenNebulaConnectionSettings.parseEndpoint(
          monitor.getSpec().getOpenNebula().getEndpoint(), "spec.openNebula.endpoint");
    } catch (OpenNebulaException e) {
      return null;
    }
  }
}
