package io.onescaphandre.agent.power;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where this node's BMC answers Redfish: one URL given on the command line, or this node's line of
 * an endpoints file ({@code <node name>=<url>}, one a line, {@code #} comments), which the operator
 * writes from the nodes' {@code one-scaphandre.io/bmc-address} annotations and the monitor's map.
 * The file is read again on every poll, so a changed ConfigMap takes effect without a restart.
 */
public final class BmcEndpoint {
  private final URI fixed;
  private final Path file;
  private final String nodeName;

  private BmcEndpoint(URI fixed, Path file, String nodeName) {
    this.fixed = fixed;
    this.file = file;
    this.nodeName = nodeName;
  }

  public static BmcEndpoint of(URI url) {
    return new BmcEndpoint(normalize(url), null, null);
  }

  public static BmcEndpoint fromFile(Path file, String nodeName) {
    return new BmcEndpoint(null, file, nodeName);
  }

  public static BmcEndpoint none() {
    return new BmcEndpoint(null, null, null);
  }

  /** The base URL (scheme, host, port), or null when this node has none. */
  public URI resolve() {
    if (fixed != null) {
      return fixed;
    }
    if (file == null || nodeName == null || nodeName.isBlank()) {
      return null;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        String trimmed = line.strip();
        int eq = trimmed.indexOf('=');
        if (trimmed.startsWith("#") || eq <= 0) {
          continue;
        }
        if (trimmed.substring(0, eq).strip().equals(nodeName)) {
          return normalize(URI.create(trimmed.substring(eq + 1).strip()));
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
    return null;
  }

  /** An address without scheme is https, the BMC default. */
  static URI normalize(URI url) {
    String text = url.toString();
    if (!text.contains("://")) {
      text = "https://" + text;
    }
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    URI uri = URI.create(text);
    if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "a BMC address must be host[:port] or http(s)://host[:port], not '" + url + "'");
    }
    return uri;
  }
}
