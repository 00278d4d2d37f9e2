package io.onescaphandre.demo;

import io.fabric8.kubernetes.api.model.Node;
import io.onescaphandre.operator.api.Condition;
import io.onescaphandre.operator.api.NodeStatus;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.api.ScaphandreMonitorStatus;
import io.onescaphandre.operator.hostid.NodeSelection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The monitor's status as a table, the way {@code kubectl get scaph -o wide} might show it. */
final class StatusTable {
  private StatusTable() {}

  static String render(ScaphandreMonitor monitor, List<Node> nodes) {
    ScaphandreMonitorStatus status = monitor.getStatus();
    Map<String, String> addresses =
        nodes.stream()
            .collect(Collectors.toMap(n -> n.getMetadata().getName(), NodeSelection::address));
    StringBuilder sb = new StringBuilder();
    sb.append("ScaphandreMonitor ")
        .append(monitor.getMetadata().getNamespace())
        .append('/')
        .append(monitor.getMetadata().getName())
        .append(": agents ready ")
        .append(status.getReadyAgentsOfDesired())
        .append(", hosts mapped ")
        .append(status.getMappedHosts())
        .append('\n');
    for (String type : List.of(Condition.READY, Condition.PROGRESSING, Condition.DEGRADED)) {
      status
          .condition(type)
          .ifPresent(
              c ->
                  sb.append("  ")
                      .append(c.getType())
                      .append('=')
                      .append(c.getStatus())
                      .append("  ")
                      .append(c.getReason())
                      .append(": ")
                      .append(c.getMessage())
                      .append('\n'));
    }
    TextTable table =
        new TextTable("NODE", "ADDRESS", "HOST ID", "HOST ID SOURCE", "AGENT READY", "RAPL")
            .alignRight(2);
    for (NodeStatus n : status.getNodes()) {
      table.row(
          n.getName(),
          addresses.get(n.getName()),
          n.getHostId(),
          n.getHostIdSource(),
          n.getAgentReady() == null ? null : (n.getAgentReady() ? "yes" : "no"),
          n.getRapl() == null ? null : n.getRapl() + " (simulated)");
    }
    sb.append(table.render("  "));
    Set<String> listed =
        status.getNodes().stream().map(NodeStatus::getName).collect(Collectors.toSet());
    List<String> others =
        nodes.stream()
            .map(n -> n.getMetadata().getName())
            .filter(n -> !listed.contains(n))
            .sorted()
            .toList();
    if (!others.isEmpty()) {
      sb.append("  not selected by spec.nodeSelector: ")
          .append(String.join(", ", others))
          .append('\n');
    }
    sb.append("  nodeLabel: the node carried one-scaphandre.io/host-id, set by an admin.\n")
        .append(
            "  hypervisorFiles: the agent's init read the id from /var/tmp/one_db/config on the host (a\n")
        .append(
            "  simulated root filesystem per node); the operator then labelled the node with it.\n");
    return sb.toString();
  }
}
