package io.onescaphandre.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** A source of host power; the wire names are the agent's {@code --power.sources} values. */
public enum PowerSourceType {
  /** CPU packages and DRAM through powercap. */
  @JsonProperty("rapl")
  RAPL("rapl"),
  /** The ACPI power meter (hwmon power_meter) of the node. */
  @JsonProperty("acpi")
  ACPI("acpi"),
  /**
   * The BMC's DCMI power reading, in-band through /dev/ipmi0 (the agent container runs privileged).
   */
  @JsonProperty("ipmi")
  IPMI("ipmi"),
  /** The BMC's Redfish service, address per node, credentials from an opted-in Secret. */
  @JsonProperty("redfish")
  REDFISH("redfish"),
  /** Utilisation times a CPU power curve: a model, marked source="estimate". */
  @JsonProperty("estimate")
  ESTIMATE("estimate");

  private final String wireName;

  PowerSourceType(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }
}
