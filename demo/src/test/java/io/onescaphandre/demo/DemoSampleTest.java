package io.onescaphandre.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.onescaphandre.operator.api.AgentFlavor;
import io.onescaphandre.operator.api.HostIdSourceType;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import io.onescaphandre.operator.hostid.NodeSelection;
import io.onescaphandre.operator.reconciler.SpecValidator;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** examples/scaphandremonitor.yaml, the README's sample, is the monitor the demo applies. */
class DemoSampleTest {
  private static final Path EXAMPLE = Path.of("../examples/scaphandremonitor.yaml");

  @Test
  void theExampleIsAValidMonitorWithTheFieldsTheDemoShows() throws Exception {
    ScaphandreMonitor monitor;
    try (InputStream in = Files.newInputStream(EXAMPLE)) {
      monitor = new KubernetesSerialization().unmarshal(in, ScaphandreMonitor.class);
    }
    assertThat(SpecValidator.validate(monitor)).isEmpty();
    assertThat(monitor.getMetadata().getName()).isEqualTo("opennebula");
    assertThat(monitor.getMetadata().getNamespace()).isEqualTo("one-scaphandre");
    assertThat(monitor.getSpec().getNodeSelector())
        .containsExactly(Map.entry(DemoNode.OPENNEBULA_HOST_LABEL, "true"));
    assertThat(monitor.getSpec().getAgent().getFlavor()).isEqualTo(AgentFlavor.BUILTIN);
    assertThat(monitor.getSpec().getHostId().getSources())
        .containsExactly(HostIdSourceType.NODE_LABEL, HostIdSourceType.HYPERVISOR_FILES);
    var prometheus = monitor.getSpec().getPrometheus();
    assertThat(prometheus.getPodMonitor().isOn()).isTrue();
    assertThat(prometheus.getPodMonitor().getLabels())
        .containsEntry("release", "kube-prometheus-stack");
    assertThat(prometheus.getRules().getLabels()).containsEntry("release", "kube-prometheus-stack");
    assertThat(prometheus.getScrapeConfig().isOn()).isFalse();
    assertThat(prometheus.getPlainConfig().isOn()).isTrue();
  }

  @Test
  void theJarCarriesTheSameFile() throws Exception {
    try (InputStream in = SampleMonitor.class.getResourceAsStream(SampleMonitor.RESOURCE)) {
      assertThat(in).isNotNull();
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo(Files.readString(EXAMPLE));
    }
    assertThat(SampleMonitor.load().getSpec().getNodeSelector()).isNotEmpty();
  }

  @Test
  void theReadmeShowsTheExampleVerbatim() throws Exception {
    // The e2e run applies the README's first ScaphandreMonitor block; it must be this very file.
    String readme = Files.readString(Path.of("../README.md"));
    assertThat(readme).contains("```yaml\n" + Files.readString(EXAMPLE) + "```\n");
  }

  @Test
  void theMonitorSelectsTheThreeKvmHostsAndNotTheControlPlane() {
    ScaphandreMonitor monitor = SampleMonitor.load();
    List<String> selected =
        NodeSelection.select(
                monitor.getSpec(), DemoNode.CLUSTER.stream().map(DemoNode::toNode).toList())
            .stream()
            .map(n -> n.getMetadata().getName())
            .toList();
    assertThat(selected).containsExactly("one-kvm-01", "one-kvm-02", "one-kvm-03");
  }
}
