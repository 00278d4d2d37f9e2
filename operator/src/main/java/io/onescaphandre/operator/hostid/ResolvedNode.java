package io.onescaphandre.operator.hostid;

import io.onescaphandre.contracts.hostid.HostId;
import io.onescaphandre.operator.api.HostIdSourceType;

/**
 * A selected node after host id resolution. {@code hostId} and {@code source} are null when no
 * source knows the node, or when its id conflicts (then {@code message} says why).
 */
public record ResolvedNode(
    String nodeName, String address, HostId hostId, HostIdSourceType source, String message) {

  public boolean mapped() {
    return hostId != null;
  }
}
