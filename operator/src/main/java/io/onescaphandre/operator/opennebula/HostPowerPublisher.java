package io.onescaphandre.operator.opennebula;

import io.onescaphandre.operator.api.OpenNebulaPublishSpec;
import io.onescaphandre.operator.api.PublishedHostAttribute;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the agents' host power attributes into the hosts of one OpenNebula with {@code
 * one.host.update} in append mode (the attributes named replace their namesakes, the rest of
 * HOST/TEMPLATE stays), the same attributes the {@code host/system} IM probe prints, and only when
 * one moved: a number by more than {@code minChangePercent} of the value last written (of the
 * larger of the two values, and at least of 1), a state or the counter's origin by any change. The
 * values last written are remembered per host; for a host not written since the operator started,
 * its current TEMPLATE is read once ({@code one.host.info}), so a restart writes nothing new
 * either. Not thread-safe: one refresh at a time.
 */
public final class HostPowerPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(HostPowerPublisher.class);

  /** What a host's TEMPLATE says when its agent did not answer. */
  static final String AGENT_UNREACHABLE = "agent-unreachable";

  private static final String STATE = PublishedHostAttribute.POWER_STATE.name();

  private final OpenNebulaHostTemplates one;
  private final Map<Integer, Map<String, String>> written = new HashMap<>();

  public HostPowerPublisher(OpenNebulaHostTemplates one) {
    this.one = one;
  }

  /** What one refresh did. */
  public record Result(
      List<Integer> written, List<Integer> unchanged, Map<Integer, String> failed) {}

  /**
   * @param agents for each mapped host id, the text its agent served on {@code /opennebula/host},
   *     empty when the agent could not be asked
   */
  public Result publish(Map<Integer, Optional<String>> agents, OpenNebulaPublishSpec spec) {
    List<Integer> wrote = new ArrayList<>();
    List<Integer> same = new ArrayList<>();
    Map<Integer, String> failed = new LinkedHashMap<>();
    for (Map.Entry<Integer, Optional<String>> agent : agents.entrySet()) {
      int hostId = agent.getKey();
      try {
        Map<String, String> wanted =
            selected(
                agent
                    .getValue()
                    .map(HostPowerPublisher::parse)
                    .orElse(Map.of(STATE, AGENT_UNREACHABLE)),
                spec.getAttributes());
        Map<String, String> before = written.get(hostId);
        if (before == null) {
          before = one.hostTemplate(hostId);
        }
        if (wanted.isEmpty() || !moved(before, wanted, spec.getMinChangePercent())) {
          written.put(hostId, merge(before, wanted, false));
          same.add(hostId);
          continue;
        }
        one.appendHostTemplate(hostId, template(wanted));
        written.put(hostId, merge(before, wanted, true));
        wrote.add(hostId);
      } catch (OpenNebulaException | IllegalArgumentException e) {
        failed.put(hostId, e.getMessage());
        LOG.warn("host {}: power attributes not written: {}", hostId, e.getMessage());
      }
    }
    return new Result(wrote, same, failed);
  }

  /** Forgets hosts no longer mapped, so that a host mapped again is read again. */
  public void retain(java.util.Collection<Integer> hostIds) {
    written.keySet().retainAll(hostIds);
  }

  /** Keeps what the TEMPLATE holds: the written values, or unchanged ones as they were. */
  private static Map<String, String> merge(
      Map<String, String> before, Map<String, String> wanted, boolean wrote) {
    Map<String, String> kept = new HashMap<>();
    for (String key : wanted.keySet()) {
      String value = wrote ? wanted.get(key) : before.get(key);
      if (value != null) {
        kept.put(key, value);
      }
    }
    return kept;
  }

  static boolean moved(
      Map<String, String> before, Map<String, String> wanted, double minChangePercent) {
    for (Map.Entry<String, String> e : wanted.entrySet()) {
      String key = e.getKey();
      if (key.equals(PublishedHostAttribute.POWER_PERIOD_S.name())) {
        continue; // it follows the refresh interval; written along with the others
      }
      String old = before.get(key);
      if (old == null) {
        return true;
      }
      Double oldNumber = number(old);
      Double newNumber = number(e.getValue());
      if (oldNumber == null
          || newNumber == null
          || key.equals(STATE)
          || key.equals(PublishedHostAttribute.ENERGY_SINCE.name())) {
        if (!old.equals(e.getValue())) {
          return true;
        }
        continue;
      }
      double scale = Math.max(1, Math.max(Math.abs(oldNumber), Math.abs(newNumber)));
      if (Math.abs(newNumber - oldNumber) > minChangePercent / 100 * scale) {
        return true;
      }
    }
    return false;
  }

  private static Double number(String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static final java.util.regex.Pattern STATE_VALUE =
      java.util.regex.Pattern.compile("[a-z][a-z-]{0,31}");
  private static final java.util.regex.Pattern NUMBER_VALUE =
      java.util.regex.Pattern.compile("\\d{1,15}(\\.\\d{1,9})?");

  /**
   * The chosen attributes, each checked against what the agent serves: a lower-case word for the
   * state, a plain non-negative decimal for the others. Anything else is refused, not written.
   */
  private static Map<String, String> selected(
      Map<String, String> served, List<PublishedHostAttribute> names) {
    Map<String, String> out = new LinkedHashMap<>();
    for (PublishedHostAttribute name : names) {
      String value = served.get(name.name());
      if (value == null) {
        continue;
      }
      boolean state = name == PublishedHostAttribute.POWER_STATE;
      if (!(state ? STATE_VALUE : NUMBER_VALUE).matcher(value).matches()) {
        throw new IllegalArgumentException(
            "the agent answered "
                + name
                + "=\""
                + shorten(value)
                + "\", not "
                + (state ? "a state such as ok" : "a non-negative number"));
      }
      out.put(name.name(), value);
    }
    return out;
  }

  private static String shorten(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "…" : text;
  }

  /**
   * The agent's {@code KEY="VALUE"} lines (rendered by the agent's ProbeText, the format an IM
   * probe prints). Anything else is refused: it would not be the agent talking.
   */
  static Map<String, String> parse(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      int eq = line.indexOf("=\"");
      if (eq <= 0
          || !line.endsWith("\"")
          || line.length() < eq + 3
          || !line.substring(0, eq).matches("[A-Z][A-Z0-9_]*")
          || line.substring(eq + 2, line.length() - 1).matches(".*[\"\\\\].*")) {
        throw new IllegalArgumentException(
            "the agent answered a line that is not KEY=\"VALUE\": " + shorten(line));
      }
      out.put(line.substring(0, eq), line.substring(eq + 2, line.length() - 1));
    }
    return out;
  }

  /** OpenNebula template syntax: one {@code KEY="VALUE"} per line. */
  static String template(Map<String, String> attributes) {
    StringBuilder out = new StringBuilder();
    attributes.forEach((k, v) -> out.append(k).append("=\"").append(v).append("\"\n"));
    return out.toString();
  }
}
