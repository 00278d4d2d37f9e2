package io.onescaphandre.helm;

import static io.onescaphandre.helm.RenderedChart.values;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json stops bad values before anything is rendered. */
class ValuesSchemaTest {

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(values("replicas", "many"), "/replicas"),
        Arguments.of(values("replicas", -1), "/replicas"),
        Arguments.of(values("image.pullPolicy", "Sometimes"), "/image/pullPolicy"),
        Arguments.of(values("imagePullPolicy", "Always"), "'imagePullPolicy' not allowed"),
        Arguments.of(values("serviceMonitor.enabeld", true), "'enabeld' not allowed"),
        Arguments.of(values("serviceMonitor.interval", "often"), "/serviceMonitor/interval"),
        Arguments.of(values("service.port", 70000), "/service/port"),
        Arguments.of(values("monitor.name", "Not_A_DNS_Name"), "/monitor/name"),
        Arguments.of(values("monitor.spec.nodeSelectr.a", "b"), "'nodeSelectr' not allowed"),
        Arguments.of(values("resources.requests.gpu", "1"), "'gpu' not allowed"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badValues")
  void rejects(Map<String, Object> badValues, String complaint) {
    assertThatThrownBy(() -> RenderedChart.render(badValues))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(complaint);
  }
}
