package io.onescaphandre.operator.reconciler;

import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.onescaphandre.contracts.hostid.HostId;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.dependent.AgentImages;
import io.onescaphandre.operator.dependent.BmcAccess;
import io.onescaphandre.operator.dependent.BmcEndpointsConfigMapDependent;
import io.onescaphandre.operator.dependent.DesiredInputs;
import io.onescaphandre.operator.dependent.MonitorResources;
import io.onescaphandre.operator.dependent.OwnedDependent;
import io.onescaphandre.operator.hostid.MappedNode;
import java.lang.reflect.ParameterizedType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * render walks the reconciler's own workflow: nothing is listed twice, so nothing can be missed.
 */
class WorkflowObjectsTest {
  private static final List<MappedNode> NODES =
      List.of(new MappedNode("kvm-1", new HostId(1), "10.0.0.1"));

  /** Inputs of a monitor whose node has a BMC address: the BMC endpoints ConfigMap is wanted. */
  private static final DesiredInputs WITH_BMC =
      new DesiredInputs(
          NODES,
          AgentImages.BUILTIN,
          new BmcAccess(Map.of("kvm-1", "https://10.0.1.1"), "bmc-credentials", null));

  @Test
  void withEverythingEnabledEveryDependentOfTheWorkflowIsRenderedInItsOrder() {
    ScaphandreMonitor m = monitor("lab");
    m.getSpec().getPrometheus().getScrapeConfig().setEnabled(true);

    List<Class<?>> rendered =
        WorkflowObjects.of(m, WITH_BMC).stream().<Class<?>>map(HasMetadata::getClass).toList();

    List<Class<?>> declared =
        WorkflowObjects.dependents().stream().<Class<?>>map(d -> resourceTypeOf(d.type())).toList();
    assertThat(declared).hasSize(7);
    assertThat(rendered).isEqualTo(declared);
  }

  @Test
  void theSpecsSwitchesAreTheWorkflowsReconcilePreconditions() {
    ScaphandreMonitor m = monitor("lab");
    assertThat(kinds(m))
        .containsExactly(
            "ServiceAccount", "DaemonSet", "ConfigMap", "PodMonitor", "PrometheusRule");
    m.getSpec().getPrometheus().getScrapeConfig().setEnabled(true);
    m.getSpec().getPrometheus().getPodMonitor().setEnabled(false);
    m.getSpec().getPrometheus().getPlainConfig().setEnabled(false);
    m.getSpec().getPrometheus().getRules().setEnabled(false);
    assertThat(kinds(m)).containsExactly("ServiceAccount", "DaemonSet", "ScrapeConfig");
  }

  @Test
  void theBmcEndpointsConfigMapIsRenderedOnlyWhileANodeHasABmcAddress() {
    ScaphandreMonitor m = monitor("lab");
    List<HasMetadata> objects = WorkflowObjects.of(m, WITH_BMC);
    assertThat(objects)
        .extracting(o -> o.getMetadata().getName())
        .contains(MonitorResources.bmcEndpointsName(m));
    assertThat(objects)
        .filteredOn(o -> o.getMetadata().getName().equals(MonitorResources.bmcEndpointsName(m)))
        .singleElement()
        .satisfies(
            cm ->
                assertThat(((ConfigMap) cm).getData().get(BmcEndpointsConfigMapDependent.DATA_KEY))
                    .contains("kvm-1=https://10.0.1.1"));
    assertThat(WorkflowObjects.of(m, new DesiredInputs(NODES)))
        .extracting(o -> o.getMetadata().getName())
        .doesNotContain(MonitorResources.bmcEndpointsName(m));
  }

  @Test
  void everyDependentNamesItsNameAndIsAnOwnedDependent() {
    for (Dependent d : WorkflowObjects.dependents()) {
      assertThat(OwnedDependent.class).as(d.name()).isAssignableFrom(d.type());
    }
  }

  private static List<String> kinds(ScaphandreMonitor m) {
    return WorkflowObjects.of(m, new DesiredInputs(NODES)).stream()
        .map(HasMetadata::getKind)
        .toList();
  }

  /** R of a dependent class extending OwnedDependent<R>. */
  private static Class<?> resourceTypeOf(Class<?> dependent) {
    ParameterizedType owned = (ParameterizedType) dependent.getGenericSuperclass();
    return (Class<?>) owned.getActualTypeArguments()[0];
  }
}
