package io.onescaphandre.hostservice;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A systemd unit file as systemd reads it: sections of keys, each key with every value it was
 * given.
 */
final class SystemdUnit {
  private final Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();

  static SystemdUnit parse(String text) {
    SystemdUnit unit = new SystemdUnit();
    Map<String, List<String>> current = null;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current =
            unit.sections.computeIfAbsent(
                line.substring(1, line.length() - 1), s -> new LinkedHashMap<>());
        continue;
      }
      int eq = line.indexOf('=');
      if (current == null || eq < 0) {
        throw new IllegalArgumentException("not a unit file line: " + raw);
      }
      current
          .computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
          .add(line.substring(eq + 1).strip());
    }
    return unit;
  }

  /** Every value of the key, in order ("" for an assignment that resets it). */
  List<String> all(String section, String key) {
    return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
  }

  /** The last value, as systemd keeps for single-valued keys; null when absent. */
  String get(String section, String key) {
    List<String> values = all(section, key);
    return values.isEmpty() ? null : values.get(values.size() - 1);
  }
}
