package io.onescaphandre.operator.opennebula;

/**
 * One agent to scrape: {@code host:port} and the OpenNebula ids that label its series.
 *
 * @param cluster the OpenNebula cluster name, or null when unknown (a local lookup)
 */
public record ScrapeTarget(String address, int hostId, String cluster) {

  /** {@code name:port}, with brackets around an IPv6 literal. */
  public static String address(String host, int port) {
    return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }
}
