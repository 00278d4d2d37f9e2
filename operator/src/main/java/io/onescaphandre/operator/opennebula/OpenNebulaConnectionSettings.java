package io.onescaphandre.operator.opennebula;

import io.onescaphandre.contracts.bytes.BoundedFiles;
import io.onescaphandre.contracts.duration.DurationField;
import io.onescaphandre.contracts.duration.DurationFields;
import io.onescaphandre.operator.opennebula.OpenNebulaException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where OpenNebula's XML-RPC API is and how to log in.
 *
 * @param endpoint for example {@code http://frontend:2633/RPC2}
 * @param session {@code user:password} (or {@code user:token}), as in a {@code one_auth} file;
 *     never printed by {@link #toString()}
 * @param insecureSkipVerify accept any TLS certificate and host name (https endpoints only)
 * @param caPem PEM certificates to trust for an https endpoint, or null for the JDK's trust store
 * @param timeout connect timeout and time allowed until OpenNebula starts answering
 */
public record OpenNebulaConnectionSettings(
    URI endpoint, String session, boolean insecureSkipVerify, String caPem, Duration timeout) {

  /** OpenNebula's own tools default to this endpoint when {@code ONE_XMLRPC} is unset. */
  public static final String DEFAULT_ENDPOINT = "http://localhost:2633/RPC2";

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** Cap of a one_auth file: one line, a login token at most a few KiB. */
  static final long MAX_AUTH_FILE_BYTES = 64 * 1024;

  /** The Secret key holding {@code user:password} when the ScaphandreMonitor names none. */
  public static final String DEFAULT_SECRET_KEY = "one_auth";

  public OpenNebulaConnectionSettings {
    if (endpoint == null
        || endpoint.getScheme() == null
        || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))
        || endpoint.getHost() == null) {
      throw new OpenNebulaException(
          Kind.CONFIGURATION,
          "The OpenNebula endpoint '"
              + endpoint
              + "' is not an http(s) URL with a host; expected"
              + " something like "
              + DEFAULT_ENDPOINT);
    }
    requireSession(session, "the session");
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      timeout = DEFAULT_TIMEOUT;
    }
    if (caPem != null && caPem.isBlank()) {
      caPem = null;
    }
  }

  /**
   * From the plain values of a ScaphandreMonitor's {@code spec.openNebula}: the operator reads the
   * Secret named by {@code secretRef} (key {@link #DEFAULT_SECRET_KEY} unless set) and the CA
   * Secret named by {@code tls.caSecretRef}, and passes their contents here.
   *
   * @param timeout {@code spec.openNebula.timeout} such as {@code 10s} or {@code 1m30s}; null or
   *     blank for {@link #DEFAULT_TIMEOUT}
   */
  public static OpenNebulaConnectionSettings fromMonitorSpec(
      String endpoint,
      String oneAuthSecretValue,
      Boolean insecureSkipVerify,
      String caPem,
      String timeout) {
    return new OpenNebulaConnectionSettings(
        parseEndpoint(endpoint, "spec.openNebula.endpoint"),
        sessionFromOneAuth(
            oneAuthSecretValue, "the Secret referenced by spec.openNebula.secretRef"),
        Boolean.TRUE.equals(insecureSkipVerify),
        caPem,
        parseDuration(timeout, "spec.openNebula.timeout"));
  }

  /**
   * As OpenNebula's command-line tools: the option, else {@code ONE_XMLRPC} / {@code ONE_AUTH},
   * else {@value #DEFAULT_ENDPOINT} / {@code ~/.one/one_auth}.
   */
  public static OpenNebulaConnectionSettings fromCommandLine(
      String endpointOption,
      Path authFileOption,
      Duration timeout,
      Map<String, String> env,
      Path home) {
    String endpointSource;
    String endpoint;
    if (endpointOption != null && !endpointOption.isBlank()) {
      endpoint = endpointOption;
      endpointSource = "--endpoint";
    } else if (env.get("ONE_XMLRPC") != null && !env.get("ONE_XMLRPC").isBlank()) {
      endpoint = env.get("ONE_XMLRPC");
      endpointSource = "ONE_XMLRPC";
    } else {
      endpoint = DEFAULT_ENDPOINT;
      endpointSource = "the default endpoint";
    }
    Path authFile;
    String authSource;
    if (authFileOption != null) {
      authFile = authFileOption;
      authSource = "--auth-file";
    } else if (env.get("ONE_AUTH") != null && !env.get("ONE_AUTH").isBlank()) {
      authFile = Path.of(env.get("ONE_AUTH"));
      authSource = "ONE_AUTH";
    } else {
      authFile = home.resolve(".one").resolve("one_auth");
      authSource = "the default ~/.one/one_auth";
    }
    String content;
    try {
      content =
          BoundedFiles.readUtf8(
              authFile,
              MAX_AUTH_FILE_BYTES,
              "the OpenNebula session file",
              "a one_auth file holds one line user:password");
    } catch (BoundedFiles.TooLarge e) {
      throw new OpenNebulaException(
          Kind.CONFIGURATION, e.getMessage() + " (from " + authSource + ").", e);
    } catch (IOException e) {
      throw new OpenNebulaException(
          Kind.CONFIGURATION,
          "Cannot read the OpenNebula session file "
              + authFile
              + " (from "
              + authSource
              + "): "
              + e.getClass().getSimpleName()
              + ". Check that it exists, is readable and holds"
              + " one line user:password, or pass --auth-file.",
          e);
    }
    return new OpenNebulaConnectionSettings(
        parseEndpoint(endpoint, endpointSource),
        sessionFromOneAuth(content, authFile + " (from " + authSource + ")"),
        false,
        null,
        timeout);
  }

  /** The first non-empty line of a {@code one_auth} file, which must read {@code user:secret}. */
  public static String sessionFromOneAuth(String content, String source) {
    if (content != null) {
      for (String line : content.split("\\R")) {
        if (!line.isBlank()) {
          return requireSession(line.strip(), source);
        }
      }
    }
    return requireSession(null, source);
  }

  private static String requireSession(String session, String source) {
    if (session == null || session.indexOf(':') <= 0 || session.endsWith(":")) {
      throw new OpenNebulaException(
          Kind.CONFIGURATION,
          "The OpenNebula session in "
              + source
              + " is not of the form user:password (as in a"
              + " one_auth file).");
    }
    return session;
  }

  static URI parseEndpoint(String endpoint, String source) {
    try {
      return new URI(endpoint == null ? "" : endpoint.strip());
    } catch (URISyntaxException e) {
      throw new OpenNebulaException(
          Kind.CONFIGURATION,
          "The OpenNebula endpoint from " + source + " is not a URL: " + e.getMessage(),
          e);
    }
  }

  /**
   * A timeout of the one duration grammar within the bounds of {@code spec.openNebula.timeout}
   * (contracts' {@link DurationFields#OPENNEBULA_TIMEOUT}); null or blank = {@link
   * #DEFAULT_TIMEOUT}.
   */
  public static Duration parseDuration(String text, String source) {
    if (text == null || text.isBlank()) {
      return DEFAULT_TIMEOUT;
    }
    try {
      return new DurationField(
              source, DurationFields.OPENNEBULA_TIMEOUT_MIN, DurationFields.OPENNEBULA_TIMEOUT_MAX)
          .parse(text);
    } catch (IllegalArgumentException e) {
      throw new OpenNebulaException(Kind.CONFIGURATION, e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "OpenNebulaConnectionSettings[endpoint="
        + endpoint
        + ", user="
        + session.substring(0, session.indexOf(':'))
        + ", insecureSkipVerify="
        + insecureSkipVerify
        + ", caPem="
        + (caPem == null ? "none" : "set")
        + ", timeout="
        + timeout
        + "]";
  }
}
