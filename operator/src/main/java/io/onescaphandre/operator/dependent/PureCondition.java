package io.onescaphandre.operator.dependent;

import io.onescaphandre.operator.api.ScaphandreMonitor;

/**
 * A workflow reconcile precondition that is a function of the monitor and the inputs computed
 * before the workflow, so that {@code render} evaluates it without a cluster exactly as the
 * workflow does.
 */
public interface PureCondition {
  boolean holdsFor(ScaphandreMonitor monitor, DesiredInputs inputs);
}
