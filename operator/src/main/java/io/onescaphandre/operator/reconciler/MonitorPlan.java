package io.onescaphandre.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.onescaphandre.operator.admission.AdmissionPolicy;
import io.onescaphandre.operator.admission.PolicyViolation;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.BmcAccess;
import io.onescaphandre.operator.dependent.DesiredInputs;
import io.onescaphandre.operator.hostid.HostIdResolution;
import io.onescaphandre.operator.hostid.HostIdResolver;
import io.onescaphandre.operator.hostid.NodeSelection;
import io.onescaphandre.operator.hostid.OpenNebulaHostDirectory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a monitor should turn into, computed without writing or asking anything: the spec's
 * problems, what in it the admin's {@link AdmissionPolicy} refuses, the host id of each selected
 * node, and the inputs of the owned objects' desired state. A pure function of its arguments, which
 * it does not change; OpenNebula's answer is obtained before (for the nodes {@link
 * #askOpenNebulaAbout} names). The reconciler acts on it; {@code render} prints it.
 *
 * @param monitor the monitor as planned: the given one, or a copy of it with the default spec when
 *     it has none
 */
public record MonitorPlan(
    ScaphandreMonitor monitor,
    List<String> specProblems,
    List<PolicyViolation> policyViolations,
    HostIdResolution resolution,
    DesiredInputs inputs,
    List<Node> allNodes) {

  public MonitorPlan {
    specProblems = List.copyOf(specProblems);
    policyViolations = List.copyOf(policyViolations);
    allNodes = List.copyOf(allNodes);
  }

  /** Under the default policy of that image (see {@link AdmissionPolicy#defaults}). */
  public static MonitorPlan compute(
      ScaphandreMonitor monitor,
      Collection<Node> allNodes,
      Map<String, Pod> agentPodByNode,
      OpenNebulaHostDirectory.Lookup openNebula,
      String defaultAgentImage) {
    return compute(
        monitor, allNodes, agentPodByNode, openNebula, AdmissionPolicy.defaults(defaultAgentImage));
  }

  /**
   * The nodes whose host id OpenNebula's API should be asked for before {@link #compute}; empty
   * when the spec is invalid or does not list the openNebulaApi source.
   */
  public static List<Node> askOpenNebulaAbout(
      ScaphandreMonitor monitor, Collection<Node> allNodes, Map<String, Pod> agentPodByNode) {
    ScaphandreMonitor planned = withSpec(monitor);
    if (!SpecValidator.validate(planned).isEmpty()) {
      return List.of();
    }
    return HostIdResolver.askOpenNebulaAbout(
        planned, NodeSelection.select(planned.getSpec(), allNodes), agentPodByNode);
  }

  /**
   * @param allNodes every node of the cluster (the selection and the label ownership need them all)
   * @param agentPodByNode the monitor's newest agent pod on each node
   * @param openNebula OpenNebula's answer about {@link #askOpenNebulaAbout} (empty when not asked)
   */
  public static MonitorPlan compute(
      ScaphandreMonitor monitor,
      Collection<Node> allNodes,
      Map<String, Pod> agentPodByNode,
      OpenNebulaHostDirectory.Lookup openNebula,
      AdmissionPolicy policy) {
    return compute(monitor, allNodes, agentPodByNode, openNebula, policy, name -> null);
  }

  /**
   * @param secrets the Secret of that name in the monitor's namespace, or null (the BMC
   *     credentials); asked only for a valid monitor the policy admits that reads Redfish
   */
  public static MonitorPlan compute(
      ScaphandreMonitor monitor,
      Collection<Node> allNodes,
      Map<String, Pod> agentPodByNode,
      OpenNebulaHostDirectory.Lookup openNebula,
      AdmissionPolicy policy,
      Function<String, Secret> secrets) {
    ScaphandreMonitor planned = withSpec(monitor);
    List<String> problems = SpecValidator.validate(planned);
    // Refused monitors are not resolved either: resolving may read their Secret and call
    // OpenNebula.
    List<PolicyViolation> violations = problems.isEmpty() ? policy.violations(planned) : List.of();
    String defaultAgentImage = policy.defaultAgentImage();
    if (!problems.isEmpty() || !violations.isEmpty()) {
      return new MonitorPlan(
          planned,
          problems,
          violations,
          new HostIdResolution(List.of(), List.of()),
          new DesiredInputs(List.of(), defaultAgentImage),
          List.copyOf(allNodes));
    }
    List<Node> selected = NodeSelection.select(planned.getSpec(), allNodes);
    HostIdResolution resolution =
        HostIdResolver.resolve(planned, selected, agentPodByNode, openNebula);
    return new MonitorPlan(
        planned,
        problems,
        violations,
        resolution,
        new DesiredInputs(
            resolution.mapped(), defaultAgentImage, BmcAccess.resolve(planned, selected, secrets)),
        List.copyOf(allNodes));
  }

  /**
   * The monitor itself when it has a spec, else a copy with the all-defaults spec it stands for.
   */
  static ScaphandreMonitor withSpec(ScaphandreMonitor monitor) {
    if (monitor.getSpec() != null) {
      return monitor;
    }
    ScaphandreMonitor copy = new ScaphandreMonitor();
    copy.setMetadata(monitor.getMetadata());
    copy.setStatus(monitor.getStatus());
    return copy.withDefaultSpecIfMissing();
  }

  /** Whether anything may be applied: the spec is valid and the admin's policy allows it. */
  public boolean valid() {
    return specProblems.isEmpty() && policyViolations.isEmpty();
  }

  /**
   * Everything the operator writes for this monitor: the owned objects in the workflow's order,
   * then the host-id labels of nodes (as Nodes holding only them) sorted by node name. Nothing when
   * the spec is invalid.
   */
  public List<HasMetadata> objectsToApply() {
    if (!valid()) {
      return List.of();
    }
    List<HasMetadata> objects = new ArrayList<>(WorkflowObjects.of(monitor, inputs));
    NodeLabeler.wanted(monitor, resolution, allNodes)
        .values()
        .forEach(target -> objects.add(NodeLabeler.labelsOf(monitor, target)));
    return objects;
  }
}
