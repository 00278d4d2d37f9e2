package io.onescaphandre.contracts.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onescaphandre.contracts.hostid.HostId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlainPrometheusJobTest {
  static final List<ScrapeTarget> TARGETS =
      List.of(
          new ScrapeTarget("kvm1", 8080, new HostId(0), Map.of("cluster", "default")),
          new ScrapeTarget("fd00::2", 9100, new HostId(12), Map.of("node", "n2")));

  @Test
  void yamlIsOneJobWithAGroupPerTarget() {
    assertThat(new PlainPrometheusJob("one-scaphandre-agent", "30s", "/metrics", TARGETS).yaml())
        .isEqualTo(
            """
        - job_name: one-scaphandre-agent
          scrape_interval: 30s
          metrics_path: /metrics
          static_configs:
          - targets:
            - kvm1:8080
            labels:
              host_id: "0"
              one_host_id: "0"
              cluster: default
          - targets:
            - "[fd00::2]:9100"
            labels:
              host_id: "12"
              one_host_id: "12"
              node: n2
        """);
  }

  @Test
  void optionalKeysAreLeftOut() {
    assertThat(new PlainPrometheusJob("scaphandre", null, null, List.of()).yaml())
        .isEqualTo("- job_name: scaphandre\n  static_configs: []\n");
  }

  @Test
  void fileSdHasTheSameGroups() {
    assertThat(PlainPrometheusJob.fileSd(TARGETS.subList(0, 1)))
        .isEqualTo(
            """
        [ {
          "targets" : [ "kvm1:8080" ],
          "labels" : {
            "host_id" : "0",
            "one_host_id" : "0",
            "cluster" : "default"
          }
        } ]
        """);
  }

  @Test
  void targetsRefuseWhatWouldMakeAWrongJob() {
    assertThat(new ScrapeTarget("[::1]", 1, new HostId(1)).address()).isEqualTo("[::1]:1");
    assertThatThrownBy(() -> new ScrapeTarget("h", 0, new HostId(1))).hasMessageContaining("port");
    assertThatThrownBy(() -> new ScrapeTarget("h", 80, null)).hasMessageContaining("host id");
    assertThatThrownBy(() -> new ScrapeTarget("h", 80, new HostId(1), Map.of("host_id", "2")))
        .hasMessageContaining("labels");
    assertThatThrownBy(() -> new PlainPrometheusJob(" ", null, null, List.of()))
        .hasMessageContaining("job_name");
  }
}
