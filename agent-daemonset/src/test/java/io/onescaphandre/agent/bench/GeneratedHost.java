package io.onescaphandre.agent.bench;

import io.onescaphandre.simulation.SimulatedHost;
import io.onescaphandre.simulation.SimulatedRaplTree;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A large hypervisor for the benchmark, written as files under one directory: a 2-socket RAPL tree,
 * cgroup v2, KVM VMs in libvirt machine scopes (QEMU + a vhost kernel thread each), optionally
 * OpenNebula LXC instances (monitor + 3 payload processes), Kubernetes pods under the systemd
 * driver (pause + one containerd container each), host services and plain processes.
 */
final class GeneratedHost {
  static final int CPUS = 32;

  final SimulatedRaplTree rapl;
  final SimulatedHost host;
  final Path procfs;
  final Path sysfs;
  private final List<SimulatedHost.Proc> busy = new ArrayList<>();
  private final List<String> cgroups = new ArrayList<>();
  private final Map<String, long[]> usage = new java.util.HashMap<>();
  private final Random random = new Random(42);
  int pids;

  /** Every how many cgroups one moves in an interval: 5 (a fifth), or 1 (every consumer busy). */
  int cgroupStride = 5;

  private GeneratedHost(Path root) {
    sysfs = root.resolve("sys");
    procfs = root.resolve("proc");
    rapl = SimulatedRaplTree.server(sysfs, 2);
    host = new SimulatedHost(procfs, sysfs, CPUS).cgroupV2();
    host.addCpuTicks(1_000_000, 9_000_000);
  }

  /**
   * {@code plain} ordinary processes (in 20 services and user sessions) and {@code vms} KVM VMs.
   */
  static GeneratedHost kvm(Path root, int plain, int vms) {
    GeneratedHost g = new GeneratedHost(root);
    g.host.kernelThread(2, "kthreadd");
    g.host.process(1, "systemd", "/sbin/init").cgroup("0::/init.scope");
    g.pids = 2;
    g.plainProcesses(plain, 20);
    g.kvmVms(vms);
    return g;
  }

  /** The container host of issue 10: VMs, LXC instances, pods, plus services and processes. */
  static GeneratedHost mixed(Path root, int plain, int vms, int lxc, int pods) {
    GeneratedHost g = kvm(root, plain, vms);
    for (int i = 0; i < lxc; i++) {
      int id = 5000 + i;
      String payload = "/lxc.payload.one-" + id;
      g.proc(20_000 + i * 4, "lxc-start", "[lxc monitor] /var/lib/lxc one-" + id)
          .cgroup("0::/lxc.monitor.one-" + id);
      g.busy.add(
          g.proc(20_001 + i * 4, "systemd", "/sbin/init").cgroup("0::" + payload + "/init.scope"));
      g.proc(20_002 + i * 4, "sshd", "/usr/sbin/sshd -D")
          .cgroup("0::" + payload + "/system.slice/ssh.service");
      g.busy.add(
          g.proc(20_003 + i * 4, "nginx", "nginx: worker process")
              .cgroup("0::" + payload + "/system.slice/nginx.service"));
      g.cgroup(payload);
    }
    for (int i = 0; i < pods; i++) {
      String uid = String.format(Locale.ROOT, "%08x-0000-4000-8000-%012x", i, i);
      String slice =
          "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
              + uid.replace('-', '_')
              + ".slice";
      String pause =
          slice + "/cri-containerd-" + String.format(Locale.ROOT, "%064x", 2L * i) + ".scope";
      String app =
          slice + "/cri-containerd-" + String.format(Locale.ROOT, "%064x", 2L * i + 1) + ".scope";
      g.proc(40_000 + i * 2, "pause", "/pause").cgroup("0::" + pause);
      g.busy.add(
          g.proc(40_001 + i * 2, "app", "/usr/local/bin/app --port 8080").cgroup("0::" + app));
      g.cgroup(pause);
      g.cgroup(app);
    }
    return g;
  }

  private void plainProcesses(int count, int services) {
    for (int i = 0; i < services; i++) {
      cgroup("/system.slice/service-" + i + ".service");
    }
    for (int i = 0; i < count; i++) {
      String cgroup =
          i % 3 == 0
              ? "/user.slice/user-1000.slice/session-" + i % 7 + ".scope"
              : "/system.slice/service-" + i % services + ".service";
      SimulatedHost.Proc p =
          proc(1000 + i, "worker-" + i % 50, "/usr/bin/worker-" + i % 50 + " --id " + i)
              .cgroup("0::" + cgroup);
      if (i % 10 == 0) {
        busy.add(p);
      }
    }
  }

  private void kvmVms(int count) {
    for (int i = 0; i < count; i++) {
      int id = 100 + i;
      int pid = 10_000 + i * 8;
      String scope = "/machine.slice/machine-qemu\\x2d" + (i + 1) + "\\x2done\\x2d" + id + ".scope";
      busy.add(
          proc(
                  pid,
                  "qemu-kvm-one",
                  "/usr/bin/qemu-kvm-one",
                  "-name",
                  "guest=one-" + id + ",debug-threads=on",
                  "-S",
                  "-machine",
                  "pc-q35-7.2,usb=off",
                  "-smp",
                  (1 + i % 4) + ",sockets=1,cores=" + (1 + i % 4) + ",threads=1",
                  "-uuid",
                  String.format(Locale.ROOT, "%08x-1111-2222-3333-444455556666", i))
              .cgroup("0::" + scope + "/libvirt/emulator"));
      host.kernelThread(pid + 5, "vhost-" + pid).ticks(10);
      pids++;
      cgroup(scope);
    }
  }

  private SimulatedHost.Proc proc(int pid, String comm, String... argv) {
    pids++;
    return host.process(pid, comm, argv).ticks(100 + pid % 1000);
  }

  private void cgroup(String path) {
    usage.put(path, new long[] {1_000_000L});
    cgroups.add(path);
    host.cgroupV2Usage(path, 1_000_000L);
  }

  /**
   * One interval of {@code seconds}: about 300 W, busy processes and a fifth of the cgroups (or
   * all, see {@link #cgroupStride}) move (the files that change on a real host between two
   * samples).
   */
  void advance(double seconds) {
    rapl.addWatts(
        seconds,
        Map.of(
            "intel-rapl:0",
            140.0,
            "intel-rapl:1",
            120.0,
            "intel-rapl:0:0",
            20.0,
            "intel-rapl:1:0",
            18.0));
    long busyTicks = 0;
    for (SimulatedHost.Proc p : busy) {
      long t = random.nextInt(5);
      p.addTicks(t);
      busyTicks += t;
    }
    int start = random.nextInt(5);
    for (int i = cgroupStride == 1 ? 0 : start; i < cgroups.size(); i += cgroupStride) {
      long[] u = usage.get(cgroups.get(i));
      u[0] += random.nextInt(50_000);
      host.cgroupV2Usage(cgroups.get(i), u[0]);
    }
    long capacity = Math.round(seconds * CPUS * 100);
    host.addCpuTicks(
        Math.min(capacity, busyTicks * 2 + 100), Math.max(0, capacity - busyTicks * 2 - 100));
  }
}
