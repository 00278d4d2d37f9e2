package io.onescaphandre.agent.sampling;

import static io.onescaphandre.agent.sampling.SamplerTest.assertConserved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.onescaphandre.agent.attribution.BusyCpuPolicy;
import io.onescaphandre.simulation.SimulatedHost;
import io.onescaphandre.simulation.SimulatedRaplTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stat of a process inside a consumer's readable cgroup is read only when its ticks are needed:
 * never for a VM's processes, and for a pod's or a service's only in intervals where the cgroup
 * used CPU. Each interval is 2 s at 100 W with 400 busy ticks on 4 CPUs (25 W per CPU-second). The
 * tests remove a stat file (the directory stays listed) to show which stats are read: a read of it
 * fails and drops the process from the sample.
 */
class DeferredStatTest {
  private static final String POD =
      "/kubepods.slice/kubepods-pod8f2c1a7e_3b4d_4e5f_9a0b_1c2d3e4f5a6b.slice";
  private static final String CONTAINER =
      POD
          + "/cri-containerd-"
          + "1111111111111111111111111111111111111111111111111111111111111111.scope";
  private static final String SCOPE = "/machine.slice/machine-qemu\\x2d1\\x2done\\x2d40.scope";

  @TempDir Path root;
  SimulatedRaplTree rapl;
  SimulatedHost host;
  final AtomicLong clock = new AtomicLong(5_000_000_000L);
  Sampler sampler;

  @BeforeEach
  void host() {
    rapl = SimulatedRaplTree.server(root.resolve("sys"), 2);
    host = new SimulatedHost(root.resolve("proc"), root.resolve("sys"), 4).cgroupV2();
    host.addCpuTicks(1_000, 9_000);
    host.process(1, "systemd", "/sbin/init").cgroup("0::/init.scope");
    sampler = new Sampler(host.procfs(), rapl.sysfs(), new BusyCpuPolicy(), clock::get, 5, 20);
  }

  private void advance() {
    clock.addAndGet(2_000_000_000L);
    rapl.addWatts(
        2.0,
        Map.of(
            "intel-rapl:0",
            60.0,
            "intel-rapl:1",
            30.0,
            "intel-rapl:0:0",
            5.0,
            "intel-rapl:1:0",
            5.0));
    host.addCpuTicks(400, 400);
  }

  private void removeStat(int pid) throws IOException {
    Files.delete(host.procfs().resolve(Integer.toString(pid)).resolve("stat"));
  }

  @Test
  void aContainerProcessIsReadOnlyWhenItsCgroupUsedCpu() throws IOException {
    // pid 6001: its periodic cgroup recheck ((pid + scan) % 30 == 0) is far from these scans.
    SimulatedHost.Proc app = host.process(6001, "app", "/app").cgroup("0::" + CONTAINER).ticks(2);
    host.cgroupV2Usage(CONTAINER, 1_000_000L);
    sampler.sample();
    advance();
    sampler.sample();

    // The container used no CPU: the stat is not read, the process stays in its pod.
    removeStat(6001);
    advance();
    Snapshot idle = sampler.sample();
    assertThat(idle.pods())
        .extracting(Snapshot.Pod::container)
        .contains("1111111111111111111111111111111111111111111111111111111111111111");
    assertThat(idle.processCount()).isEqualTo(2);

    // Idle twice more, then busy: the delta is this interval's 30 ticks, not a sum over intervals.
    app.addTicks(0);
    advance();
    sampler.sample();
    advance();
    app.addTicks(30);
    host.cgroupV2Usage(CONTAINER, 1_300_000L);
    Snapshot busy = sampler.sample();
    assertThat(busy.processes())
        .filteredOn(p -> p.pid() == 6001)
        .singleElement()
        .satisfies(p -> assertThat(p.watts()).isCloseTo(7.5, within(1e-9)));
    assertThat(busy.pods().get(0).watts()).isCloseTo(7.5, within(1e-9));
    assertConserved(busy);
  }

  @Test
  void aContainerProcessWhoseCgroupUsedCpuIsRead() throws IOException {
    host.process(6001, "app", "/app").cgroup("0::" + CONTAINER).ticks(2);
    host.cgroupV2Usage(CONTAINER, 1_000_000L);
    sampler.sample();
    advance();
    sampler.sample();

    // The container used CPU: the stat is read, and its absence means the process exited.
    removeStat(6001);
    advance();
    host.cgroupV2Usage(CONTAINER, 1_100_000L);
    Snapshot s = sampler.sample();
    assertThat(s.processes()).noneMatch(p -> p.pid() == 6001);
  }

  @Test
  void vmProcessesInsideTheirScopeAreNotRead() throws IOException {
    host.process(
            2000,
            "qemu-kvm-one",
            "/usr/bin/qemu-kvm-one",
            "-name",
            "guest=one-40,debug-threads=on",
            "-smp",
            "2")
        .cgroup("0::" + SCOPE + "/libvirt/emulator")
        .ticks(100);
    SimulatedHost.Proc vhost = host.kernelThread(2005, "vhost-2000").ticks(10);
    host.cgroupV2Usage(SCOPE, 0);
    sampler.sample();
    advance();
    host.cgroupV2Usage(SCOPE, 1_000_000L);
    sampler.sample();

    // Busy or not, the VM's CPU is its scope's (+ the vhost thread outside it): QEMU's stat is
    // not read, and the VM stays with its main process.
    removeStat(2000);
    advance();
    vhost.addTicks(20);
    host.cgroupV2Usage(SCOPE, 2_000_000L);
    Snapshot s = sampler.sample();
    assertThat(s.vms())
        .singleElement()
        .satisfies(
            vm -> {
              assertThat(vm.vmId()).isEqualTo("40");
              // Cumulative: 1 s, then 1 s + 0.2 s of vhost; 1.2 of 4 busy CPU-seconds of 100 W.
              assertThat(vm.cpuSeconds()).isCloseTo(2.2, within(1e-9));
              assertThat(vm.watts()).isCloseTo(30.0, within(1e-9));
            });
    assertThat(s.processes()).anyMatch(p -> p.pid() == 2000 && p.vmName().equals("one-40"));
    assertConserved(s);
  }

  @Test
  void aPidReusedOutsideAnyConsumerAfterItsContainerStoppedIsANewProcess() {
    host.process(6001, "app", "/app").cgroup("0::" + CONTAINER).ticks(2);
    host.cgroupV2Usage(CONTAINER, 1_000_000L);
    sampler.sample();
    advance();
    sampler.sample();

    // The container stops; a session process gets pid 6001 with 6 ticks of its own.
    host.exit(6001);
    host.removeCgroup(CONTAINER);
    SimulatedHost.Proc cron =
        host.process(6001, "cron", "/usr/sbin/cron")
            .startTime(99_999)
            .ticks(6)
            .cgroup("0::/user.slice/user-1000.slice/session-1.scope");
    advance();
    Snapshot stopped = sampler.sample();
    // The pid is listed, under the old identity; the pod's cgroup is gone, so the stat is read
    // and shows another start time: none of the new process's ticks go to the pod.
    assertThat(stopped.pods()).allSatisfy(p -> assertThat(p.watts()).isZero());
    assertConserved(stopped);

    advance();
    cron.addTicks(10);
    Snapshot s = sampler.sample();
    // Read in full as new: its whole 16 ticks fall in this interval (the 6 it had a sample late,
    // where a scan that reads every stat counts them one interval earlier).
    assertThat(s.pods()).isEmpty();
    assertThat(s.otherWatts()).isCloseTo(100.0 * 16 / 400, within(1e-9));
    assertConserved(s);
  }
}
