package io.onescaphandre.agent.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import io.onescaphandre.agent.attribution.BusyCpuPolicy;
import io.onescaphandre.agent.attribution.VcpuPolicy;
import io.onescaphandre.agent.metrics.MetricsPublisher;
import io.onescaphandre.agent.proc.ProcessScanner;
import io.onescaphandre.agent.proc.TrackedProcess;
import io.onescaphandre.agent.pseudofs.ProcFileReader;
import io.onescaphandre.simulation.SimulatedHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken processes on a moving simulated host (BENCHMARKS.md, "Faults"): samples go on,
 * and no process can make itself a VM.
 */
class HostileProcessTest {
  private static final String SCOPE_7 = "/machine.slice/machine-qemu\\x2d3\\x2done\\x2d7.scope";

  @TempDir Path root;

  @Test
  void absurdSmpAndBrokenProcFilesNeverStopSampling() throws Exception {
    KvmHostFixture f = new KvmHostFixture(root, 16);
    SimulatedHost.Proc hostile =
        f.host
            .process(
                4000,
                "qemu-kvm-one",
                "/usr/bin/qemu-kvm-one",
                "-name",
                "guest=one-40",
                "-smp",
                "99999999999")
            .ticks(10);
    // Stat lines a corrupt or hostile tree may show: numbers past a long, a truncated line, a
    // comm of parentheses, a cmdline of 64 KiB of NULs and separators.
    writeProc(
        4001,
        "4001 (x) S 99999999999999999999999 1 1 0 -1 4194560 0 0 0 0 "
            + "99999999999999999999 99999999999999999999 0 0 20 0 1 0 99999999999999999999 0\n",
        "a\0b\0");
    writeProc(4002, "4002 ((())) S 1", "\0".repeat(65_536));
    writeProc(
        4003,
        "-5 (neg) S -1 -1 -1 0 -1 0 0 0 0 0 -7 -9 0 0 20 0 1 0 -3 0\n",
        ",".repeat(10_000) + "\0-smp\0" + "9".repeat(5_000) + "\0");
    Sampler sampler = f.sampler(new VcpuPolicy());
    int samples = 0;
    sampler.sample();
    samples++;
    for (int i = 0; i < 20; i++) {
      f.advanceStandardInterval();
      hostile.addTicks(5);
      Snapshot s = sampler.sample();
      samples++;
      assertThat(s.powerAvailable()).isTrue();
      SamplerTest.assertConserved(s);
    }
    Snapshot last = sampler.sample();
    samples++;
    // No cgroups on this host: an emulator by argv[0] naming its guest is a VM, with -smp not
    // believed past QEMU's 4096 (1 vCPU).
    assertThat(SamplerTest.byId(last)).containsKey("40");
    assertThat(samples).isEqualTo(22);
    System.out.printf(
        "FAULT hostile -smp 99999999999 and broken stat/cmdline files: %d of %d samples"
            + " taken while they lived%n",
        samples, samples);
  }

  @Test
  void aProcessSeenBeforeItsExecBecomesItsVm() throws Exception {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    // Caught between fork and exec: the launcher's command line, same pid and start time after.
    SimulatedHost.Proc launcher =
        f.host.process(7000, "bash", "bash", "-c", "exec -a qemu-kvm-one bash x");
    launcher.ticks(1);
    Sampler sampler = f.sampler(new BusyCpuPolicy());
    sampler.sample();
    Files.writeString(root.resolve("proc/7000/cmdline"), "qemu-kvm-one\0x\0-name\0guest=one-70\0");
    f.advanceStandardInterval();
    assertThat(SamplerTest.byId(sampler.sample())).containsKey("70");
  }

  @Test
  void noProcessInventsAVm() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    // A plain process naming a guest: not an emulator, so no VM even on a host without cgroups.
    f.host.process(5000, "sleep", "sleep", "1000", "-name", "guest=one-99").ticks(1);
    Sampler sampler = f.sampler(new BusyCpuPolicy());
    sampler.sample();
    f.advanceStandardInterval();
    assertThat(SamplerTest.byId(sampler.sample()).keySet())
        .containsExactlyInAnyOrder("7", "8", "9");
  }

  @Test
  void withCgroupsOnlyLibvirtScopesAndLxcPayloadsMakeVms() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    f.host.cgroupV2();
    f.vm7.cgroup("0::" + SCOPE_7 + "/libvirt/emulator");
    String session = "0::/user.slice/user-1000.slice/session-4.scope";
    String userManager = "/user.slice/user-1000.slice/user@1000.service";
    // VM 8 and 9 run outside any machine scope here: by command line alone they are no VMs.
    f.vm8.cgroup(session);
    f.vm9.cgroup("0::/system.slice/fake.service");
    // Local users and pods can name processes and (delegated) cgroups as they like.
    f.host.process(5000, "sleep", "sleep", "1000", "-name", "guest=one-99").cgroup(session);
    f.host
        .process(5001, "qemu-kvm-one", "/usr/bin/qemu-kvm-one", "-name", "guest=one-98")
        .cgroup(session);
    f.host.process(5002, "x", "[lxc monitor] /var/lib/lxc one-97").cgroup(session);
    f.host
        .process(5003, "x", "x")
        .cgroup("0::" + userManager + "/machine-qemu\\x2d1\\x2done\\x2d96.scope");
    f.host.process(5004, "x", "x").cgroup("0::" + userManager + "/lxc.payload.one-95");
    f.host.process(5005, "x", "x").cgroup("0::" + userManager + "/lxc.monitor.one-94");
    f.host
        .process(5006, "qemu-kvm-one", "/usr/bin/qemu-kvm-one", "-name", "guest=one-93")
        .cgroup(
            "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + "0f0e0d0c_0b0a_0908_0706_050403020100.slice/cri-containerd-"
                + "a".repeat(64)
                + ".scope");
    // A real LXC instance, with its monitor in its monitor cgroup.
    f.host.process(6000, "init", "/sbin/init").cgroup("0::/lxc.payload.one-12");
    f.host
        .process(6001, "lxc-start", "[lxc monitor] /var/lib/lxc one-12")
        .cgroup("0::/lxc.monitor.one-12");
    Sampler sampler = f.sampler(new BusyCpuPolicy());
    sampler.sample();
    f.advanceStandardInterval();
    Snapshot s = sampler.sample();
    assertThat(SamplerTest.byId(s).keySet()).containsExactlyInAnyOrder("7", "12");
    assertThat(s.processes())
        .anySatisfy(
            p -> {
              assertThat(p.pid()).isEqualTo(6001);
              assertThat(p.vmName()).isEqualTo("one-12");
            });
    assertThat(s.processes())
        .filteredOn(p -> !p.vmName().isEmpty())
        .extracting(Snapshot.ProcessPower::vmName)
        .containsExactlyInAnyOrder("one-7", "one-12");
    SamplerTest.assertConserved(s);
  }

  @Test
  void oneProcessWhoseReadThrowsIsLeftOutAndCounted() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    ProcFileReader failingOn1000 =
        new ProcFileReader() {
          @Override
          public boolean read(String path) {
            if (path.endsWith("/1000/stat")) {
              throw new IllegalStateException("a parser defeated by pid 1000");
            }
            return super.read(path);
          }
        };
    ProcessScanner scanner = new ProcessScanner(f.host.procfs(), failingOn1000);
    for (int i = 0; i < 3; i++) {
      List<TrackedProcess> live = scanner.scan(i == 0, 1000);
      assertThat(live)
          .extracting(TrackedProcess::pid)
          .doesNotContain(1000)
          .contains(2000, 3000, 500);
    }
    assertThat(scanner.skippedProcesses()).isEqualTo(3);
  }

  @Test
  void failedSamplesAreCountedAndHealthFollowsThem() {
    KvmHostFixture f = new KvmHostFixture(root, 4);
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    long interval = 2_000_000_000L;
    SamplingHealth health = new SamplingHealth(clock::get, interval, 3);
    MetricsPublisher publisher =
        new MetricsPublisher(MetricsPublisher.newRegistry(), f.host.procfs());
    Sampler sampler = f.sampler(new BusyCpuPolicy());
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    Supplier<Snapshot> sample =
        () -> {
          if (failure.get() != null) {
            throw failure.get();
          }
          return sampler.sample();
        };
    SampleLoop loop = new SampleLoop(sample, publisher, health, clock::get);
    assertThat(health.live()).isTrue();
    assertThat(health.ready()).isFalse();
    loop.run();
    tick(f, clock, interval);
    loop.run();
    assertThat(health.ready()).isTrue();

    failure.set(new NumberFormatException("For input string: \"99999999999\""));
    for (int i = 1; i <= 3; i++) {
      tick(f, clock, interval);
      loop.run();
      // Ready while the last good sample is at most 3 intervals old; live until 3 failures in a
      // row.
      assertThat(health.ready()).as("ready after %d failures", i).isEqualTo(i < 4);
      assertThat(health.live()).as("live after %d failures", i).isEqualTo(i < 3);
    }
    tick(f, clock, interval);
    loop.run();
    assertThat(health.ready()).isFalse();
    assertThat(health.readyDetail()).startsWith("last good sample 8000 ms ago");
    assertThat(health.liveDetail()).isEqualTo("4 samples in a row failed");
    assertThat(publisher.scrape("text/plain; version=0.0.4; charset=utf-8"))
        .contains("opennebula_agent_sample_failures_total{reason=\"NumberFormatException\"} 4.0")
        .contains("opennebula_agent_samples_total 2.0");

    failure.set(null);
    tick(f, clock, interval);
    loop.run();
    assertThat(health.live()).isTrue();
    assertThat(health.ready()).isTrue();
  }

  @Test
  void aStuckTimerFailsLiveness() {
    AtomicLong clock = new AtomicLong();
    SamplingHealth health = new SamplingHealth(clock::get, 2_000_000_000L, 3);
    health.succeeded(true);
    clock.addAndGet(29_000_000_000L);
    assertThat(health.live()).isTrue();
    clock.addAndGet(2_000_000_000L);
    assertThat(health.live()).isFalse();
    assertThat(health.liveDetail()).isEqualTo("no sample ended for 31 s");
  }

  private static void tick(KvmHostFixture f, AtomicLong clock, long interval) {
    clock.addAndGet(interval);
    f.advanceStandardInterval();
  }

  private void writeProc(int pid, String stat, String cmdline) throws Exception {
    Path dir = Files.createDirectories(root.resolve("proc").resolve(Integer.toString(pid)));
    Files.writeString(dir.resolve("stat"), stat);
    Files.writeString(dir.resolve("cmdline"), cmdline);
    Files.writeString(dir.resolve("cgroup"), "0::/\n");
  }
}
