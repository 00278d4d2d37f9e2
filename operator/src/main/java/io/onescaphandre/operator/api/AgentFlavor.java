package io.onescaphandre.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which agent runs on the hosts. */
public enum AgentFlavor {
  /** Our own agent (agent-daemonset): host ids, RAPL state and OpenNebula labels built in. */
  @JsonProperty("builtin")
  BUILTIN,
  /**
   * Upstream Scaphandre ({@code prometheus --qemu --containers}), labels derived by relabelling.
   */
  @JsonProperty("scaphandre")
  SCAPHANDRE
}
