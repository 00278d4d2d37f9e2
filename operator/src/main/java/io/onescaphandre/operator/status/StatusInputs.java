package io.onescaphandre.operator.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.onescaphandre.operator.admission.PolicyViolation;
import io.onescaphandre.operator.hostid.HostIdResolution;
import java.util.List;
import java.util.Map;

/**
 * Everything the status is derived from.
 *
 * @param generation the monitor's metadata.generation
 * @param specProblems why the spec cannot be reconciled (empty when valid)
 * @param resolution the selected nodes and their host ids
 * @param agentPodByNode the agent pod on each node
 * @param daemonSet the agent DaemonSet as last observed, null when absent
 * @param missingCrds CRDs of enabled Prometheus objects that do not exist
 * @param reconcileError message of the error that stopped the reconcile, null when none
 * @param policyViolations what the monitor asks for that the operator's admission policy refuses
 */
public record StatusInputs(
    Long generation,
    List<String> specProblems,
    HostIdResolution resolution,
    Map<String, Pod> agentPodByNode,
    DaemonSet daemonSet,
    List<String> missingCrds,
    String reconcileError,
    List<PolicyViolation> policyViolations) {
  public StatusInputs {
    specProblems = List.copyOf(specProblems);
    policyViolations = List.copyOf(policyViolations);
    agentPodByNode = Map.copyOf(agentPodByNode);
    missingCrds = List.copyOf(missingCrds);
  }

  /** With no policy violation. */
  public StatusInputs(
      Long generation,
      List<String> specProblems,
      HostIdResolution resolution,
      Map<String, Pod> agentPodByNode,
      DaemonSet daemonSet,
      List<String> missingCrds,
      String reconcileError) {
    this(
        generation,
        specProblems,
        resolution,
        agentPodByNode,
        daemonSet,
        missingCrds,
        reconcileError,
        List.of());
  }

  /** Whether the monitor can be reconciled: its spec is valid and the admin's policy allows it. */
  public boolean reconcilable() {
    return specProblems.isEmpty() && policyViolations.isEmpty();
  }
}
