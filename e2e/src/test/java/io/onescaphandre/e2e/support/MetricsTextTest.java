package io.onescaphandre.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTextTest {
  @Test
  void parsesLabelsWithEscapesCommasAndBracesInValues() {
    var sample =
        new MetricsText(
                "scaph_process_power_consumption_microwatts{cmdline=\"qemu-kvm-one-nameguest=one-7,debug-threads=on {x}\\\"q\\\"\",pid=\"42\"} 1250.5\n")
            .samples()
            .get(0);
    assertThat(sample.name()).isEqualTo("scaph_process_power_consumption_microwatts");
    assertThat(sample.labels())
        .containsExactly(
            Map.entry("cmdline", "qemu-kvm-one-nameguest=one-7,debug-threads=on {x}\"q\""),
            Map.entry("pid", "42"));
    assertThat(sample.value()).isEqualTo(1250.5);
  }

  @Test
  void parsesBareSamplesTimestampsAndSpecialValuesAndSkipsComments() {
    String body =
        "# HELP up x\n# TYPE up gauge\nup 1\nlast_seen{a=\"b\"} 3 1700000000000\nnan_metric NaN\n";
    var text = new MetricsText(body);
    assertThat(text.samples()).hasSize(3);
    assertThat(text.named("up").get(0).value()).isEqualTo(1.0);
    assertThat(text.named("last_seen").get(0).value()).isEqualTo(3.0);
    assertThat(text.named("nan_metric").get(0).value()).isNaN();
    assertThat(text.bytes()).isEqualTo(body.length());
  }
}
