package io.onescaphandre.operator.opennebula;

import java.util.List;

/**
 * What identifies a Kubernetes node to OpenNebula: its name and its addresses ({@code
 * status.addresses[*].address}: InternalIP, Hostname, InternalDNS, …).
 */
public record NodeIdentity(String name, List<String> addresses) {
  public NodeIdentity {
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
  }
}
