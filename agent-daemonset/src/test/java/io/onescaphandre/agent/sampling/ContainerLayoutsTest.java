package io.onescaphandre.agent.sampling;

import static io.onescaphandre.agent.sampling.SamplerTest.assertConserved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.onescaphandre.agent.attribution.BusyCpuPolicy;
import io.onescaphandre.simulation.SimulatedHost;
import io.onescaphandre.simulation.SimulatedRaplTree;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cgroup layouts of OpenNebula LXC hosts and Kubernetes nodes. Every interval is 2 s at 100 W
 * (200 J) with 4 CPUs and 400 busy ticks (4 CPU-seconds), so one CPU-second of a consumer is worth
 * 25 W whenever the consumers measure less than the busy time.
 */
class ContainerLayoutsTest {
  private static final String UID_A = "8f2c1a7e-3b4d-4e5f-9a0b-1c2d3e4f5a6b";
  private static final String UID_B = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  private static final String UID_C = "f0e1d2c3-b4a5-4968-8776-655443322110";
  private static final String CID_1 =
      "1111111111111111111111111111111111111111111111111111111111111111";
  private static final String CID_2 =
      "2222222222222222222222222222222222222222222222222222222222222222";
  private static final String CID_3 =
      "3333333333333333333333333333333333333333333333333333333333333333";
  private static final String PAUSE =
      "9999999999999999999999999999999999999999999999999999999999999999";

  @TempDir Path root;
  SimulatedRaplTree rapl;
  SimulatedHost host;
  final AtomicLong clock = new AtomicLong(5_000_000_000L);

  private void host(boolean v2) {
    rapl = SimulatedRaplTree.server(root.resolve("sys"), 2);
    host = new SimulatedHost(root.resolve("proc"), root.resolve("sys"), 4);
    if (v2) {
      host.cgroupV2();
    }
    host.addCpuTicks(1_000, 9_000);
    host.process(1, "systemd", "/sbin/init")
        .cgroup(v2 ? "0::/init.scope" : "4:cpu,cpuacct:/\n0::/init.scope");
  }

  private Sampler sampler(int topConsumers) {
    return new Sampler(
        host.procfs(), rapl.sysfs(), new BusyCpuPolicy(), clock::get, 5, topConsumers);
  }

  /** 2 s at 100 W and 400 busy ticks; the consumers' own CPU is advanced by each test. */
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

  @Test
  void lxcHostOnCgroupV2() {
    host(true);
    // LXC 4+: payload and monitor cgroups; VM 13 got a retry suffix under an lxc.cgroup.dir prefix.
    SimulatedHost.Proc monitor12 =
        host.process(3990, "lxc-start", "[lxc monitor] /var/lib/lxc one-12")
            .cgroup("0::/lxc.monitor.one-12");
    SimulatedHost.Proc init12 =
        host.process(4000, "systemd", "/sbin/init").cgroup("0::/lxc.payload.one-12/init.scope");
    SimulatedHost.Proc nginx12 =
        host.process(4001, "nginx", "nginx: master process")
            .cgroup("0::/lxc.payload.one-12/system.slice/nginx.service");
    host.process(4100, "lxc-start", "[lxc monitor] /var/lib/lxc one-13")
        .cgroup("0::/lxc.one/lxc.monitor.one-13-1");
    SimulatedHost.Proc init13 =
        host.process(4101, "init", "/sbin/init").cgroup("0::/lxc.one/lxc.payload.one-13-1");
    SimulatedHost.Proc sshd =
        host.process(800, "sshd", "/usr/sbin/sshd -D").cgroup("0::/system.slice/ssh.service");
    SimulatedHost.Proc shell =
        host.process(900, "bash", "-bash").cgroup("0::/user.slice/user-0.slice/session-1.scope");
    host.cgroupV2Usage("/lxc.payload.one-12", 10_000_000L);
    host.cgroupV2Usage("/lxc.one/lxc.payload.one-13-1", 3_000_000L);
    host.cgroupV2Usage("/system.slice/ssh.service", 500_000L);
    Sampler sampler = sampler(20);
    sampler.sample();

    advance();
    monitor12.addTicks(2);
    init12.addTicks(40);
    nginx12.addTicks(60);
    init13.addTicks(50);
    sshd.addTicks(30);
    shell.addTicks(20);
    // The payload's own usage (1.2 s) also covers processes that lived between two scans.
    host.cgroupV2Usage("/lxc.payload.one-12", 11_200_000L);
    host.cgroupV2Usage("/lxc.one/lxc.payload.one-13-1", 3_500_000L);
    host.cgroupV2Usage("/system.slice/ssh.service", 800_000L);
    Snapshot s = sampler.sample();

    Map<String, Snapshot.Vm> vms = SamplerTest.byId(s);
    assertThat(vms.keySet()).containsExactlyInAnyOrder("12", "13");
    assertThat(vms.get("12").hypervisor()).isEqualTo("lxc");
    assertThat(vms.get("12").cpuSeconds()).isCloseTo(1.22, within(1e-9));
    assertThat(vms.get("12").watts()).isCloseTo(30.5, within(1e-9));
    assertThat(vms.get("13").hypervisor()).isEqualTo("lxc");
    assertThat(vms.get("13").watts()).isCloseTo(12.5, within(1e-9));
    assertThat(services(s).get("ssh.service").watts()).isCloseTo(7.5, within(1e-9));
    assertThat(s.otherWatts()).isCloseTo(5.0, within(1e-9));
    assertThat(s.unattributedWatts()).isCloseTo(44.5, within(1e-9));
    assertConserved(s);
    // The monitor process carries the instance in Scaphandre's per-process series.
    assertThat(s.processes())
        .anySatisfy(
            p -> {
              assertThat(p.pid()).isEqualTo(3990);
              assertThat(p.vmName()).isEqualTo("one-12");
              assertThat(p.watts()).isCloseTo(30.5, within(1e-9));
            });
  }

  @Test
  void lxcHostOnCgroupV1HybridWithNestedLayoutAndMonitorInAService() {
    host(false);
    // LXC 3.x on a hybrid host: lxc/one-<id>; the monitor was started over ssh without
    // pam_systemd, so it sits in ssh.service whose own usage includes it.
    SimulatedHost.Proc monitor3 =
        host.process(4990, "lxc-start", "[lxc monitor] /var/lib/lxc one-3")
            .cgroup(
                "4:cpu,cpuacct:/system.slice/ssh.service\n1:name=systemd:/system.slice/ssh.service\n0::/system.slice/ssh.service");
    SimulatedHost.Proc init3 =
        host.process(5000, "init", "/sbin/init")
            .cgroup(
                "12:pids:/lxc/one-3\n4:cpu,cpuacct:/lxc/one-3\n1:name=systemd:/lxc/one-3\n0::/lxc/one-3");
    SimulatedHost.Proc app3 =
        host.process(5001, "java", "java -jar app.jar")
            .cgroup(
                "12:pids:/lxc/one-3\n4:cpu,cpuacct:/lxc/one-3\n1:name=systemd:/lxc/one-3\n0::/lxc/one-3");
    SimulatedHost.Proc init5 =
        host.process(5100, "init", "/sbin/init")
            .cgroup("4:cpu,cpuacct:/lxc.payload/one-5\n0::/lxc.payload/one-5");
    SimulatedHost.Proc sshd =
        host.process(800, "sshd", "/usr/sbin/sshd -D")
            .cgroup("4:cpu,cpuacct:/system.slice/ssh.service\n0::/system.slice/ssh.service");
    SimulatedHost.Proc shell =
        host.process(900, "bash", "-bash").cgroup("4:cpu,cpuacct:/user.slice\n0::/user.slice");
    host.cgroupV1Usage("/lxc/one-3", 7_000_000L);
    host.cgroupV1Usage("/lxc.payload/one-5", 2_000_000L);
    host.cgroupV1Usage("/system.slice/ssh.service", 1_000_000L);
    Sampler sampler = sampler(20);
    sampler.sample();

    advance();
    monitor3.addTicks(4);
    init3.addTicks(10);
    app3.addTicks(50);
    init5.addTicks(30);
    sshd.addTicks(30);
    shell.addTicks(20);
    host.cgroupV1Usage("/lxc/one-3", 7_800_000L);
    host.cgroupV1Usage("/lxc.payload/one-5", 2_400_000L);
    host.cgroupV1Usage("/system.slice/ssh.service", 1_340_000L);
    Snapshot s = sampler.sample();

    Map<String, Snapshot.Vm> vms = SamplerTest.byId(s);
    assertThat(vms.keySet()).containsExactlyInAnyOrder("3", "5");
    assertThat(vms.get("3").cpuSeconds()).isCloseTo(0.84, within(1e-9));
    assertThat(vms.get("3").watts()).isCloseTo(21.0, within(1e-9));
    assertThat(vms.get("5").watts()).isCloseTo(10.0, within(1e-9));
    // ssh.service's 0.34 s include the monitor's 0.04 s, which went to VM 3.
    assertThat(services(s).get("ssh.service").watts()).isCloseTo(7.5, within(1e-9));
    assertThat(s.otherWatts()).isCloseTo(5.0, within(1e-9));
    assertThat(s.unattributedWatts()).isCloseTo(56.5, within(1e-9));
    assertConserved(s);
  }

  @Test
  void podsUnderTheSystemdDriverAndAContainerWhoseCgroupDisappears() {
    host(true);
    String podA = "/kubepods.slice/kubepods-pod" + UID_A.replace('-', '_') + ".slice";
    String podB =
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
            + UID_B.replace('-', '_')
            + ".slice";
    String podC =
        "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
            + UID_C.replace('-', '_')
            + ".slice";
    String a1 = podA + "/cri-containerd-" + CID_1 + ".scope";
    String b2 = podB + "/cri-containerd-" + CID_2 + ".scope";
    String bPause = podB + "/cri-containerd-" + PAUSE + ".scope";
    String c3 = podC + "/crio-" + CID_3 + ".scope";
    SimulatedHost.Proc pA = host.process(6000, "postgres", "postgres -D /data").cgroup("0::" + a1);
    SimulatedHost.Proc pB = host.process(6100, "java", "java -jar svc.jar").cgroup("0::" + b2);
    host.process(6101, "pause", "/pause").cgroup("0::" + bPause);
    SimulatedHost.Proc pC = host.process(6200, "python3", "python3 job.py").cgroup("0::" + c3);
    SimulatedHost.Proc conmon =
        host.process(6199, "conmon", "/usr/bin/conmon -c " + CID_3)
            .cgroup("0::" + podC + "/crio-conmon-" + CID_3 + ".scope");
    SimulatedHost.Proc kubelet =
        host.process(700, "kubelet", "/usr/bin/kubelet").cgroup("0::/system.slice/kubelet.service");
    host.cgroupV2Usage(a1, 50_000_000L);
    host.cgroupV2Usage(b2, 20_000_000L);
    host.cgroupV2Usage(bPause, 10_000L);
    host.cgroupV2Usage(c3, 1_000_000L);
    host.cgroupV2Usage("/system.slice/kubelet.service", 9_000_000L);
    Sampler sampler = sampler(20);
    sampler.sample();

    advance();
    pA.addTicks(90);
    pB.addTicks(40);
    pC.addTicks(30);
    conmon.addTicks(2);
    kubelet.addTicks(20);
    host.cgroupV2Usage(a1, 51_000_000L);
    host.cgroupV2Usage(b2, 20_400_000L);
    host.cgroupV2Usage(c3, 1_300_000L);
    host.cgroupV2Usage("/system.slice/kubelet.service", 9_200_000L);
    Snapshot s = sampler.sample();

    Map<String, Snapshot.Pod> pods = pods(s);
    assertThat(pods.get(UID_A + "/" + CID_1).watts()).isCloseTo(25.0, within(1e-9));
    assertThat(pods.get(UID_B + "/" + CID_2).watts()).isCloseTo(10.0, within(1e-9));
    assertThat(pods.get(UID_B + "/" + PAUSE).watts()).isZero();
    assertThat(pods.get(UID_C + "/" + CID_3).watts()).isCloseTo(7.5, within(1e-9));
    // conmon is the pod's, outside any container.
    assertThat(pods.get(UID_C + "/").watts()).isCloseTo(0.5, within(1e-9));
    assertThat(pods).doesNotContainKey("other/other");
    assertThat(services(s).get("kubelet.service").watts()).isCloseTo(5.0, within(1e-9));
    assertThat(s.vms()).isEmpty();
    assertConserved(s);

    // The job's container stops between the listing of /proc and the read of its cgroup: its
    // process is still listed, so its time comes from its ticks (0.3 s) this once.
    advance();
    pA.addTicks(90);
    pB.addTicks(40);
    pC.addTicks(30);
    host.cgroupV2Usage(a1, 52_000_000L);
    host.cgroupV2Usage(b2, 20_800_000L);
    host.removeCgroup(c3);
    Snapshot after = sampler.sample();
    assertThat(pods(after).get(UID_C + "/" + CID_3).watts()).isCloseTo(7.5, within(1e-9));
    assertThat(pods(after).get(UID_A + "/" + CID_1).watts()).isCloseTo(25.0, within(1e-9));
    assertConserved(after);

    // Then the process is gone too: the container's series go.
    host.exit(6200);
    host.exit(6199);
    advance();
    pA.addTicks(90);
    host.cgroupV2Usage(a1, 53_000_000L);
    assertThat(pods(sampler.sample())).doesNotContainKeys(UID_C + "/" + CID_3, UID_C + "/");
  }

  @Test
  void podsUnderTheCgroupfsDriverOnCgroupV1EveryQosClass() {
    host(false);
    String a1 = "/kubepods/pod" + UID_A + "/" + CID_1;
    String b2 = "/kubepods/burstable/pod" + UID_B + "/" + CID_2;
    String c3 = "/kubepods/besteffort/pod" + UID_C + "/" + CID_3;
    SimulatedHost.Proc pA =
        host.process(6000, "postgres", "postgres").cgroup("4:cpu,cpuacct:" + a1 + "\n0::" + a1);
    SimulatedHost.Proc pB =
        host.process(6100, "java", "java").cgroup("4:cpu,cpuacct:" + b2 + "\n0::" + b2);
    SimulatedHost.Proc pC =
        host.process(6200, "python3", "python3").cgroup("4:cpu,cpuacct:" + c3 + "\n0::" + c3);
    host.cgroupV1Usage(a1, 1_000_000L);
    host.cgroupV1Usage(b2, 1_000_000L);
    host.cgroupV1Usage(c3, 1_000_000L);
    Sampler sampler = sampler(20);
    sampler.sample();

    advance();
    pA.addTicks(100);
    pB.addTicks(50);
    pC.addTicks(10);
    host.cgroupV1Usage(a1, 2_200_000L);
    host.cgroupV1Usage(b2, 1_600_000L);
    host.cgroupV1Usage(c3, 1_100_000L);
    Snapshot s = sampler.sample();
    Map<String, Snapshot.Pod> pods = pods(s);
    assertThat(pods.get(UID_A + "/" + CID_1).watts()).isCloseTo(30.0, within(1e-9));
    assertThat(pods.get(UID_B + "/" + CID_2).watts()).isCloseTo(15.0, within(1e-9));
    assertThat(pods.get(UID_C + "/" + CID_3).watts()).isCloseTo(2.5, within(1e-9));
    assertThat(s.unattributedWatts()).isCloseTo(52.5, within(1e-9));
    assertConserved(s);
  }

  @Test
  void onlyTheTopNPodsHaveTheirOwnSeriesAndTheRestIsSummedMonotonically() {
    host(true);
    String[] uids = {UID_A, UID_B, UID_C};
    String[] cids = {CID_1, CID_2, CID_3};
    SimulatedHost.Proc[] procs = new SimulatedHost.Proc[3];
    String[] paths = new String[3];
    for (int i = 0; i < 3; i++) {
      paths[i] =
          "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
              + uids[i].replace('-', '_')
              + ".slice/cri-containerd-"
              + cids[i]
              + ".scope";
      procs[i] = host.process(7000 + i, "worker", "worker").cgroup("0::" + paths[i]);
      host.cgroupV2Usage(paths[i], 0);
    }
    Sampler sampler = sampler(2);
    sampler.sample();

    // A 1.2 s, B 0.8 s, C 0.4 s: A and B shown, C is the rest.
    advance();
    host.cgroupV2Usage(paths[0], 1_200_000L);
    host.cgroupV2Usage(paths[1], 800_000L);
    host.cgroupV2Usage(paths[2], 400_000L);
    Snapshot s = sampler.sample();
    Map<String, Snapshot.Pod> pods = pods(s);
    assertThat(pods.keySet())
        .containsExactlyInAnyOrder(UID_A + "/" + CID_1, UID_B + "/" + CID_2, "other/other");
    assertThat(pods.get("other/other").watts()).isCloseTo(10.0, within(1e-9));
    assertThat(pods.get("other/other").joules()).isCloseTo(20.0, within(1e-9));
    assertConserved(s);

    // C overtakes B: B joins the rest; the rest's energy only grows (by B's 0.2 s = 10 J).
    advance();
    host.cgroupV2Usage(paths[0], 2_400_000L);
    host.cgroupV2Usage(paths[1], 1_000_000L);
    host.cgroupV2Usage(paths[2], 1_400_000L);
    Snapshot next = sampler.sample();
    Map<String, Snapshot.Pod> nextPods = pods(next);
    assertThat(nextPods.keySet())
        .containsExactlyInAnyOrder(UID_A + "/" + CID_1, UID_C + "/" + CID_3, "other/other");
    assertThat(nextPods.get(UID_C + "/" + CID_3).watts()).isCloseTo(25.0, within(1e-9));
    assertThat(nextPods.get("other/other").watts()).isCloseTo(5.0, within(1e-9));
    assertThat(nextPods.get("other/other").joules()).isCloseTo(30.0, within(1e-9));
    assertConserved(next);
  }

  @Test
  void kvmAndLxcVmsAndPodsOnOneHostAddUpToTheHost() {
    host(true);
    String scope = "/machine.slice/machine-qemu\\x2d1\\x2done\\x2d40.scope";
    SimulatedHost.Proc qemu =
        host.process(
                2000,
                "qemu-kvm-one",
                "/usr/bin/qemu-kvm-one",
                "-name",
                "guest=one-40,debug-threads=on",
                "-smp",
                "2")
            .cgroup("0::" + scope + "/libvirt/emulator");
    SimulatedHost.Proc vhost = host.kernelThread(2005, "vhost-2000").ticks(10);
    SimulatedHost.Proc lxcInit =
        host.process(4000, "init", "/sbin/init").cgroup("0::/lxc.payload.one-41");
    String pod =
        "/kubepods.slice/kubepods-pod"
            + UID_A.replace('-', '_')
            + ".slice/cri-containerd-"
            + CID_1
            + ".scope";
    SimulatedHost.Proc app = host.process(6000, "app", "app").cgroup("0::" + pod);
    host.cgroupV2Usage(scope, 0);
    host.cgroupV2Usage("/lxc.payload.one-41", 0);
    host.cgroupV2Usage(pod, 0);
    Sampler sampler = sampler(20);
    sampler.sample();

    // Measured 4.2 s > busy 4 s (tick and µs clocks disagree): the denominator becomes 4.2 s.
    advance();
    qemu.addTicks(200);
    vhost.addTicks(20);
    lxcInit.addTicks(100);
    app.addTicks(80);
    host.cgroupV2Usage(scope, 2_000_000L);
    host.cgroupV2Usage("/lxc.payload.one-41", 1_000_000L);
    host.cgroupV2Usage(pod, 1_000_000L);
    Snapshot s = sampler.sample();
    Map<String, Snapshot.Vm> vms = SamplerTest.byId(s);
    assertThat(vms.get("40").hypervisor()).isEqualTo("kvm");
    assertThat(vms.get("40").watts()).isCloseTo(100.0 * 2.2 / 4.2, within(1e-9));
    assertThat(vms.get("41").hypervisor()).isEqualTo("lxc");
    assertThat(vms.get("41").watts()).isCloseTo(100.0 * 1.0 / 4.2, within(1e-9));
    assertThat(pods(s).get(UID_A + "/" + CID_1).watts()).isCloseTo(100.0 * 1.0 / 4.2, within(1e-9));
    assertThat(s.unattributedWatts()).isCloseTo(0.0, within(1e-9));
    assertConserved(s);
  }

  private static Map<String, Snapshot.Pod> pods(Snapshot s) {
    return s.pods().stream()
        .collect(Collectors.toMap(p -> p.podUid() + "/" + p.container(), Function.identity()));
  }

  private static Map<String, Snapshot.Service> services(Snapshot s) {
    return s.services().stream()
        .collect(Collectors.toMap(Snapshot.Service::unit, Function.identity()));
  }
}
