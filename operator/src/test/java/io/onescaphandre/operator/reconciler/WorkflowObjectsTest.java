package io.onescaphandre.operator.reconciler;

import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.contracts.hostid.HostId;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.DesiredInputs;
import io.onescaphandre.operator.dependent.OwnedDependent;
import io.onescaphandre.operator.hostid.MappedNode;
import java.lang.reflect.ParameterizedType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** render walks the reconciler's own workflow: nothing is listed twice, so nothing can be missed. */
class WorkflowObjectsTest {
  private static final List<MappedNode> NODES = List.of(new MappedNode("kvm-1", new HostId(1), "10.0.0.1"));

  @Test
  void withEverythingEnabledEveryDependentOfTheWorkflowIsRenderedInItsOrder() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getPrometheus().getScrapeConfig().setEnabled(true);

    List<Class<?>> rendered = WorkflowObjects.of(m, new DesiredInputs(NODES)).stream()
        .<Class<?>>map(HasMetadata::getClass).toList();

    List<Class<?>> declared = WorkflowObjects.dependents().stream()
        .<Class<?>>map(d -> resourceTypeOf(d.type())).toList();
    assertThat(declared).hasSize(6);
    assertThat(rendered).isEqualTo(declared);
  }

  @Test
  void theSpecsSwitchesAreTheWorkflowsReconcilePreconditions() {
    ScaphandreMonitor m = monitor("lab");
    assertThat(kinds(m)).containsExactly("ServiceAccount", "DaemonSet", "ConfigMap", "PodMonitor", "PrometheusRule");
    m.getSpec().getPrometheus().getScrapeConfig().setEnabled(true);
    m.getSpec().getPrometheus().getPodMonitor().setEnabled(false);
    m.getSpec().getPrometheus().getPlainConfig().setEnabled(false);
    m.getSpec().getPrometheus().getRules().setEnabled(false);
    assertThat(kinds(m)).containsExactly("ServiceAccount", "DaemonSet", "ScrapeConfig");
  }

  @Test
  void everyDependentNamesItsNameAndIsAnOwnedDependent() {
    for (Dependent d : WorkflowObjects.dependents()) {
      assertThat(OwnedDependent.class).as(d.name()).isAssignableFrom(d.type());
    }
  }

  private static List<String> kinds(ScaphandreMonitor m) {
    return WorkflowObjects.of(m, new DesiredInputs(NODES)).stream().map(HasMetadata::getKind).toList();
  }

  /** R of a dependent class extending OwnedDependent<R>. */
  private static Class<?> resourceTypeOf(Class<?> dependent) {
    ParameterizedType owned = (ParameterizedType) dependent.getGenericSuperclass();
    return (Class<?>) owned.getActualTypeArguments()[0];
  }
}
