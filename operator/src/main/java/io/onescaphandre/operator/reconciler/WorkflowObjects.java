package io.onescaphandre.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.DesiredInputs;
import io.onescaphandre.operator.dependent.OwnedDependent;
import io.onescaphandre.operator.dependent.PureCondition;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every object a monitor owns, found by walking the reconciler's own {@code @Workflow}: each
 * dependent in the order it is declared, kept when its reconcile precondition holds, built by the
 * dependent's own pure {@link OwnedDependent#desiredFrom}. A dependent added to the workflow is
 * rendered without anyone listing it twice. Activation conditions (Prometheus Operator CRDs
 * installed) are not asked: there is no cluster; the objects are shown as if the CRDs existed.
 */
public final class WorkflowObjects {
  private WorkflowObjects() {}

  /** The workflow's dependents as declared, for tests and tools that want to see them. */
  public static List<Dependent> dependents() {
    Workflow workflow = ScaphandreMonitorReconciler.class.getAnnotation(Workflow.class);
    return List.of(workflow.dependents());
  }

  /**
   * The owned objects the monitor enables, in the workflow's order.
   *
   * @throws IllegalStateException when a dependent or one of its preconditions is of a kind render
   *     cannot evaluate without a cluster (a test catches that before a user does)
   */
  public static List<HasMetadata> of(ScaphandreMonitor monitor, DesiredInputs inputs) {
    List<HasMetadata> objects = new ArrayList<>();
    for (Dependent dependent : dependents()) {
      if (!preconditionHolds(dependent, monitor, inputs)) {
        continue;
      }
      Object resource = instantiate(dependent.type());
      if (!(resource instanceof OwnedDependent<?> owned)) {
        throw new IllegalStateException(
            "dependent "
                + dependent.name()
                + " ("
                + dependent.type().getName()
                + ") is not an OwnedDependent: render cannot compute its desired state");
      }
      objects.add(owned.desiredFrom(monitor, inputs));
    }
    return objects;
  }

  @SuppressWarnings("rawtypes")
  private static boolean preconditionHolds(
      Dependent dependent, ScaphandreMonitor monitor, DesiredInputs inputs) {
    Class<? extends Condition> type = dependent.reconcilePrecondition();
    if (type == Condition.class) {
      return true;
    }
    Object condition = instantiate(type);
    if (condition instanceof PureCondition pure) {
      return pure.holdsFor(monitor, inputs);
    }
    throw new IllegalStateException(
        "dependent "
            + dependent.name()
            + " has the reconcile precondition "
            + type.getName()
            + ", which render cannot evaluate without a cluster");
  }

  private static Object instantiate(Class<?> type) {
    try {
      return type.getDeclaredConstructor().newInstance();
    } catch (InstantiationException | IllegalAccessException | NoSuchMethodException e) {
      throw new IllegalStateException("cannot create " + type.getName(), e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("cannot create " + type.getName(), e.getCause());
    }
  }
}
