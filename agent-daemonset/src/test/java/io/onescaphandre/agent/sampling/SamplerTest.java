package io.onescaphandre.agent.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.onescaphandre.agent.attribution.BusyCpuPolicy;
import io.onescaphandre.agent.attribution.IdlePowerEstimator;
import io.onescaphandre.agent.attribution.IdleUnattributedPolicy;
import io.onescaphandre.agent.attribution.VcpuPolicy;
import io.onescaphandre.agent.rapl.RaplState;
import io.onescaphandre.simulation.SimulatedRaplTree;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplerTest {
  @TempDir Path root;

  @Test
  void firstSampleHasNoPowerYet() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    Snapshot first = f.sampler(new BusyCpuPolicy()).sample();
    assertThat(first.raplState()).isEqualTo(RaplState.OK);
    assertThat(first.powerAvailable()).isFalse();
    assertThat(first.vms()).extracting(Snapshot.Vm::vmId).containsExactly("7", "8", "9");
  }

  @Test
  void busyCpuSplitsHostPowerExactlyAndConserves() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    Sampler sampler = f.sampler(new BusyCpuPolicy());
    sampler.sample();
    f.advanceStandardInterval();
    Snapshot s = sampler.sample();

    assertThat(s.hostWatts()).isCloseTo(125.0, within(1e-9));
    Map<String, Snapshot.Vm> vms = byId(s);
    // 125 W × ticks / 400 busy ticks
    assertThat(vms.get("7").watts()).isCloseTo(50.0, within(1e-9));
    assertThat(vms.get("8").watts()).isCloseTo(32.5, within(1e-9));
    assertThat(vms.get("9").watts()).isZero();
    assertThat(s.otherWatts()).isCloseTo(11.25, within(1e-9));
    assertThat(s.unattributedWatts()).isCloseTo(31.25, within(1e-9));
    assertConserved(s);
    assertThat(vms.get("7").cpuSeconds()).isCloseTo(1.60, within(1e-9));
    assertThat(vms.get("8").cpuSeconds()).isCloseTo(1.04, within(1e-9));
    assertThat(vms).allSatisfy((id, vm) -> assertThat(vm.hypervisor()).isEqualTo("kvm"));
  }

  @Test
  void vmProcessesCarryTheirVmPowerAndTopOthersFollow() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    Sampler sampler = f.sampler(new BusyCpuPolicy());
    sampler.sample();
    f.advanceStandardInterval();
    Snapshot s = sampler.sample();
    Map<Integer, Snapshot.ProcessPower> processes =
        s.processes().stream()
            .collect(Collectors.toMap(Snapshot.ProcessPower::pid, Function.identity()));
    assertThat(processes.get(1000).vmName()).isEqualTo("one-7");
    assertThat(processes.get(1000).watts()).isCloseTo(50.0, within(1e-9));
    assertThat(processes.get(2000).vmName()).isEqualTo("one-8");
    assertThat(processes.get(3000).vmName()).isEqualTo("one-9");
    assertThat(processes).doesNotContainKeys(1005, 2003);
    assertThat(processes.get(500).watts()).isCloseTo(125.0 * 20 / 400, within(1e-9));
    assertThat(processes.get(600).cmdline()).isEqualTo("/opt/odd/bin/run --flag");
    assertThat(processes.get(1000).cmdline())
        .hasSizeLessThanOrEqualTo(128)
        .startsWith("/usr/bin/qemu-kvm-one -name guest=one-7");
  }

  @Test
  void countersStayMonotonicAcrossAWrap() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    Sampler sampler = f.sampler(new BusyCpuPolicy());
    sampler.sample();
    f.advanceStandardInterval();
    Snapshot before = sampler.sample();
    // 30 J before the wrap point; the next interval adds 120 J on package-0.
    f.rapl.setEnergy("intel-rapl:0", SimulatedRaplTree.INTEL_RANGE_UJ - 30_000_000L);
    Snapshot atEdge = sampler.sample();
    f.advanceStandardInterval();
    Snapshot after = sampler.sample();

    assertThat(f.rapl.energy("intel-rapl:0"))
        .isLessThan(SimulatedRaplTree.INTEL_RANGE_UJ - 30_000_000L);
    assertThat(after.hostJoules() - atEdge.hostJoules()).isCloseTo(250.0, within(1e-6));
    assertThat(after.hostWatts()).isCloseTo(125.0, within(1e-6));
    assertThat(after.domainJoules().get("package"))
        .isGreaterThan(before.domainJoules().get("package"));
    double zoneBefore = zone(atEdge, "intel-rapl:0");
    assertThat(zone(after, "intel-rapl:0") - zoneBefore).isCloseTo(120.0, within(1e-6));
    assertThat(byId(after).get("7").joules()).isGreaterThan(byId(before).get("7").joules());
    assertConserved(after);
  }

  @Test
  void stoppedVmDisappears() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    Sampler sampler = f.sampler(new BusyCpuPolicy());
    sampler.sample();
    f.advanceStandardInterval();
    sampler.sample();
    f.host.exit(1000);
    f.host.exit(1005);
    f.advanceStandardInterval();
    Snapshot s = sampler.sample();
    assertThat(s.vms()).extracting(Snapshot.Vm::vmId).containsExactly("8", "9");
    assertThat(s.processes()).noneMatch(p -> p.vmName().equals("one-7"));
    assertConserved(s);
  }

  @Test
  void pidReuseIsANewProcess() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    Sampler sampler = f.sampler(new BusyCpuPolicy());
    sampler.sample();
    f.advanceStandardInterval();
    sampler.sample();
    // sshd (pid 500, 140 ticks so far) exits; a new process gets pid 500 with 6 ticks of its own.
    f.host.exit(500);
    f.host.process(500, "cron", "/usr/sbin/cron").startTime(99_999).ticks(6);
    f.advanceStandardInterval();
    Snapshot s = sampler.sample();
    // Without start-time identity the delta would be 6 - 140 (clamped to 0) or a bogus 20.
    assertThat(s.otherWatts()).isCloseTo(125.0 * (6 + 16) / 400, within(1e-9));
  }

  @Test
  void idleUnattributedWithConfiguredIdleWatts() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    Sampler sampler = f.sampler(new IdleUnattributedPolicy(IdlePowerEstimator.fixed(45)));
    sampler.sample();
    f.advanceStandardInterval();
    Snapshot s = sampler.sample();
    // 80 W above idle, split by 400 busy ticks
    assertThat(byId(s).get("7").watts()).isCloseTo(80.0 * 160 / 400, within(1e-9));
    assertThat(byId(s).get("8").watts()).isCloseTo(80.0 * 104 / 400, within(1e-9));
    assertThat(s.unattributedWatts()).isCloseTo(45 + 80.0 * 100 / 400, within(1e-9));
    assertConserved(s);
  }

  @Test
  void idleUnattributedLearnsLowestPowerOverWindow() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    IdlePowerEstimator lowest = IdlePowerEstimator.lowestOver(60_000_000_000L, f.clock::get);
    Sampler sampler = f.sampler(new IdleUnattributedPolicy(lowest));
    sampler.sample();
    // A quiet interval at 70 W, then the standard one at 125 W: idle is taken as 70 W.
    f.clock.addAndGet(KvmHostFixture.INTERVAL_NANOS);
    f.rapl.addWatts(2.0, Map.of("intel-rapl:0", 35.0, "intel-rapl:1", 35.0));
    f.host.addCpuTicks(10, 790);
    sampler.sample();
    f.advanceStandardInterval();
    Snapshot s = sampler.sample();
    assertThat(byId(s).get("7").watts()).isCloseTo(55.0 * 160 / 400, within(1e-9));
    assertThat(s.unattributedWatts()).isCloseTo(70 + 55.0 * 100 / 400, within(1e-9));
    assertConserved(s);
  }

  @Test
  void vcpuPolicyReservesByAllocatedVcpus() {
    KvmHostFixture f = new KvmHostFixture(root, 16);
    Sampler sampler = f.sampler(new VcpuPolicy());
    sampler.sample();
    f.advanceStandardInterval();
    Snapshot s = sampler.sample();
    Map<String, Snapshot.Vm> vms = byId(s);
    assertThat(vms.get("7").watts()).isCloseTo(125.0 * 2 / 16, within(1e-9));
    assertThat(vms.get("8").watts()).isCloseTo(125.0 * 4 / 16, within(1e-9));
    assertThat(vms.get("9").watts()).isCloseTo(125.0 * 1 / 16, within(1e-9));
    // The remaining 70.3125 W go by busy time outside the VMs: 36 of 400 - 264 ticks.
    assertThat(s.otherWatts()).isCloseTo(70.3125 * 36 / 136, within(1e-9));
    assertConserved(s);
  }

  @Test
  void vmInLibvirtScopeUsesItsCgroupAndAddsKernelThreadsOutsideIt() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    f.host.cgroupV2();
    String scope = "/machine.slice/machine-qemu\\x2d3\\x2done\\x2d7.scope";
    f.vm7.cgroup("0::" + scope + "/libvirt/emulator");
    f.host.cgroupV2Usage(scope, 40_000_000L);
    Sampler sampler = f.sampler(new BusyCpuPolicy());
    sampler.sample();
    f.advanceStandardInterval();
    // The scope saw 1.555 s (µs precision, and a short-lived helper the process scan never saw);
    // the vhost kthread is in the root cgroup (cgroup v2 before 6.4), so its 10 ticks are added.
    f.host.cgroupV2Usage(scope, 41_555_000L);
    Snapshot s = sampler.sample();
    assertThat(byId(s).get("7").cpuSeconds()).isCloseTo(1.655, within(1e-9));
    assertThat(byId(s).get("7").watts()).isCloseTo(125.0 * 1.655 / 4.0, within(1e-9));
    assertConserved(s);
  }

  @Test
  void unreadableRaplKeepsAccountingCpu() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    io.onescaphandre.agent.rapl.RaplMeter denied =
        new io.onescaphandre.agent.rapl.RaplMeter(
            new io.onescaphandre.agent.rapl.RaplZoneDiscovery(f.rapl.sysfs()),
            file -> {
              throw new java.nio.file.AccessDeniedException(file.toString());
            });
    Sampler sampler =
        new Sampler(
            f.host.procfs(), f.rapl.sysfs(), denied, new BusyCpuPolicy(), f.clock::get, 5, 20);
    sampler.sample();
    f.advanceStandardInterval();
    Snapshot s = sampler.sample();
    assertThat(s.raplState()).isEqualTo(RaplState.UNREADABLE);
    assertThat(s.powerAvailable()).isFalse();
    assertThat(byId(s).get("7").cpuSeconds()).isCloseTo(1.6, within(1e-9));
  }

  @Test
  void absentRaplIsAState() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    Sampler sampler =
        new Sampler(
            f.host.procfs(), root.resolve("empty-sys"), new BusyCpuPolicy(), f.clock::get, 5, 20);
    sampler.sample();
    f.advanceStandardInterval();
    Snapshot s = sampler.sample();
    assertThat(s.raplState()).isEqualTo(RaplState.ABSENT);
    assertThat(s.powerAvailable()).isFalse();
    assertThat(s.vms()).hasSize(3);
  }

  static Map<String, Snapshot.Vm> byId(Snapshot s) {
    return s.vms().stream().collect(Collectors.toMap(Snapshot.Vm::vmId, Function.identity()));
  }

  static double zone(Snapshot s, String zone) {
    return s.zones().stream().filter(z -> z.zone().equals(zone)).findFirst().orElseThrow().joules();
  }

  /** VMs + pods + services + other + unattributed = host, within 0.5 %. */
  static void assertConserved(Snapshot s) {
    double sum = s.otherWatts() + s.unattributedWatts();
    sum += s.vms().stream().mapToDouble(Snapshot.Vm::watts).sum();
    sum += s.pods().stream().mapToDouble(Snapshot.Pod::watts).sum();
    sum += s.services().stream().mapToDouble(Snapshot.Service::watts).sum();
    assertThat(sum).isCloseTo(s.hostWatts(), within(s.hostWatts() * 0.005));
  }
}
