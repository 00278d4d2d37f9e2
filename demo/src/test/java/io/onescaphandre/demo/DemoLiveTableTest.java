package io.onescaphandre.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalTime;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoLiveTableTest {
  private static final String METRICS =
      """
      opennebula_host_power_watts{source="rapl"} 100.0
      opennebula_power_source_watts{source="rapl"} 100.0
      opennebula_power_source_watts{source="estimate"} 61.5
      opennebula_power_estimate_curve_info{basis="ccf",cpu="Cascade Lake"} 1.0
      opennebula_vm_power_watts{hypervisor="kvm",one_vm_id="43",vmname="one-43"} 20.0
      opennebula_vm_power_watts{hypervisor="kvm",one_vm_id="42",vmname="one-42"} 40.0
      opennebula_service_power_watts{unit="sshd.service"} 5.0
      opennebula_service_power_watts{unit="other"} 5.0
      opennebula_other_power_watts 25.0
      opennebula_unattributed_power_watts 5.0
      scaph_domain_power_microwatts{domain_name="dram",socket_id="0"} 1.0E7
      scaph_domain_power_microwatts{domain_name="package",socket_id="0"} 9.0E7
      scaph_process_power_consumption_microwatts{cmdline="qemu-kvm-one -name guest=one-42",exe="/bin/bash",pid="42",vmname="one-42"} 4.0E7
      scaph_process_power_consumption_microwatts{cmdline="/usr/lib/jvm/java-17/bin/java -jar agent.jar run --path.procfs=/proc --path.sysfs=/tmp/a/very/long/simulated-sysfs --interval=1s",exe="/usr/bin/java",pid="7",vmname=""} 3.0E6
      scaph_process_power_consumption_microwatts{cmdline="make -j2",exe="/usr/bin/make",pid="9",vmname=""} 9.0E6
      """;

  @Test
  void consumersAddUpToTheHostAndProcessesAreNamedPlainly() {
    String table =
        LiveTable.render(
            PrometheusText.parse(METRICS),
            LocalTime.of(12, 0, 3),
            "here",
            Set.of("one-42"),
            Map.of("7", "the agent"));
    assertThat(table).startsWith("LIVE 12:00:03  here\n");
    assertThat(table)
        .contains(
            "HOST POWER 100.0 W = package 90.0 W + dram 10.0 W  (RAPL SIMULATED)\n"
                + "  ESTIMATE of this machine 61.5 W (model: ccf Cascade Lake)\n");
    assertThat(table.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    assertThat(table)
        .containsPattern(
            "VM one-42 \\(kvm, simulated guest\\)\\s+40.0 W\\s+40.0 %\\n"
                + "  VM one-43 \\(kvm\\)\\s+20.0 W\\s+20.0 %\\n");
    assertThat(table).containsPattern("systemd services \\(2 series\\)\\s+10.0 W\\s+10.0 %");
    assertThat(table).containsPattern("other processes\\s+25.0 W\\s+25.0 %");
    assertThat(table).containsPattern("unattributed .*\\s+5.0 W\\s+5.0 %");
    assertThat(table).containsPattern("TOTAL\\s+100.0 W\\s+100.0 %");
    assertThat(table).doesNotContain("pods");
    // VM processes are in the VM rows; the others by power, the demo's own marked.
    assertThat(table)
        .containsPattern(
            "9\\s+9.0 W\\s+make -j2\\n\\s+7\\s+3.0 W\\s+\\[demo: the agent\\] java -jar agent.jar run");
    assertThat(table).doesNotContain("qemu-kvm-one");
  }

  @Test
  void anEstimatedHostIsMarkedAsSuch() {
    String table =
        LiveTable.render(
            PrometheusText.parse(
                """
        opennebula_host_power_watts{source="estimate"} 42.0
        opennebula_power_source_watts{source="estimate"} 42.0
        opennebula_other_power_watts 42.0
        """),
            LocalTime.of(12, 0),
            "here",
            Set.of(),
            Map.of());
    assertThat(table)
        .contains("HOST POWER 42.0 W  (ESTIMATE: a model, not measured)")
        .doesNotContain("RAPL SIMULATED")
        .doesNotContain("ESTIMATE of this machine");
  }

  @Test
  void beforeTheSecondRaplReadingThereIsNoPowerYet() {
    String table =
        LiveTable.render(
            PrometheusText.parse("opennebula_rapl_state{state=\"ok\"} 1\n"),
            LocalTime.of(12, 0),
            "here",
            Set.of(),
            Map.of());
    assertThat(table)
        .contains("waiting for the agent's first power sample")
        .doesNotContain("TOTAL");
  }
}
