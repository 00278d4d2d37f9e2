package io.onescaphandre.agent.opennebula;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads probe output the way OpenNebula's monitor does, strictly: {@code KEY="VALUE"} lines
 * (Template::parse of a SYSTEM_HOST payload) and {@code VM = [ ID=..., MONITOR="<base64>" ]}
 * vectors whose MONITOR decodes (ssl_util::base64_decode) to a template of the same syntax
 * (MonitorDriverProtocol::_monitor_vm). Anything else is an error, as it would fail the message.
 */
final class OneTemplate {
  private static final Pattern SINGLE = Pattern.compile("([A-Za-z0-9_]+)\\s*=\\s*\"([^\"]*)\"");
  private static final Pattern VECTOR = Pattern.compile("([A-Za-z0-9_]+)\\s*=\\s*\\[(.*)]");

  private OneTemplate() {}

  static Map<String, String> singles(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      Matcher m = SINGLE.matcher(line.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException("not a KEY=\"VALUE\" line: " + line);
      }
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  /** Each VM vector: its ID and its decoded MONITOR template. */
  static Map<Integer, Map<String, String>> vms(String text) {
    Map<Integer, Map<String, String>> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      Matcher m = VECTOR.matcher(line.strip());
      if (!m.matches() || !m.group(1).equals("VM")) {
        throw new IllegalArgumentException("not a VM vector: " + line);
      }
      Map<String, String> attributes = new LinkedHashMap<>();
      for (String part : splitTopLevel(m.group(2))) {
        Matcher a = SINGLE.matcher(part.strip());
        if (!a.matches()) {
          throw new IllegalArgumentException("bad vector attribute '" + part + "' in " + line);
        }
        attributes.put(a.group(1), a.group(2));
      }
      int id = Integer.parseInt(attributes.get("ID"));
      byte[] monitor = Base64.getDecoder().decode(attributes.get("MONITOR"));
      out.put(id, singles(new String(monitor, StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static List<String> splitTopLevel(String body) {
    List<String> parts = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        parts.add(body.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(body.substring(start));
    return parts;
  }
}
