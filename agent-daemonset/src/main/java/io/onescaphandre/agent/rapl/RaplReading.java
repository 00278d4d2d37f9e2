package io.onescaphandre.agent.rapl;

import java.util.List;
import java.util.Map;

/**
 * Monotonic energy since the agent started, in joules.
 *
 * @param state whether energy could be read
 * @param zones every zone with its own counter
 * @param hostJoules psys when present, else package + dram
 * @param domainJoules each domain summed over sockets (mirrored zones excluded)
 * @param socketDomainJoules each domain of each socket, keyed by {@link #key(RaplDomain, String)}
 */
public record RaplReading(
    RaplState state,
    List<ZoneEnergy> zones,
    double hostJoules,
    Map<RaplDomain, Double> domainJoules,
    Map<String, Double> socketDomainJoules) {

  public static RaplReading notMetered(RaplState state) {
    return new RaplReading(state, List.of(), 0, Map.of(), Map.of());
  }

  public static String key(RaplDomain domain, String socket) {
    return domain.label() + "/" + socket;
  }

  /** Energy of one zone. */
  public record ZoneEnergy(RaplZone zone, double joules) {}
}
