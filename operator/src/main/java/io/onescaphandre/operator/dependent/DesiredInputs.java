package io.onescaphandre.operator.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.hostid.MappedNode;
import java.util.List;

/**
 * What the reconciler computed before the workflow runs, handed to the dependents through the
 * workflow context so their desired() stays a function of the monitor and these inputs.
 */
public record DesiredInputs(List<MappedNode> mappedNodes, String defaultAgentImage, BmcAccess bmc) {
  private static final String KEY = DesiredInputs.class.getName();

  public DesiredInputs {
    mappedNodes = List.copyOf(mappedNodes);
    bmc = bmc == null ? BmcAccess.NONE : bmc;
    if (defaultAgentImage == null || defaultAgentImage.isBlank()) {
      throw new IllegalArgumentException("the default agent image must be named");
    }
  }

  public DesiredInputs(List<MappedNode> mappedNodes, String defaultAgentImage) {
    this(mappedNodes, defaultAgentImage, BmcAccess.NONE);
  }

  /** With the image the project builds as the builtin agent's default. */
  public DesiredInputs(List<MappedNode> mappedNodes) {
    this(mappedNodes, AgentImages.BUILTIN);
  }

  public void putInto(Context<ScaphandreMonitor> context) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, this);
  }

  public static DesiredInputs from(Context<ScaphandreMonitor> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(KEY, DesiredInputs.class);
  }
}
