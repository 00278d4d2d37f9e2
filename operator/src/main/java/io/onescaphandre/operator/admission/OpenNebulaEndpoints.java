package io.onescaphandre.operator.admission;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OpenNebula endpoints a monitor may send its Secret's session to ({@code
 * --allowed-opennebula-endpoints}). Empty allows any endpoint. Endpoints are compared as URLs:
 * scheme and host case-insensitively, the scheme's default port filled in, an empty path read as
 * {@code /}; query and fragment must match too.
 */
public final class OpenNebulaEndpoints {
  public static final String FLAG = "--allowed-opennebula-endpoints";
  public static final OpenNebulaEndpoints ANY = new OpenNebulaEndpoints(Set.of());

  private final Set<String> allowed;

  private OpenNebulaEndpoints(Set<String> allowed) {
    this.allowed = allowed;
  }

  /**
   * @throws IllegalArgumentException when an entry is not an http(s) URL
   */
  public static OpenNebulaEndpoints of(Collection<String> endpoints) {
    Set<String> normalized = new TreeSet<>();
    for (String endpoint : endpoints) {
      if (endpoint == null || endpoint.isBlank()) {
        continue;
      }
      String n = normalize(endpoint);
      if (n == null) {
        throw new IllegalArgumentException(
            FLAG + ": '" + endpoint + "' is not an http(s) URL with a host");
      }
      normalized.add(n);
    }
    return normalized.isEmpty() ? ANY : new OpenNebulaEndpoints(Set.copyOf(normalized));
  }

  public boolean restricted() {
    return !allowed.isEmpty();
  }

  public boolean allows(String endpoint) {
    if (allowed.isEmpty()) {
      return true;
    }
    String n = endpoint == null ? null : normalize(endpoint);
    return n != null && allowed.contains(n);
  }

  /** Why the endpoint is refused, or null when it is allowed. */
  public String refusal(String endpoint) {
    return allows(endpoint)
        ? null
        : "spec.openNebula.endpoint "
            + endpoint
            + " is not one of the OpenNebula endpoints the operator allows ("
            + String.join(", ", new TreeSet<>(allowed))
            + "; the cluster admin sets "
            + FLAG
            + "): its Secret was not read and nothing was sent";
  }

  static String normalize(String endpoint) {
    URI uri;
    try {
      uri = new URI(endpoint.strip());
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme == null
        || !(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getRawUserInfo() != null) {
      return null;
    }
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return scheme
        + "://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + ":"
        + port
        + path
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
        + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment());
  }

  @Override
  public String toString() {
    return allowed.isEmpty() ? "any" : String.join(", ", allowed);
  }
}
