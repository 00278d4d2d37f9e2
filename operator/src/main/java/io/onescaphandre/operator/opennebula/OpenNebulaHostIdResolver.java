package io.onescaphandre.operator.opennebula;

import java.util.List;

/**
 * The {@code openNebulaApi} host id source: the host pool (fresh, or the last good one while
 * OpenNebula fails) matched against the nodes.
 */
public final class OpenNebulaHostIdResolver {
  private final CachingOpenNebulaClient client;

  public OpenNebulaHostIdResolver(CachingOpenNebulaClient client) {
    this.client = client;
  }

  /**
   * Matches the nodes to OpenNebula hosts. The answer is stale (with the failure) when OpenNebula
   * failed and an earlier host pool was used.
   *
   * @throws OpenNebulaException when OpenNebula fails and no host pool was ever read
   */
  public Answer<HostMatchResult> resolve(List<NodeIdentity> nodes) {
    return client.hostPool().map(hosts -> HostMatcher.match(nodes, hosts));
  }
}
