package io.onescaphandre.agent.power;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sources of host power, as named in {@code --power.sources}, the {@code source} label and the
 * CRD.
 */
public enum PowerSourceName {
  /** CPU packages and DRAM (or psys) through powercap: measured, but not the whole node. */
  RAPL,
  /**
   * The ACPI power meter of the platform (hwmon {@code power_meter}): whole node, often BMC-backed.
   */
  ACPI,
  /** The BMC's DCMI power reading through ipmitool: whole node, integer watts. */
  IPMI,
  /** The BMC's Redfish Power or PowerSubsystem resource: whole node, averaged by the BMC. */
  REDFISH,
  /** Utilisation times a power curve of the CPU: a model, never a measurement. */
  ESTIMATE;

  /** Whole-node meters, whose excess over RAPL is the platform remainder. */
  public boolean platform() {
    return this == ACPI || this == IPMI || this == REDFISH;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PowerSourceName parse(String text) {
    for (PowerSourceName name : values()) {
      if (name.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return name;
      }
    }
    throw new IllegalArgumentException(
        "unknown power source '"
            + text.trim()
            + "': expected rapl, acpi, ipmi, redfish or estimate");
  }

  /** Parses a comma-separated precedence list; duplicates and an empty list are errors. */
  public static List<PowerSourceName> parseList(String text) {
    List<PowerSourceName> result = new ArrayList<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      PowerSourceName name = parse(part);
      if (result.contains(name)) {
        throw new IllegalArgumentException("power source '" + name.label() + "' listed twice");
      }
      result.add(name);
    }
    if (result.isEmpty()) {
      throw new IllegalArgumentException("--power.sources lists no source");
    }
    return List.copyOf(result);
  }
}
