package io.onescaphandre.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
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
 * What a monitor should turn into, computed without writing anything: the spec's problems, the host
 * id of each selected node, and the inputs of the owned objects' desired state. The reconciler acts
 * on it; {@code render} prints it.
 */
public record MonitorPlan(ScaphandreMonitor monitor, List<String> specProblems, HostIdResolution resolution,
    DesiredInputs inputs, List<Node> allNodes) {

  public MonitorPlan {
    specProblems = List.copyOf(specProblems);
    allNodes = List.copyOf(allNodes);
  }

  /**
   * @param allNodes every node of the cluster (the selection and the label ownership need them all)
   * @param agentPodByNode the monitor's newest agent pod on each node
   */
  public static MonitorPlan compute(ScaphandreMonitor monitor, Collection<Node> allNodes,
      Map<String, Pod> agentPodByNode, HostIdResolver resolver, String defaultAgentImage) {
    return compute(monitor, allNodes, agentPodByNode, resolver, defaultAgentImage, name -> null);
  }

  /** @param secrets the Secret of that name in the monitor's namespace, or null (BMC credentials) */
  public static MonitorPlan compute(ScaphandreMonitor monitor, Collection<Node> allNodes,
      Map<String, Pod> agentPodByNode, HostIdResolver resolver, String defaultAgentImage,
      java.util.function.Function<String, io.fabric8.kubernetes.api.model.Secret> secrets) {
    monitor.withDefaultSpecIfMissing();
    List<String> problems = SpecValidator.validate(monitor);
    if (!problems.isEmpty()) {
      return new MonitorPlan(monitor, problems, new HostIdResolution(List.of(), List.of()),
          new DesiredInputs(List.of(), defaultAgentImage), List.copyOf(allNodes));
    }
    List<Node> selected = NodeSelection.select(monitor.getSpec(), allNodes);
    HostIdResolution resolution = resolver.resolve(monitor, selected, agentPodByNode);
    return new MonitorPlan(monitor, problems, resolution,
        new DesiredInputs(resolution.mapped(), defaultAgentImage,
            io.onescaphandre.operator.dependent.BmcAccess.resolve(monitor, selected, secrets)),
        List.copyOf(allNodes));
  }

  public boolean valid() {
    return specProblems.isEmpty();
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
