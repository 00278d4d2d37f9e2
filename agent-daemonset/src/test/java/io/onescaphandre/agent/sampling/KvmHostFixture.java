package io.onescaphandre.agent.sampling;

import io.onescaphandre.agent.attribution.AttributionPolicy;
import io.onescaphandre.simulation.SimulatedHost;
import io.onescaphandre.simulation.SimulatedRaplTree;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A 2-socket KVM hypervisor: package + dram per socket; VM 7 on OpenNebula's qemu-kvm-one with a
 * vhost kernel thread, VM 8 on RHEL's /usr/libexec/qemu-kvm with a kvm-pit thread, VM 9 idle on
 * qemu-system-x86_64, ordinary processes (one with spaces and parentheses in its name), a kworker
 * and a process that vanishes between the listing of /proc and the read of its stat.
 *
 * <p>One {@link #advanceStandardInterval()} is 2 s at 125 W (250 J) with 400 busy ticks: VM 7 uses
 * 160 ticks (qemu 150 + vhost 10), VM 8 104 (qemu 100 + kvm-pit 4), VM 9 0, other processes 36, and
 * 100 ticks go to no process.
 */
final class KvmHostFixture {
  static final long INTERVAL_NANOS = 2_000_000_000L;
  static final double HOST_WATTS = 125.0;

  final SimulatedRaplTree rapl;
  final SimulatedHost host;
  final AtomicLong clock = new AtomicLong(1_000_000_000L);
  final SimulatedHost.Proc vm7;
  final SimulatedHost.Proc vhost7;
  final SimulatedHost.Proc vm8;
  final SimulatedHost.Proc pit8;
  final SimulatedHost.Proc vm9;
  final SimulatedHost.Proc sshd;
  final SimulatedHost.Proc weird;

  /** Watts of each zone in a standard interval. */
  final Map<String, Double> zoneWatts;

  KvmHostFixture(Path root, int cpuCount) {
    this(
        root,
        cpuCount,
        SimulatedRaplTree.server(root.resolve("sys"), 2),
        Map.of(
            "intel-rapl:0",
            60.0,
            "intel-rapl:1",
            50.0,
            "intel-rapl:0:0",
            8.0,
            "intel-rapl:1:0",
            7.0));
  }

  /** The same processes on another powercap tree, whose zones draw {@code zoneWatts}. */
  KvmHostFixture(Path root, int cpuCount, SimulatedRaplTree rapl, Map<String, Double> zoneWatts) {
    Path sysfs = rapl.sysfs();
    this.rapl = rapl;
    this.zoneWatts = zoneWatts;
    host = new SimulatedHost(root.resolve("proc"), sysfs, cpuCount);
    host.addCpuTicks(10_000, 50_000);
    host.kernelThread(2, "kthreadd");
    host.kernelThread(50, "kworker/0:1-events");
    host.process(1, "systemd", "/sbin/init").ticks(900);
    vm7 =
        host.process(
                1000,
                "qemu-kvm-one",
                "/usr/bin/qemu-kvm-one",
                "-name",
                "guest=one-7,debug-threads=on",
                "-S",
                "-machine",
                "pc-q35-7.2,usb=off",
                "-smp",
                "2,sockets=1,dies=1,cores=2,threads=1",
                "-uuid",
                "5f0c7f0e-3b1e-4c55-9a8e-1d2f3a4b5c6d")
            .ticks(5_000);
    vhost7 = host.kernelThread(1005, "vhost-1000").ticks(300);
    vm8 =
        host.process(
                2000,
                "qemu-kvm",
                "/usr/libexec/qemu-kvm",
                "-name",
                "guest=one-8,debug-threads=on",
                "-smp",
                "4,sockets=1,cores=4,threads=1")
            .ticks(7_000);
    pit8 = host.kernelThread(2003, "kvm-pit/2000").ticks(40);
    vm9 =
        host.process(
                3000,
                "qemu-system-x86",
                "/usr/bin/qemu-system-x86_64",
                "-name",
                "guest=one-9,debug-threads=on",
                "-smp",
                "1")
            .ticks(800);
    sshd =
        host.process(500, "sshd", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups")
            .ticks(120);
    weird = host.process(600, "my (odd) name) x", "/opt/odd/bin/run", "--flag").ticks(77);
    host.vanishingProcess(700);
  }

  Sampler sampler(AttributionPolicy policy) {
    return new Sampler(host.procfs(), rapl.sysfs(), policy, clock::get, 5, 20);
  }

  /** Energy the zones used in one standard interval, J. */
  double intervalJoules() {
    return zoneWatts.values().stream().mapToDouble(Double::doubleValue).sum()
        * INTERVAL_NANOS
        / 1e9;
  }

  /** 2 s at 60 + 50 W packages and 8 + 7 W dram; the CPU times of the class comment. */
  void advanceStandardInterval() {
    clock.addAndGet(INTERVAL_NANOS);
    rapl.addWatts(2.0, zoneWatts);
    host.addCpuTicks(400, 400);
    vm7.addTicks(150);
    vhost7.addTicks(10);
    vm8.addTicks(100);
    pit8.addTicks(4);
    sshd.addTicks(20);
    weird.addTicks(16);
  }
}
