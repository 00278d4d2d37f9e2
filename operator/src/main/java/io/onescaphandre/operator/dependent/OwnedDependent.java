package io.onescaphandre.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GenericKubernetesResourceMatcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.util.Optional;

/**
 * An object owned by a monitor: created, updated (server-side apply in production) and deleted
 * explicitly on cleanup. Deleting explicitly, rather than leaving it to the garbage collector,
 * makes deletion immediate and the same against API servers without a garbage collector (tests,
 * demo).
 */
public abstract class OwnedDependent<R extends HasMetadata>
    extends KubernetesDependentResource<R, ScaphandreMonitor>
    implements Creator<R, ScaphandreMonitor>,
        Updater<R, ScaphandreMonitor>,
        Deleter<ScaphandreMonitor> {

  protected OwnedDependent(Class<R> type) {
    super(type);
  }

  /**
   * The object as the monitor and the inputs computed before the workflow want it: a pure function,
   * which the workflow (through {@link #desired}) and {@code render} (without a cluster) both call.
   */
  public abstract R desiredFrom(ScaphandreMonitor monitor, DesiredInputs inputs);

  @Override
  protected final R desired(ScaphandreMonitor monitor, Context<ScaphandreMonitor> context) {
    return desiredFrom(monitor, DesiredInputs.from(context));
  }

  /**
   * JOSDK adds owner references only to garbage-collected dependents by default; ours are owned
   * too.
   */
  @Override
  protected boolean addOwnerReference() {
    return true;
  }

  /**
   * With server-side apply, JOSDK's matcher compares the fields this operator manages. Without it
   * (only against API servers that add no defaults, such as the Fabric8 mock server), JOSDK's
   * generic matcher ignores whatever only the actual object has, so a node's target dropped from a
   * list would never be taken out: there the spec must be equal.
   */
  @Override
  public Matcher.Result<R> match(
      R actualResource, R desired, ScaphandreMonitor primary, Context<ScaphandreMonitor> context) {
    if (useSSA(context)) {
      return super.match(actualResource, desired, primary, context);
    }
    return GenericKubernetesResourceMatcher.match(desired, actualResource, false, true, context);
  }

  /**
   * Found again by their owner reference (JOSDK would otherwise look for its tracking annotations).
   */
  @Override
  protected Optional<SecondaryToPrimaryMapper<R>> getSecondaryToPrimaryMapper(
      EventSourceContext<ScaphandreMonitor> context) {
    return Optional.of(Mappers.fromOwnerReferences(ScaphandreMonitor.class));
  }
}
