package io.onescaphandre.contracts.prometheus;

import io.onescaphandre.contracts.hostid.HostId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One agent to scrape and the labels its series get: {@code host_id} and {@code one_host_id} (the
 * OpenNebula host id; the same in the ScrapeConfig, the plain job and {@code generate-conf}) and
 * any further ones, such as {@code node} or {@code cluster}.
 *
 * @param host a name, an IPv4 address or an IPv6 address with or without brackets
 * @param extraLabels after the host id labels, in their order; a key of those two is refused
 */
public record ScrapeTarget(String host, int port, HostId hostId, Map<String, String> extraLabels) {
  public static final String HOST_ID_LABEL = "host_id";
  public static final String ONE_HOST_ID_LABEL = "one_host_id";

  public ScrapeTarget {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("a scrape target needs a host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 1-65535");
    }
    if (hostId == null) {
      throw new IllegalArgumentException("a scrape target needs its OpenNebula host id");
    }
    if (extraLabels.containsKey(HOST_ID_LABEL) || extraLabels.containsKey(ONE_HOST_ID_LABEL)) {
      throw new IllegalArgumentException(
          "the host id labels come from hostId, not from extraLabels");
    }
    extraLabels = Collections.unmodifiableMap(new LinkedHashMap<>(extraLabels));
  }

  public ScrapeTarget(String host, int port, HostId hostId) {
    this(host, port, hostId, Map.of());
  }

  /** {@code host:port}, with brackets around an IPv6 literal. */
  public String address() {
    boolean bareIpv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
    return (bareIpv6 ? "[" + host + "]" : host) + ":" + port;
  }

  /** The target's labels: the host id ones first, then the extra ones. */
  public Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(HOST_ID_LABEL, hostId.toString());
    labels.put(ONE_HOST_ID_LABEL, hostId.toString());
    labels.putAll(extraLabels);
    return labels;
  }
}
