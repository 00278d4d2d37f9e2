package io.onescaphandre.operator.opennebula;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.onescaphandre.operator.api.PublishedHostAttribute;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.reconciler.SpecValidator;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * examples/scaphandremonitor-publish.yaml is a valid monitor that publishes, and the defaults of
 * publish.
 */
class PublishExampleTest {

  @Test
  void theExamplePublishesTheAttributesItNames() throws Exception {
    ScaphandreMonitor monitor;
    try (InputStream in =
        Files.newInputStream(Path.of("../examples/scaphandremonitor-publish.yaml"))) {
      monitor = new KubernetesSerialization().unmarshal(in, ScaphandreMonitor.class);
    }
    assertThat(SpecValidator.validate(monitor)).isEmpty();
    var publish = monitor.getSpec().getOpenNebula().getPublish();
    assertThat(publish.getHostTemplate()).isTrue();
    assertThat(publish.getAttributes())
        .containsExactly(
            PublishedHostAttribute.POWER_STATE,
            PublishedHostAttribute.POWER_W,
            PublishedHostAttribute.IDLE_POWER_W,
            PublishedHostAttribute.MARGINAL_POWER_PER_CPU_W,
            PublishedHostAttribute.BUSY_CPUS);
    assertThat(publish.getMinChangePercent()).isEqualTo(5.0);
  }

  @Test
  void withoutPublishNothingIsWrittenAndEveryAttributeIsTheDefault() {
    String yaml =
        """
        apiVersion: one-scaphandre.io/v1alpha1
        kind: ScaphandreMonitor
        metadata: {name: m, namespace: ns}
        spec:
          openNebula:
            endpoint: http://frontend:2633/RPC2
            secretRef: {name: one-auth}
        """;
    ScaphandreMonitor monitor =
        new KubernetesSerialization().unmarshal(yaml, ScaphandreMonitor.class);
    var publish = monitor.getSpec().getOpenNebula().getPublish();
    assertThat(publish.getHostTemplate()).isFalse();
    assertThat(publish.getAttributes()).containsExactly(PublishedHostAttribute.values());
    assertThat(publish.getMinChangePercent()).isEqualTo(5.0);
  }
}
