package io.onescaphandre.agent.opennebula;

import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

/**
 * {@code /opennebula/host} and {@code /opennebula/vms}: the text the IM probes print, for the
 * period given as {@code ?period=<seconds>} (the probe's own, from PROBES_PERIOD), capped to the
 * history kept. A bad period is a 400 with the reason, never a guess. {@code
 * RunCommand.serveProbes} mounts them on the agent's HTTP server.
 */
public final class ProbeEndpoints {
  public static final String HOST_PATH = "/opennebula/host";
  public static final String VMS_PATH = "/opennebula/vms";

  /** OpenNebula's default SYSTEM_HOST period. */
  static final Duration DEFAULT_HOST_PERIOD = Duration.ofSeconds(600);

  /** monitord.conf's shipped MONITOR_VM period. */
  static final Duration DEFAULT_VM_PERIOD = Duration.ofSeconds(30);

  /** An answer: HTTP status and text. */
  public record Response(int status, String body) {}

  private final ProbeFeed feed;

  public ProbeEndpoints(ProbeFeed feed) {
    this.feed = feed;
  }

  public Response host(URI uri) {
    return answer(
        uri, DEFAULT_HOST_PERIOD, ProbeFeed.HOST_SPAN, period -> ProbeText.host(feed.host(period)));
  }

  public Response vms(URI uri) {
    return answer(
        uri, DEFAULT_VM_PERIOD, ProbeFeed.VM_SPAN, period -> ProbeText.vms(feed.vms(period)));
  }

  private static Response answer(
      URI uri, Duration fallback, Duration max, Function<Duration, String> text) {
    try {
      return new Response(200, text.apply(period(uri, fallback, max)));
    } catch (IllegalArgumentException e) {
      return new Response(400, e.getMessage() + "\n");
    }
  }

  static Duration period(URI uri, Duration fallback, Duration max) {
    String query = uri.getRawQuery();
    if (query == null || query.isEmpty()) {
      return fallback;
    }
    for (String pair : query.split("&")) {
      if (!pair.startsWith("period=")) {
        continue;
      }
      String value = pair.substring("period=".length());
      double seconds;
      try {
        seconds = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "period must be a number of seconds, not '" + value + "'");
      }
      if (!(seconds > 0) || Double.isInfinite(seconds)) {
        throw new IllegalArgumentException(
            "period must be a positive number of seconds, not '" + value + "'");
      }
      Duration asked = Duration.ofMillis((long) Math.ceil(seconds * 1000));
      return asked.compareTo(max) > 0 ? max : asked;
    }
    return fallback;
  }
}
