package io.onescaphandre.operator.dependent;

import static io.onescaphandre.operator.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.contracts.hostid.HostId;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.hostid.MappedNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The workflow's plain job is the pure one, rendered again only when what it is made of changed.
 */
class PlainJobRenderingTest {
  private final PlainJobConfigMapDependent dependent = new PlainJobConfigMapDependent();

  @Test
  void theRememberedJobIsTheOneRenderFromScratchGives() {
    ScaphandreMonitor m = monitor("lab");
    List<MappedNode> one = List.of(new MappedNode("kvm-1", new HostId(1), "10.0.0.1"));
    List<MappedNode> two =
        List.of(
            new MappedNode("kvm-1", new HostId(1), "10.0.0.1"),
            new MappedNode("kvm-2", new HostId(2), "10.0.0.2"));

    assertThat(dependent.desiredFrom(m, new DesiredInputs(one)))
        .isEqualTo(PlainJobConfigMapDependent.desiredFor(m, one));
    assertThat(dependent.desiredFrom(m, new DesiredInputs(two)))
        .isEqualTo(PlainJobConfigMapDependent.desiredFor(m, two));
    m.getSpec().getAgent().setPort(9100);
    assertThat(
            dependent
                .desiredFrom(m, new DesiredInputs(two))
                .getData()
                .get(PlainJobConfigMapDependent.DATA_KEY))
        .contains("10.0.0.2:9100")
        .doesNotContain(":8080");
    m.getSpec().getPrometheus().setInterval("1m");
    assertThat(dependent.desiredFrom(m, new DesiredInputs(two)))
        .isEqualTo(PlainJobConfigMapDependent.desiredFor(m, two));
    assertThat(dependent.desiredFrom(monitor("other"), new DesiredInputs(one)))
        .isEqualTo(PlainJobConfigMapDependent.desiredFor(monitor("other"), one));
  }
}
