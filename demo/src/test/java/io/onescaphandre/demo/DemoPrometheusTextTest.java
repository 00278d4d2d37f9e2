package io.onescaphandre.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoPrometheusTextTest {
  @Test
  void readsNamesLabelsEscapesAndSpecialValues() {
    PrometheusText text =
        PrometheusText.parse(
            """
        # HELP opennebula_host_power_watts Host power
        # TYPE opennebula_host_power_watts gauge
        opennebula_host_power_watts 96.5
        opennebula_vm_power_watts{hypervisor="kvm",one_vm_id="42",vmname="one-42",} 31.25
        scaph_process_power_consumption_microwatts{cmdline="a \\"quoted\\" arg, x\\\\y",exe="/bin/bash",pid="7",vmname=""} 1.5E6
        opennebula_agent_sample_duration_seconds_max NaN
        up +Inf 1712345678000
        """);
    assertThat(text.value("opennebula_host_power_watts")).contains(96.5);
    assertThat(text.all("opennebula_vm_power_watts"))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.labels())
                  .containsExactly(
                      Map.entry("hypervisor", "kvm"),
                      Map.entry("one_vm_id", "42"),
                      Map.entry("vmname", "one-42"));
              assertThat(s.value()).isEqualTo(31.25);
            });
    PrometheusText.Sample process = text.all("scaph_process_power_consumption_microwatts").get(0);
    assertThat(process.label("cmdline")).isEqualTo("a \"quoted\" arg, x\\y");
    assertThat(process.label("vmname")).isEmpty();
    assertThat(process.value()).isEqualTo(1_500_000);
    assertThat(text.value("opennebula_agent_sample_duration_seconds_max").orElseThrow()).isNaN();
    assertThat(text.value("up")).contains(Double.POSITIVE_INFINITY);
    assertThat(text.sum("opennebula_vm_power_watts")).isEqualTo(31.25);
    assertThat(text.sum("absent")).isZero();
  }

  @Test
  void aMalformedLineIsAnError() {
    assertThatThrownBy(() -> PrometheusText.parse("ok 1\nbroken{a=b} 2\n"))
        .hasMessageContaining("line 2");
  }
}
