package io.onescaphandre.operator.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.client.readiness.Readiness;
import io.onescaphandre.contracts.init.InitReport;
import io.onescaphandre.operator.admission.PolicyViolation;
import io.onescaphandre.operator.api.Condition;
import io.onescaphandre.operator.api.NodeStatus;
import io.onescaphandre.operator.api.ScaphandreMonitorStatus;
import io.onescaphandre.operator.hostid.AgentReport;
import io.onescaphandre.operator.hostid.ResolvedNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one place a monitor's status is computed. A pure function of its inputs and the previous
 * status (whose lastTransitionTimes survive while a condition keeps its status), so an unchanged
 * world gives an equal status and the reconciler writes nothing.
 */
public final class StatusFactory {
  /** Most problems or node names a condition message lists before counting the rest. */
  static final int MAX_LISTED = 10;

  /** The init report's RAPL state when the zones are readable (docs/interfaces.md). */
  private static final String RAPL_OK = "ok";

  public ScaphandreMonitorStatus build(
      StatusInputs in, ScaphandreMonitorStatus previous, Instant now) {
    ScaphandreMonitorStatus status = new ScaphandreMonitorStatus();
    status.setObservedGeneration(in.generation());
    int desired =
        daemonSetStatus(in.daemonSet())
            .map(DaemonSetStatus::getDesiredNumberScheduled)
            .map(n -> n == null ? 0 : n)
            .orElse(0);
    int ready =
        daemonSetStatus(in.daemonSet())
            .map(DaemonSetStatus::getNumberReady)
            .map(n -> n == null ? 0 : n)
            .orElse(0);
    status.setDesiredAgents(desired);
    status.setReadyAgents(ready);
    status.setReadyAgentsOfDesired(ready + "/" + desired);
    List<NodeStatus> rows = in.resolution().nodes().stream().map(n -> row(n, in)).toList();
    List<NodeStatus> attention = rows.stream().filter(StatusFactory::needsAttention).toList();
    status.setSelectedNodes(rows.size());
    status.setNodesNeedingAttention(attention.size());
    status.setNodes(listed(rows, attention));
    status.setNodesNotListed(
        rows.size() > status.getNodes().size() ? rows.size() - status.getNodes().size() : null);
    status.setMappedHosts(
        (int) in.resolution().nodes().stream().filter(ResolvedNode::mapped).count());

    List<Condition> conditions =
        List.of(
            ready(in, desired, ready, status.getMappedHosts()),
            progressing(in, desired, ready),
            degraded(in));
    status.setConditions(
        new ArrayList<>(
            conditions.stream().map(c -> keepTransitionTime(c, previous, now)).toList()));
    return status;
  }

  /** The previous status with Degraded saying what failed; the rest is left as last observed. */
  public ScaphandreMonitorStatus withError(
      ScaphandreMonitorStatus previous, Long generation, String error, Instant now) {
    ScaphandreMonitorStatus status =
        previous == null ? new ScaphandreMonitorStatus() : copy(previous);
    status.setObservedGeneration(generation);
    Condition degraded =
        keepTransitionTime(
            new Condition(Condition.DEGRADED, Condition.TRUE, Reasons.RECONCILE_ERROR, error, null),
            previous,
            now);
    List<Condition> conditions =
        new ArrayList<>(
            status.getConditions().stream()
                .filter(c -> !Condition.DEGRADED.equals(c.getType()))
                .toList());
    conditions.add(degraded);
    status.setConditions(conditions);
    return status;
  }

  /**
   * At most {@link ScaphandreMonitorStatus#MAX_NODE_ROWS} rows sorted by name: all of them when
   * they fit, else the nodes needing attention first (by name), then healthy ones to fill the rest.
   */
  private static List<NodeStatus> listed(List<NodeStatus> rows, List<NodeStatus> attention) {
    if (rows.size() <= ScaphandreMonitorStatus.MAX_NODE_ROWS) {
      return new ArrayList<>(rows);
    }
    Set<String> chosen = new HashSet<>();
    for (NodeStatus row :
        (Iterable<NodeStatus>) Stream.concat(attention.stream(), rows.stream())::iterator) {
      if (chosen.size() == ScaphandreMonitorStatus.MAX_NODE_ROWS) {
        break;
      }
      chosen.add(row.getName());
    }
    return new ArrayList<>(rows.stream().filter(r -> chosen.contains(r.getName())).toList());
  }

  /** No host id, an agent not ready, or RAPL not readable: what someone may have to look at. */
  static boolean needsAttention(NodeStatus row) {
    return row.getHostId() == null
        || !Boolean.TRUE.equals(row.getAgentReady())
        || (row.getRapl() != null && !RAPL_OK.equals(row.getRapl()));
  }

  private static NodeStatus row(ResolvedNode node, StatusInputs in) {
    Pod pod = in.agentPodByNode().get(node.nodeName());
    Optional<InitReport> report = Optional.ofNullable(pod).flatMap(AgentReport::of);
    // The status keeps the CRD's integer; the value is the one HostId.
    NodeStatus row =
        new NodeStatus(
            node.nodeName(),
            node.hostId() == null ? null : (long) node.hostId().value(),
            node.source() == null ? null : node.source().wireName(),
            pod != null && Readiness.isPodReady(pod),
            report.map(InitReport::rapl).orElse(null),
            node.message());
    row.setPowerSource(report.map(InitReport::powerSource).orElse(null));
    return row;
  }

  private static Condition ready(StatusInputs in, int desired, int ready, int mapped) {
    if (!in.specProblems().isEmpty()) {
      return condition(
          Condition.READY, false, Reasons.INVALID_SPEC, String.join("; ", in.specProblems()));
    }
    if (!in.policyViolations().isEmpty()) {
      return condition(
          Condition.READY, false, in.policyViolations().get(0).reason(), policyMessage(in));
    }
    if (in.resolution().nodes().isEmpty() && desired == 0) {
      return condition(
          Condition.READY,
          false,
          Reasons.NO_NODES_SELECTED,
          "no node matches the monitor's nodeSelector, affinity and tolerations");
    }
    if (desired > 0 && ready == desired) {
      return condition(
          Condition.READY,
          true,
          Reasons.AGENTS_READY,
          ready + "/" + desired + " agents ready, " + mapped + " hosts mapped");
    }
    return condition(
        Condition.READY, false, Reasons.AGENTS_NOT_READY, ready + "/" + desired + " agents ready");
  }

  private static Condition progressing(StatusInputs in, int desired, int ready) {
    if (!in.specProblems().isEmpty()) {
      return condition(
          Condition.PROGRESSING, false, Reasons.INVALID_SPEC, "waiting for a valid spec");
    }
    if (!in.policyViolations().isEmpty()) {
      return condition(
          Condition.PROGRESSING,
          false,
          in.policyViolations().get(0).reason(),
          "nothing is applied until the monitor asks only for what the operator allows; the agent DaemonSet"
              + " is left as it was");
    }
    DaemonSet ds = in.daemonSet();
    if (ds == null) {
      return condition(
          Condition.PROGRESSING, true, Reasons.CREATING, "creating the agent DaemonSet");
    }
    DaemonSetStatus dss = ds.getStatus();
    // Ours, not Fabric8's Readiness: it judges Deployments, StatefulSets, ReplicaSets, pods and
    // nodes, but not DaemonSets (Readiness.isReady answers true for any kind it does not know).
    boolean rolledOut =
        dss != null
            && Objects.equals(dss.getObservedGeneration(), ds.getMetadata().getGeneration())
            && zeroIfNull(dss.getUpdatedNumberScheduled()) >= desired
            && ready >= desired;
    return rolledOut
        ? condition(Condition.PROGRESSING, false, Reasons.STABLE, "agent DaemonSet rolled out")
        : condition(
            Condition.PROGRESSING,
            true,
            Reasons.ROLLING_OUT,
            "agent DaemonSet rolling out: " + ready + "/" + desired + " ready");
  }

  /** The most serious problem gives the reason; the message lists them all. */
  private static Condition degraded(StatusInputs in) {
    List<String> messages = new ArrayList<>();
    String reason = null;
    if (!in.specProblems().isEmpty()) {
      reason = Reasons.INVALID_SPEC;
      messages.addAll(in.specProblems());
    }
    if (!in.policyViolations().isEmpty()) {
      reason = reason == null ? in.policyViolations().get(0).reason() : reason;
      messages.add(policyMessage(in));
    }
    if (in.reconcileError() != null) {
      reason = reason == null ? Reasons.RECONCILE_ERROR : reason;
      messages.add(in.reconcileError());
    }
    if (!in.resolution().problems().isEmpty()) {
      String hostIdReason =
          in.resolution().sourceFailed()
              ? in.resolution().sourceFailureReason()
              : Reasons.HOST_ID_CONFLICT;
      reason = reason == null ? hostIdReason : reason;
      messages.addAll(firstOf(in.resolution().problems()));
    }
    if (!in.missingCrds().isEmpty()) {
      reason = reason == null ? Reasons.PROMETHEUS_OPERATOR_MISSING : reason;
      messages.add(
          "Prometheus Operator CRDs missing: "
              + String.join(", ", in.missingCrds())
              + "; the other objects are reconciled, these follow once the CRDs exist");
    }
    List<String> unmapped =
        in.resolution().nodes().stream()
            .filter(n -> !n.mapped())
            .map(ResolvedNode::nodeName)
            .toList();
    if (!unmapped.isEmpty() && in.resolution().problems().isEmpty()) {
      reason = reason == null ? Reasons.HOST_IDS_MISSING : reason;
      messages.add(
          unmapped.size()
              + " of "
              + in.resolution().nodes().size()
              + " selected nodes have no host id yet: "
              + abbreviate(unmapped));
    }
    return reason == null
        ? condition(Condition.DEGRADED, false, Reasons.AS_EXPECTED, "all selected nodes mapped")
        : condition(Condition.DEGRADED, true, reason, String.join("; ", messages));
  }

  private static String policyMessage(StatusInputs in) {
    return in.policyViolations().stream()
        .map(PolicyViolation::message)
        .collect(Collectors.joining("; "));
  }

  /**
   * The first {@value #MAX_LISTED} problems and a count of the others: one per conflicting node
   * could otherwise make the message, the status and every Event as large as the cluster.
   */
  private static List<String> firstOf(List<String> problems) {
    if (problems.size() <= MAX_LISTED) {
      return problems;
    }
    List<String> first = new ArrayList<>(problems.subList(0, MAX_LISTED));
    first.add("and " + (problems.size() - MAX_LISTED) + " more problems");
    return first;
  }

  private static String abbreviate(List<String> names) {
    return names.size() <= MAX_LISTED
        ? String.join(", ", names)
        : String.join(", ", names.subList(0, MAX_LISTED))
            + " and "
            + (names.size() - MAX_LISTED)
            + " more";
  }

  private static Condition condition(String type, boolean status, String reason, String message) {
    return new Condition(type, status ? Condition.TRUE : Condition.FALSE, reason, message, null);
  }

  private static Condition keepTransitionTime(
      Condition c, ScaphandreMonitorStatus previous, Instant now) {
    String since =
        Optional.ofNullable(previous)
            .flatMap(p -> p.condition(c.getType()))
            .filter(p -> Objects.equals(p.getStatus(), c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
    return new Condition(c.getType(), c.getStatus(), c.getReason(), c.getMessage(), since);
  }

  private static Optional<DaemonSetStatus> daemonSetStatus(DaemonSet ds) {
    return Optional.ofNullable(ds).map(DaemonSet::getStatus);
  }

  private static int zeroIfNull(Integer n) {
    return n == null ? 0 : n;
  }

  private static ScaphandreMonitorStatus copy(ScaphandreMonitorStatus s) {
    ScaphandreMonitorStatus c = new ScaphandreMonitorStatus();
    c.setObservedGeneration(s.getObservedGeneration());
    c.setConditions(new ArrayList<>(s.getConditions()));
    c.setDesiredAgents(s.getDesiredAgents());
    c.setReadyAgents(s.getReadyAgents());
    c.setReadyAgentsOfDesired(s.getReadyAgentsOfDesired());
    c.setMappedHosts(s.getMappedHosts());
    c.setSelectedNodes(s.getSelectedNodes());
    c.setNodesNeedingAttention(s.getNodesNeedingAttention());
    c.setNodes(new ArrayList<>(s.getNodes()));
    c.setNodesNotListed(s.getNodesNotListed());
    return c;
  }
}
