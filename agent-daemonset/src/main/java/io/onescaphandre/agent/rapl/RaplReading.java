package io.onescaphandre.agent.rapl;

import java.util.List;
import java.util.Map;

/**
 * Monotonic energy since the agent started, in joules.
 *
 * @param state whether energy could be read
 * @param zones every zone with its own counter and state
 * @param whole true when every zone (mirrors aside) counted the interval since the previous read:
 *     only then are the host and domain totals, and power, published for that interval
 * @param hostJoules psys when present, else package + dram
 * @param domainJoules each domain summed over sockets (mirrored zones excluded)
 * @param socketDomainJoules each domain of each socket, keyed by {@link #key(RaplDomain, String)}
 */
public record RaplReading(
    RaplState state,
    List<ZoneEnergy> zones,
    boolean whole,
    double hostJoules,
    Map<RaplDomain, Double> domainJoules,
    Map<String, Double> socketDomainJoules) {

  public static RaplReading notMetered(RaplState state, List<ZoneEnergy> zones) {
    return new RaplReading(state, zones, false, 0, Map.of(), Map.of());
  }

  public static String key(RaplDomain domain, String socket) {
    return domain.label() + "/" + socket;
  }

  /**
   * Energy of one zone.
   *
   * @param joules monotonic energy counted so far
   * @param state the zone's state at this read
   * @param resets intervals refused so far (implausible decrease or jump)
   * @param gapSeconds time whose energy the counter lacks: unreadable, refused, or the interval
   *     across which the zone came back
   */
  public record ZoneEnergy(
      RaplZone zone, double joules, RaplZoneState state, long resets, double gapSeconds) {}
}
