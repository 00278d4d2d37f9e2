package io.onescaphandre.operator.opennebula;

import java.util.List;
import java.util.stream.Collectors;

/** A match that would need a guess; the operator reports it as a Degraded condition. */
public sealed interface HostMatchConflict {

  /** One sentence naming everything involved. */
  String message();

  /** A host seen by a node; {@code name} is the host NAME. */
  record HostRef(int id, String name) {
    @Override
    public String toString() {
      return name + " (id " + id + ")";
    }
  }

  /** The node's name or addresses match several OpenNebula hosts. */
  record NodeMatchesSeveralHosts(String nodeName, List<HostRef> hosts)
      implements HostMatchConflict {
    @Override
    public String message() {
      return "node "
          + nodeName
          + " matches several OpenNebula hosts: "
          + hosts.stream().map(HostRef::toString).collect(Collectors.joining(", "))
          + "; give it a host id with the node label or the static map";
    }
  }

  /** Several nodes match the same OpenNebula host. */
  record HostMatchesSeveralNodes(HostRef host, List<String> nodeNames)
      implements HostMatchConflict {
    @Override
    public String message() {
      return "OpenNebula host "
          + host
          + " matches several nodes: "
          + String.join(", ", nodeNames)
          + "; give them host ids with the node label or the static map";
    }
  }
}
