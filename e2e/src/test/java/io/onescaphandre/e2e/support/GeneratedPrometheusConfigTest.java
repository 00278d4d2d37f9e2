package io.onescaphandre.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class GeneratedPrometheusConfigTest {
  private static final String GENERATED =
      """
      global:
        external_labels:
          prometheus: monitoring/kube-prometheus-stack-prometheus
          prometheus_replica: $(POD_NAME)
      rule_files:
      - /etc/prometheus/rules/prometheus-kube-prometheus-stack-prometheus-rulefiles-0/*.yaml
      scrape_configs:
      - job_name: podMonitor/one-scaphandre/opennebula/0
        kubernetes_sd_configs:
        - role: pod
          namespaces: {names: [one-scaphandre]}
        relabel_configs:
        - source_labels: [__tmp_hash]
          regex: $(SHARD)
          action: keep
      """;

  @Test
  void localizeAddsKubeconfigFillsPlaceholdersAndPointsRulesAtALocalFolder() {
    String local =
        GeneratedPrometheusConfig.localize(
            GENERATED, Path.of("/run/kubeconfig"), Path.of("/run/rules"));
    var root = GeneratedPrometheusConfig.parse(local);
    assertThat(root.at("/scrape_configs/0/kubernetes_sd_configs/0/kubeconfig_file").asText())
        .isEqualTo("/run/kubeconfig");
    assertThat(root.at("/scrape_configs/0/kubernetes_sd_configs/0/role").asText()).isEqualTo("pod");
    assertThat(root.at("/scrape_configs/0/relabel_configs/0/regex").asText()).isEqualTo("0");
    assertThat(root.at("/global/external_labels/prometheus_replica").asText())
        .isEqualTo("prometheus-e2e-0");
    assertThat(root.at("/rule_files/0").asText()).isEqualTo("/run/rules/*.yaml");
    assertThat(GeneratedPrometheusConfig.jobNames(local))
        .containsExactly("podMonitor/one-scaphandre/opennebula/0");
  }

  @Test
  void decompressesTheSecretsGzipValue() throws Exception {
    var bytes = new ByteArrayOutputStream();
    try (var gz = new GZIPOutputStream(bytes)) {
      gz.write(GENERATED.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(
            GeneratedPrometheusConfig.decompress(
                Base64.getEncoder().encodeToString(bytes.toByteArray())))
        .isEqualTo(GENERATED);
  }
}
