package io.onescaphandre.operator.opennebula;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One caching client per distinct connection settings, shared by every reconcile, so that the last
 * good answer survives between reconciles and a changed Secret gives a new client.
 */
public final class OpenNebulaConnections {
  private final Map<OpenNebulaConnectionSettings, CachingOpenNebulaClient> clients =
      new ConcurrentHashMap<>();
  private final Function<OpenNebulaConnectionSettings, OpenNebulaClient> factory;
  private final Clock clock;

  public OpenNebulaConnections() {
    this(XmlRpcOpenNebulaClient::new, Clock.systemUTC());
  }

  public OpenNebulaConnections(
      Function<OpenNebulaConnectionSettings, OpenNebulaClient> factory, Clock clock) {
    this.factory = factory;
    this.clock = clock;
  }

  public CachingOpenNebulaClient client(OpenNebulaConnectionSettings settings) {
    return clients.computeIfAbsent(
        settings, s -> new CachingOpenNebulaClient(factory.apply(s), clock));
  }

  public OpenNebulaHostIdResolver hostIdResolver(OpenNebulaConnectionSettings settings) {
    return new OpenNebulaHostIdResolver(client(settings));
  }

  /** Forgets the client of settings no longer used (a deleted monitor, a rotated Secret). */
  public void forget(OpenNebulaConnectionSettings settings) {
    clients.remove(settings);
  }
}
