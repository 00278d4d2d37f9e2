package io.onescaphandre.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.agent.attribution.BusyCpuPolicy;
import io.onescaphandre.agent.sampling.Sampler;
import io.onescaphandre.agent.sampling.Snapshot;
import io.onescaphandre.contracts.hostid.HostId;
import io.onescaphandre.contracts.hostid.Hypervisor;
import io.onescaphandre.contracts.hostid.LocalHostId;
import io.onescaphandre.simulation.SimulatedHost;
import io.onescaphandre.simulation.SimulatedRaplTree;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsPublisherTest {
  static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

  @TempDir Path root;
  SimulatedRaplTree rapl;
  SimulatedHost host;
  SimulatedHost.Proc qemu;
  AtomicLong clock = new AtomicLong();
  Sampler sampler;
  MetricsPublisher publisher;

  @BeforeEach
  void setUp() {
    rapl = SimulatedRaplTree.server(root.resolve("sys"), 2);
    host = new SimulatedHost(root.resolve("proc"), root.resolve("sys"), 4);
    qemu =
        host.process(
            4242,
            "qemu-kvm-one",
            "/usr/bin/qemu-kvm-one",
            "-name",
            "guest=one-42,debug-threads=on");
    host.process(10, "bash", "/bin/bash");
    sampler = new Sampler(host.procfs(), rapl.sysfs(), new BusyCpuPolicy(), clock::get, 5, 20);
    publisher = new MetricsPublisher(MetricsPublisher.newRegistry(), host.procfs());
  }

  void step(long qemuTicks) {
    clock.addAndGet(1_000_000_000L);
    rapl.addWatts(
        1.0,
        Map.of(
            "intel-rapl:0",
            40.0,
            "intel-rapl:1",
            30.0,
            "intel-rapl:0:0",
            6.0,
            "intel-rapl:1:0",
            4.0));
    host.addCpuTicks(100, 300);
    qemu.addTicks(qemuTicks);
    Snapshot s = sampler.sample();
    publisher.publish(s, 1_000_000);
  }

  @Test
  void exportsTheInterfaceNamesWithTheirLabels() {
    publisher.publish(sampler.sample(), 1_000_000);
    step(50);
    String out = publisher.scrape(TEXT);
    assertThat(out)
        .contains("opennebula_host_power_watts{source=\"rapl\"} 80.0")
        .contains("opennebula_host_power_source{source=\"rapl\"} 1.0")
        .contains("opennebula_power_source_state{source=\"rapl\",state=\"ok\"} 1.0")
        .contains("opennebula_power_source_watts{source=\"rapl\"} 80.0")
        .contains("opennebula_host_energy_joules_total{domain=\"host\"} 80.0")
        .contains("opennebula_host_energy_joules_total{domain=\"package\"} 70.0")
        .contains("opennebula_host_energy_joules_total{domain=\"dram\"} 10.0")
        .contains(
            "opennebula_rapl_zone_energy_joules_total{domain=\"dram\",socket=\"1\",zone=\"intel-rapl:1:0\"} 4.0")
        .contains(
            "opennebula_vm_power_watts{hypervisor=\"kvm\",one_vm_id=\"42\",source=\"rapl\",vmname=\"one-42\"} 40.0")
        .contains(
            "opennebula_vm_energy_joules_total{hypervisor=\"kvm\",one_vm_id=\"42\",vmname=\"one-42\"} 40.0")
        .contains(
            "opennebula_vm_cpu_seconds_total{hypervisor=\"kvm\",one_vm_id=\"42\",vmname=\"one-42\"} 0.5")
        .contains("opennebula_other_power_watts{source=\"rapl\"} 0.0")
        .contains("opennebula_unattributed_power_watts{source=\"rapl\"} 40.0")
        .contains("opennebula_unattributed_energy_joules_total 40.0")
        .contains("opennebula_rapl_state{state=\"ok\"} 1.0")
        .contains("opennebula_rapl_state{state=\"unreadable\"} 0.0")
        .contains("opennebula_agent_samples_total 2.0")
        .contains("opennebula_agent_sample_duration_seconds_count 2")
        .contains("scaph_host_power_microwatts 8.0E7")
        .contains("scaph_host_energy_microjoules 8.0E7")
        .contains("scaph_socket_power_microwatts{socket_id=\"0\"} 4.0E7")
        .contains("scaph_domain_power_microwatts{domain_name=\"dram\",socket_id=\"1\"} 4000000.0")
        .contains(
            "scaph_process_power_consumption_microwatts{cmdline=\"/usr/bin/qemu-kvm-one -name guest=one-42,debug-threads=on\"")
        .contains("vmname=\"one-42\"} 4.0E7")
        .contains("process_resident_memory_bytes")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void stoppedVmSeriesAreRemoved() {
    publisher.publish(sampler.sample(), 1_000_000);
    step(50);
    assertThat(publisher.scrape(TEXT)).contains("one_vm_id=\"42\"");
    host.exit(4242);
    step(0);
    assertThat(publisher.scrape(TEXT)).doesNotContain("one_vm_id=\"42\"").doesNotContain("one-42");
  }

  @Test
  void openMetricsWhenAsked() {
    publisher.publish(sampler.sample(), 1_000_000);
    step(50);
    String out = publisher.scrape("application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(out).contains("# TYPE opennebula_vm_energy_joules counter").endsWith("# EOF\n");
  }

  @Test
  void lxcPodAndServiceSeriesCarryTheirLabels() {
    host.cgroupV2();
    String uid = "8f2c1a7e-3b4d-4e5f-9a0b-1c2d3e4f5a6b";
    String cid = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    String container =
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
            + uid.replace('-', '_')
            + ".slice/cri-containerd-"
            + cid
            + ".scope";
    SimulatedHost.Proc lxc =
        host.process(5000, "init", "/sbin/init").cgroup("0::/lxc.payload.one-5");
    SimulatedHost.Proc app = host.process(6000, "app", "/app").cgroup("0::" + container);
    SimulatedHost.Proc sshd =
        host.process(700, "sshd", "/usr/sbin/sshd").cgroup("0::/system.slice/ssh.service");
    publisher.publish(sampler.sample(), 1_000_000);
    lxc.addTicks(20);
    app.addTicks(10);
    sshd.addTicks(5);
    step(50);
    // 80 W over 100 busy ticks: 0.8 W per tick.
    assertThat(publisher.scrape(TEXT))
        .contains(
            "opennebula_vm_power_watts{hypervisor=\"lxc\",one_vm_id=\"5\",source=\"rapl\",vmname=\"one-5\"} 16.0")
        .contains(
            "opennebula_vm_cpu_seconds_total{hypervisor=\"lxc\",one_vm_id=\"5\",vmname=\"one-5\"} 0.2")
        .contains(
            "opennebula_pod_power_watts{container=\""
                + cid
                + "\",pod_uid=\""
                + uid
                + "\",source=\"rapl\"} 8.0")
        .contains(
            "opennebula_pod_energy_joules_total{container=\""
                + cid
                + "\",pod_uid=\""
                + uid
                + "\"} 8.0")
        .contains("opennebula_service_power_watts{source=\"rapl\",unit=\"ssh.service\"} 4.0")
        .contains("opennebula_service_energy_joules_total{unit=\"ssh.service\"} 4.0")
        .contains("opennebula_other_energy_joules_total 0.0")
        .contains(
            "opennebula_vm_power_watts{hypervisor=\"kvm\",one_vm_id=\"42\",source=\"rapl\",vmname=\"one-42\"} 40.0");
  }

  @Test
  void unreadableRaplIsAStateAndPowerSeriesGoWhileCpuStays() {
    Sampler denied =
        new Sampler(
            host.procfs(),
            rapl.sysfs(),
            new io.onescaphandre.agent.rapl.RaplMeter(
                new io.onescaphandre.agent.rapl.RaplZoneDiscovery(rapl.sysfs()),
                file -> {
                  throw new java.nio.file.AccessDeniedException(file.toString());
                },
                clock::get),
            new BusyCpuPolicy(),
            clock::get,
            5,
            20);
    sampler = denied;
    publisher.publish(sampler.sample(), 1_000_000);
    step(50);
    String out = publisher.scrape(TEXT);
    assertThat(out)
        .contains("opennebula_rapl_state{state=\"unreadable\"} 1.0")
        .contains("opennebula_rapl_state{state=\"ok\"} 0.0")
        .contains("opennebula_rapl_state{state=\"absent\"} 0.0")
        .contains(
            "opennebula_vm_cpu_seconds_total{hypervisor=\"kvm\",one_vm_id=\"42\",vmname=\"one-42\"} 0.5")
        .contains("opennebula_agent_sample_duration_seconds_count 2")
        .contains("process_cpu_usage")
        .doesNotContain("opennebula_host_power_watts ")
        .doesNotContain("opennebula_vm_power_watts{")
        .doesNotContain("scaph_host_energy_microjoules ");
  }

  @Test
  void hostInfoCarriesTheIdFoundOnTheHypervisorAndGoesAwayWithIt() {
    publisher.publishHostId(
        Optional.of(
            new LocalHostId(
                new HostId(12),
                LocalHostId.Source.ONE_DB_CONFIG,
                Path.of("/var/tmp/one_db/config"),
                Optional.of(Hypervisor.KVM),
                List.of())));
    assertThat(publisher.scrape(TEXT))
        .contains("# TYPE opennebula_agent_host_info gauge")
        .contains(
            "opennebula_agent_host_info{host_id=\"12\",host_id_source=\"one_db_config\","
                + "hypervisor=\"kvm\",one_host_id=\"12\"} 1\n");
    publisher.publishHostId(
        Optional.of(
            new LocalHostId(
                new HostId(7),
                LocalHostId.Source.IM_STATUS_DB,
                Path.of("/var/tmp/one/im/status_lxc_7.db"),
                Optional.of(Hypervisor.LXC),
                List.of())));
    assertThat(publisher.scrape(TEXT))
        .contains(
            "opennebula_agent_host_info{host_id=\"7\",host_id_source=\"im_status_db\","
                + "hypervisor=\"lxc\",one_host_id=\"7\"} 1\n")
        .doesNotContain("host_id=\"12\"");
    publisher.publishHostId(Optional.empty());
    assertThat(publisher.scrape(TEXT)).doesNotContain("opennebula_agent_host_info{");
  }
}
