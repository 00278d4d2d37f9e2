package io.onescaphandre.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where the OpenNebula host id of a node comes from; the wire names are in docs/interfaces.md. */
public enum HostIdSourceType {
  /** The node label {@code one-scaphandre.io/host-id}, set by a person or another tool. */
  @JsonProperty("nodeLabel")
  NODE_LABEL("nodeLabel"),
  /** The {@code hostId.static} map of the monitor. */
  @JsonProperty("static")
  STATIC("static"),
  /** What the agent's init container found in OpenNebula's files on the host. */
  @JsonProperty("hypervisorFiles")
  HYPERVISOR_FILES("hypervisorFiles"),
  /** OpenNebula's host pool, matched by host name or address. */
  @JsonProperty("openNebulaApi")
  OPEN_NEBULA_API("openNebulaApi");

  private final String wireName;

  HostIdSourceType(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }
}
