package io.onescaphandre.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.onescaphandre.operator.admission.AdmissionPolicy;
import io.onescaphandre.operator.admission.PolicyViolation;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.DesiredInputs;
import io.onescaphandre.operator.dependent.DesiredObjects;
import io.onescaphandre.operator.hostid.HostIdResolution;
import io.onescaphandre.operator.hostid.HostIdResolver;
import io.onescaphandre.operator.hostid.NodeSelection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What a monitor should turn into, computed without writing anything: the spec's problems, what in
 * it the admin's {@link AdmissionPolicy} refuses, the host id of each selected node, and the inputs of
 * the owned objects' desired state. The reconciler acts on it; {@code render} prints it.
 */
public record MonitorPlan(ScaphandreMonitor monitor, List<String> specProblems,
    List<PolicyViolation> policyViolations, HostIdResolution resolution, DesiredInputs inputs,
    List<Node> allNodes) {

  public MonitorPlan {
    specProblems = List.copyOf(specProblems);
    policyViolations = List.copyOf(policyViolations);
    allNodes = List.copyOf(allNodes);
  }

  /** Under the default policy of that image (see {@link AdmissionPolicy#defaults}). */
  public static MonitorPlan compute(ScaphandreMonitor monitor, Collection<Node> allNodes,
      Map<String, Pod> agentPodByNode, HostIdResolver resolver, String defaultAgentImage) {
    return compute(monitor, allNodes, agentPodByNode, resolver, AdmissionPolicy.defaults(defaultAgentImage));
  }

  /**
   * @param allNodes every node of the cluster (the selection and the label ownership need them all)
   * @param agentPodByNode the monitor's newest agent pod on each node
   */
  public static MonitorPlan compute(ScaphandreMonitor monitor, Collection<Node> allNodes,
      Map<String, Pod> agentPodByNode, HostIdResolver resolver, AdmissionPolicy policy) {
    monitor.withDefaultSpecIfMissing();
    List<String> problems = SpecValidator.validate(monitor);
    // Refused monitors are not resolved either: resolving may read their Secret and call OpenNebula.
    List<PolicyViolation> violations = problems.isEmpty() ? policy.violations(monitor) : List.of();
    String defaultAgentImage = policy.defaultAgentImage();
    if (!problems.isEmpty() || !violations.isEmpty()) {
      return new MonitorPlan(monitor, problems, violations, new HostIdResolution(List.of(), List.of()),
          new DesiredInputs(List.of(), defaultAgentImage), List.copyOf(allNodes));
    }
    HostIdResolution resolution = resolver.resolve(monitor,
        NodeSelection.select(monitor.getSpec(), allNodes), agentPodByNode);
    return new MonitorPlan(monitor, problems, violations, resolution,
        new DesiredInputs(resolution.mapped(), defaultAgentImage), List.copyOf(allNodes));
  }

  /** Whether anything may be applied: the spec is valid and the admin's policy allows it. */
  public boolean valid() {
    return specProblems.isEmpty() && policyViolations.isEmpty();
  }

  /**
   * Everything the operator writes for this monitor: the owned objects in the workflow's order, then
   * the host-id labels of nodes (as Nodes holding only them) sorted by node name. Nothing when the
   * spec is invalid.
   */
  public List<HasMetadata> objectsToApply() {
    if (!valid()) {
      return List.of();
    }
    List<HasMetadata> objects = new ArrayList<>(DesiredObjects.of(monitor, inputs));
    NodeLabeler.wanted(monitor, resolution, allNodes).values()
        .forEach(target -> objects.add(NodeLabeler.labelsOf(monitor, target)));
    return objects;
  }
}
