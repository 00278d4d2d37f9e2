package io.onescaphandre.agent.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.onescaphandre.agent.attribution.BusyCpuPolicy;
import io.onescaphandre.agent.attribution.RemainderPolicy;
import io.onescaphandre.agent.metrics.MetricsPublisher;
import io.onescaphandre.agent.power.AcpiPowerMeterSource;
import io.onescaphandre.agent.power.EstimateSource;
import io.onescaphandre.agent.power.HostPower;
import io.onescaphandre.agent.power.PlausibleWatts;
import io.onescaphandre.agent.power.PowerCurve;
import io.onescaphandre.agent.power.PowerSourceName;
import io.onescaphandre.agent.rapl.RaplMeter;
import io.onescaphandre.agent.rapl.RaplZoneDiscovery;
import io.onescaphandre.simulation.SimulatedHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sampler with sources beyond RAPL: with a wall meter the VMs and every other part add up to
 * the wall, under both remainder policies; with no powercap tree at all the host power is served,
 * marked source="estimate".
 */
class PowerSourcesSamplerTest {
  @TempDir Path root;

  /** The ACPI power meter of the fixture's host, reading {@code watts}. */
  private static void wallMeter(Path sysfs, double watts) throws IOException {
    Path dir = sysfs.resolve("class/hwmon/hwmon2");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("name"), "power_meter\n");
    Files.writeString(dir.resolve("power1_average"), Long.toString((long) (watts * 1e6)) + "\n");
    Files.writeString(dir.resolve("power1_average_interval"), "1000\n");
  }

  private static Sampler sampler(KvmHostFixture f, Path sysfs, RemainderPolicy remainder) {
    HostPower power =
        new HostPower(
            PowerSourceName.parseList("acpi,rapl,estimate"),
            List.of(new AcpiPowerMeterSource(sysfs, new PlausibleWatts(20_000))),
            new EstimateSource(PowerCurve.linear("configured", "test", 100, 300)));
    // RaplMeter judges each interval by the same clock as the sampler (its plausibility ceiling).
    return new Sampler(
        f.host.procfs(),
        sysfs,
        new RaplMeter(new RaplZoneDiscovery(sysfs), java.nio.file.Files::readString, f.clock::get),
        new BusyCpuPolicy(),
        f.clock::get,
        5,
        20,
        power,
        remainder);
  }

  private static Map<String, Snapshot.Vm> vms(Snapshot s) {
    return s.vms().stream().collect(Collectors.toMap(Snapshot.Vm::vmId, v -> v));
  }

  @Test
  void proportionalRemainderMakesEveryPartAddUpToTheWall() throws IOException {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    wallMeter(f.rapl.sysfs(), 200);
    Sampler sampler = sampler(f, f.rapl.sysfs(), RemainderPolicy.PROPORTIONAL);
    sampler.sample();
    f.advanceStandardInterval();
    Snapshot s = sampler.sample();
    assertThat(s.hostPower().totalSource()).isEqualTo(PowerSourceName.ACPI);
    assertThat(s.hostWatts()).isCloseTo(200, within(1e-9));
    assertThat(s.hostPower().remainderJoules()).isCloseTo(2 * 75, within(1e-9));
    // busy-cpu on RAPL's 125 W gives VM 7 50 W and VM 8 32.5 W; the wall scales every part by
    // 200/125.
    assertThat(vms(s).get("7").watts()).isCloseTo(80, within(1e-9));
    assertThat(vms(s).get("8").watts()).isCloseTo(52, within(1e-9));
    assertThat(s.otherWatts()).isCloseTo(18, within(1e-9));
    assertThat(s.unattributedWatts()).isCloseTo(50, within(1e-9));
    SamplerTest.assertConserved(s);
    assertThat(s.domainJoules()).containsEntry("host", 400.0).containsEntry("package", 220.0);
  }

  @Test
  void vcpuRemainderGoesToVmsByReservationAndTheRestStaysUnattributed() throws IOException {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    wallMeter(f.rapl.sysfs(), 200);
    Sampler sampler = sampler(f, f.rapl.sysfs(), RemainderPolicy.VCPU);
    sampler.sample();
    f.advanceStandardInterval();
    Snapshot s = sampler.sample();
    // 75 W over max(4 CPUs, 2 + 4 + 1 vCPUs) = 7 shares; VM 9 is idle and still holds its share.
    assertThat(vms(s).get("7").watts()).isCloseTo(50 + 75.0 * 2 / 7, within(1e-9));
    assertThat(vms(s).get("8").watts()).isCloseTo(32.5 + 75.0 * 4 / 7, within(1e-9));
    assertThat(vms(s).get("9").watts()).isCloseTo(75.0 / 7, within(1e-9));
    assertThat(s.otherWatts()).isCloseTo(11.25, within(1e-9));
    SamplerTest.assertConserved(s);
  }

  @Test
  void aBogusWallMeterFallsBackToRapl() throws IOException {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    wallMeter(f.rapl.sysfs(), 4_294_967.295); // 4294967295000 µW
    Sampler sampler = sampler(f, f.rapl.sysfs(), RemainderPolicy.PROPORTIONAL);
    sampler.sample();
    f.advanceStandardInterval();
    Snapshot s = sampler.sample();
    assertThat(s.hostPower().totalSource()).isEqualTo(PowerSourceName.RAPL);
    assertThat(s.hostWatts()).isCloseTo(125, within(1e-9));
    SamplerTest.assertConserved(s);
  }

  @Test
  void withNoPowercapTreeTheHostPowerIsServedAsAnEstimate() {
    Path sysfs = root.resolve("sys-without-powercap");
    SimulatedHost host = new SimulatedHost(root.resolve("proc"), sysfs, 4);
    host.addCpuTicks(10_000, 50_000);
    SimulatedHost.Proc vm =
        host.process(
                1000,
                "qemu-kvm-one",
                "/usr/bin/qemu-kvm-one",
                "-name",
                "guest=one-7,debug-threads=on",
                "-smp",
                "2")
            .ticks(5_000);
    AtomicLong clock = new AtomicLong(1);
    HostPower power =
        new HostPower(
            PowerSourceName.parseList("acpi,rapl,estimate"),
            List.of(new AcpiPowerMeterSource(sysfs, new PlausibleWatts(20_000))),
            EstimateSource.forHost(host.procfs(), sysfs, 4, null, null));
    Sampler sampler =
        new Sampler(
            host.procfs(),
            sysfs,
            new RaplMeter(new RaplZoneDiscovery(sysfs)),
            new BusyCpuPolicy(),
            clock::get,
            5,
            20,
            power,
            RemainderPolicy.PROPORTIONAL);
    MetricsPublisher publisher =
        new MetricsPublisher(MetricsPublisher.newRegistry(), host.procfs());
    publisher.publish(sampler.sample(), 1);
    clock.addAndGet(2_000_000_000L);
    host.addCpuTicks(400, 400); // half of 4 CPUs busy for 2 s
    vm.addTicks(200);
    Snapshot s = sampler.sample();
    publisher.publish(s, 1);
    // No cpuinfo in the simulated procfs: CCF's average, 4 threads x (0.74 + 0.5 x (3.5 - 0.74)) W.
    double expected = 4 * (0.74 + 0.5 * (3.5 - 0.74));
    assertThat(s.powerAvailable()).isTrue();
    assertThat(s.hostPower().estimated()).isTrue();
    assertThat(s.hostWatts()).isCloseTo(expected, within(1e-9));
    assertThat(vms(s).get("7").watts()).isCloseTo(expected / 2, within(1e-9));
    String text = publisher.scrape("text/plain");
    assertThat(text)
        .contains("opennebula_host_power_watts{source=\"estimate\"} " + expected)
        .contains("opennebula_host_power_source{source=\"estimate\"} 1.0")
        .contains("opennebula_power_source_state{source=\"rapl\",state=\"absent\"} 1.0")
        .contains("opennebula_power_source_state{source=\"acpi\",state=\"absent\"} 1.0")
        .contains("opennebula_rapl_state{state=\"absent\"} 1.0")
        .contains(
            "opennebula_vm_power_watts{hypervisor=\"kvm\",one_vm_id=\"7\",source=\"estimate\",vmname=\"one-7\"}")
        .contains("opennebula_other_power_watts{source=\"estimate\"}");
  }
}
