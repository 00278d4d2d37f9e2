"""Side-by-side cost of our node agent and upstream Scaphandre on one simulated KVM host.
Run through e2e/agent-cost-benchmark.sh, which finds the binaries and builds the helper; this file
does the measuring. See docs/benchmarks/agent-vs-scaphandre.md for what each figure means.

Per host size (total processes in /proc, counting what already runs): fake processes with
OpenNebula command lines (QEMU guests in libvirt machine scopes of the cpuacct hierarchy, a few of
them busy; services in system.slice units; plain processes), then every agent started on the same
simulated powercap tree, all scraped at the same moment every --scrape-every seconds. After a
warm-up, --windows windows of --window seconds each: per agent, CPU (utime + stime of
/proc/<pid>/stat) per sample and per minute, RSS, scrape latency (request to last byte), series.
Every process started here is killed on the way out (normal end, failure, Ctrl-C, SIGTERM); the
fake processes and agents also die with this process if it is killed outright (PR_SET_PDEATHSIG).
"""
import argparse
import concurrent.futures
import ctypes
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
LIBC = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1
CPUACCT = "/sys/fs/cgroup/cpuacct"


def die_with_parent():
    LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def log(msg):
    print(time.strftime("[agent-cost %H:%M:%S] ", time.gmtime()) + msg, file=sys.stderr, flush=True)


def pid_count():
    return sum(1 for e in os.listdir("/proc") if e.isdigit())


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat", "rb") as f:
        data = f.read()
    fields = data[data.rindex(b")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def scrape(port, timeout=30.0):
    """Returns (seconds from request to the last byte, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        start = time.perf_counter()
        conn.request("GET", "/metrics")
        resp = conn.getresponse()
        body = resp.read()
        elapsed = time.perf_counter() - start
        if resp.status != 200:
            raise RuntimeError(f"HTTP {resp.status}")
        return elapsed, body.decode("utf-8", "replace")
    finally:
        conn.close()


def series(body):
    return sum(1 for line in body.splitlines() if line and not line.startswith("#"))


def metric_sum(body, name):
    """Sum of the samples of one metric name (no labels needed), None when absent."""
    total, seen = 0.0, False
    for line in body.splitlines():
        if line.startswith(name) and (len(line) == len(name) or line[len(name)] in " {"):
            total += float(line.rsplit(" ", 1)[1])
            seen = True
    return total if seen else None


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, int(-(-p * len(ordered) // 100)))  # nearest rank
    return ordered[rank - 1]


class Agent:
    """One exporter under test: a process, its port, how to count its samples."""

    def __init__(self, name, kind, command, port, interval_s, ready_metric):
        self.name, self.kind, self.command, self.port = name, kind, command, port
        self.interval_s, self.ready_metric = interval_s, ready_metric
        self.proc = None
        self.log = None
        self.latencies = []
        self.solo_latencies = []
        self.last_body = ""
        self.scrapes = 0
        self.failures = 0
        self.startup = {}

    def start(self, log_path):
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        self.started = time.monotonic()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log:
            self.log.close()

    def await_ready(self, timeout):
        """Waits for the first answer holding the ready metric; records startup wall time and CPU.
        Scaphandre measures when scraped and refreshes only if more than 2 s passed since the
        previous request (its issue #434): it is asked every 3 s, ours every 0.1 s."""
        pause = 3.0 if self.kind == "scaphandre" else 0.1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} (log: {self.log.name})")
            try:
                _, body = scrape(self.port, timeout=10)
                if self.ready_metric in body:
                    self.startup = {"ready_s": time.monotonic() - self.started,
                                    "ready_cpu_ms": cpu_ticks(self.proc.pid) * 1000 / CLK_TCK,
                                    "ready_rss_kib": rss_kib(self.proc.pid)}
                    return
            except (OSError, RuntimeError, http.client.HTTPException):
                pass
            time.sleep(pause)
        raise RuntimeError(f"{self.name} did not report {self.ready_metric} within {timeout} s (log: {self.log.name})")

    def scrape_once(self, record):
        try:
            elapsed, body = scrape(self.port)
        except (OSError, RuntimeError, http.client.HTTPException) as e:
            self.failures += 1
            log(f"{self.name}: scrape failed: {e}")
            return
        self.last_body = body
        self.scrapes += 1
        if record:
            self.latencies.append(elapsed)

    def counters(self):
        """(CPU ticks, samples so far or None) now."""
        samples = None
        if self.kind == "ours":
            samples = metric_sum(self.last_body, "opennebula_agent_samples_total")
        return cpu_ticks(self.proc.pid), samples


class FakeHost:
    """The processes of a simulated KVM host, and the cgroups they sit in."""

    def __init__(self, binary, busy_vms, busy_permille, services):
        self.binary, self.busy_vms, self.busy_permille = binary, busy_vms, busy_permille
        self.services = services
        self.procs = []
        self.cgroups = []  # created by us, removed in reverse order
        self.devnull = open(os.devnull, "wb")
        self.next_vm = 0

    def _mkdir(self, path):
        if not os.path.isdir(path):
            os.mkdir(path)
            self.cgroups.append(path)

    def _spawn(self, argv, cgroup=None, busy=0):
        env = {"FAKE_PARENT_PID": str(os.getpid())}
        if busy:
            env["FAKE_BUSY_PERMILLE"] = str(busy)
        p = subprocess.Popen(argv, executable=self.binary, env=env, stdin=self.devnull,
                             stdout=self.devnull, stderr=self.devnull, close_fds=True)
        self.procs.append(p)
        if cgroup:
            with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
                f.write(str(p.pid))

    def grow(self, count):
        """Adds `count` processes (at least busy_vms): a tenth QEMU guests (the first busy_vms
        busy), the rest split between services and plain processes."""
        # The busy guests are there at every size, even where they overshoot a small target: the
        # load they put on the machine must be the same in every row.
        count = max(count, self.busy_vms)
        have_cpuacct = os.path.isdir(CPUACCT)
        vms = max(self.busy_vms, count // 10)
        others = count - vms
        if have_cpuacct:
            self._mkdir(f"{CPUACCT}/machine.slice")
            self._mkdir(f"{CPUACCT}/system.slice")
        for _ in range(vms):
            n = self.next_vm
            self.next_vm += 1
            vm_id = 100 + n
            scope = None
            if have_cpuacct:
                scope = f"{CPUACCT}/machine.slice/machine-qemu\\x2d{n + 1}\\x2done\\x2d{vm_id}.scope"
                self._mkdir(scope)
            busy = self.busy_permille if n < self.busy_vms else 0
            self._spawn(qemu_argv(vm_id, n), scope, busy)
        for i in range(others):
            if i % 2 == 0 and have_cpuacct and self.services:
                unit = f"one-bench-{(i // 2) % self.services}.service"
                cg = f"{CPUACCT}/system.slice/{unit}"
                self._mkdir(cg)
                self._spawn([f"/usr/sbin/one-bench-svc-{(i // 2) % self.services}", "--foreground", "--config", "/etc/one/bench.conf"], cg)
            else:
                self._spawn(["/usr/bin/one-bench-worker", f"--slot={i}"])

    def clear(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
        for p in self.procs:
            p.wait()
        self.procs = []
        self.next_vm = 0
        for path in reversed(self.cgroups):
            try:
                os.rmdir(path)
            except OSError as e:
                log(f"cannot remove cgroup {path}: {e}")
        self.cgroups = []


def qemu_argv(vm_id, n):
    """The command line libvirt gives an OpenNebula KVM guest (one-<id>)."""
    uuid = f"{vm_id:08x}-0000-4000-8000-{n:012x}"
    return [
        "/usr/bin/qemu-kvm-one", "-name", f"guest=one-{vm_id},debug-threads=on", "-S",
        "-object", json.dumps({"qom-type": "secret", "id": "masterKey0", "format": "raw",
                               "file": f"/var/lib/libvirt/qemu/domain-{n + 1}-one-{vm_id}/master-key.aes"}),
        "-machine", "pc-i440fx-7.2,usb=off,dump-guest-core=off,memory-backend=pc.ram",
        "-accel", "kvm", "-cpu", "host,migratable=on", "-m", "2048",
        "-object", '{"qom-type":"memory-backend-ram","id":"pc.ram","size":2147483648}',
        "-overcommit", "mem-lock=off", "-smp", "2,sockets=2,cores=1,threads=1", "-uuid", uuid,
        "-no-user-config", "-nodefaults", "-chardev", "socket,id=charmonitor,fd=31,server=on,wait=off",
        "-mon", "chardev=charmonitor,id=monitor,mode=control", "-rtc", "base=utc", "-no-shutdown",
        "-boot", "strict=on",
        "-blockdev", json.dumps({"driver": "file", "filename": f"/var/lib/one//datastores/0/{vm_id}/disk.0",
                                 "node-name": "libvirt-2-storage", "auto-read-only": True, "discard": "unmap"}),
        "-device", "virtio-blk-pci,bus=pci.0,addr=0x4,drive=libvirt-2-format,id=virtio-disk0,bootindex=1",
        "-netdev", "tap,fd=33,vhost=on,vhostfd=34,id=hostnet0",
        "-device", f"virtio-net-pci,netdev=hostnet0,id=net0,mac=02:00:0a:00:{n // 256 % 256:02x}:{n % 256:02x},bus=pci.0,addr=0x3",
        "-vnc", f"0.0.0.0:{vm_id},password=on", "-device", "cirrus-vga,id=video0,bus=pci.0,addr=0x2",
        "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny", "-msg", "timestamp=on",
    ]


def variant_command(spec, args, port):
    """Our agent's command: the image's entrypoint (in a chroot of its root file system) or the
    jar with an options file, on the simulated /sys whose fs/cgroup is the host's cgroups."""
    sys_dir = args.sysfs
    java_opts = spec["options"]
    inner = [spec["java"], *java_opts, "-jar", spec["jar"], "run",
             "--path.sysfs", "/sys" if args.root else sys_dir,
             "--web.listen-address", f"127.0.0.1:{port}", "--interval", spec["interval"]]
    if args.root:
        # A private mount namespace: the image's root with the host's /proc and the simulated /sys
        # (its fs/cgroup the host's cgroup mounts), as the DaemonSet's hostPID pod sees them.
        script = ('set -e; r=$1; s=$2; shift 2; mount --rbind /sys/fs/cgroup "$s/fs/cgroup"; '
                  'mount --rbind /proc "$r/proc"; mount --rbind /dev "$r/dev"; mount --rbind "$s" "$r/sys"; exec chroot "$r" "$@"')
        return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", args.root, sys_dir, *inner]
    script = 'set -e; s=$1; shift; mount --rbind /sys/fs/cgroup "$s/fs/cgroup"; exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", sys_dir, *inner]


def parse_duration_s(text):
    units = {"ms": 0.001, "s": 1, "m": 60}
    for suffix in ("ms", "s", "m"):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * units[suffix]
    return float(text)


def measure_size(target, args, variants, host, out_dir):
    agents = []
    port = args.base_port
    for spec in variants:
        agents.append(Agent(spec["name"], "ours", variant_command(spec, args, port), port,
                            parse_duration_s(spec["interval"]), "opennebula_host_energy_joules_total"))
        port += 1
    scaph = Agent("scaphandre", "scaphandre",
                  [args.namespace_script, args.scaphandre_powercap, args.shim, args.modules, args.scaphandre,
                   "prometheus", "--address", "127.0.0.1", "--port", str(port), "--qemu"],
                  port, args.scrape_every, "scaph_host_power_microwatts")
    agents.append(scaph)

    before = pid_count()
    host.grow(target - before - len(agents))
    log(f"size {target}: {before} processes were running, {len(host.procs)} fake processes added")
    try:
        for a in agents:
            a.start(os.path.join(out_dir, f"{a.name}-{target}.log"))
        for a in agents:
            a.await_ready(120)
            log(f"{a.name} ready after {a.startup['ready_s']:.1f} s, {a.startup['ready_cpu_ms']:.0f} ms CPU")
        pids = pid_count()
        log(f"size {target}: {pids} processes in /proc with every agent running")

        pool = concurrent.futures.ThreadPoolExecutor(len(agents))
        windows = []
        total = args.warmup + args.windows * args.window
        start = time.monotonic()
        next_scrape = start
        window_start = None
        window_index = -1
        while True:
            for a in agents:
                if not a.alive():
                    raise RuntimeError(f"{a.name} exited during the run (log: {a.log.name})")
            record = window_index >= 0
            list(pool.map(lambda a: a.scrape_once(record), agents))
            # Window bookkeeping right after a scrape: ours' samples counter is then as fresh as the
            # CPU ticks read with it.
            now = time.monotonic()
            if now - start >= args.warmup and window_index < 0:
                window_index = 0
                window_start = snapshot(agents)
            elif window_index >= 0 and now - window_start["t"] >= args.window - 1:
                end = snapshot(agents)
                windows.append(window_figures(agents, window_start, end))
                log(f"size {target} window {len(windows)}: " + ", ".join(
                    f"{a.name} {windows[-1][a.name]['cpu_ms_per_sample']:.1f} ms/sample" for a in agents))
                window_start = end
                if len(windows) == args.windows:
                    break
            if now - start > total + 10 * args.window:
                raise RuntimeError("the run took far longer than planned")
            next_scrape += args.scrape_every
            time.sleep(max(0.0, next_scrape - time.monotonic()))
        pool.shutdown()
        # Then each of ours alone, nobody else scraped: the latency of serving, without the burst
        # of Scaphandre measuring at the same moment.
        for a in agents:
            if a.kind == "ours":
                for _ in range(args.solo_scrapes):
                    time.sleep(0.25)
                    a.solo_latencies.append(scrape(a.port)[0])
        for a in agents:
            with open(os.path.join(out_dir, f"{a.name}-{target}.metrics"), "w") as f:
                f.write(a.last_body)
        return summarise(target, pids, agents, windows)
    finally:
        for a in agents:
            a.stop()
        host.clear()
        log(f"size {target}: agents and fake processes stopped")


def snapshot(agents):
    snap = {"t": time.monotonic(), "load": loadavg()}
    for a in agents:
        ticks, samples = a.counters()
        snap[a.name] = {"ticks": ticks, "samples": samples, "scrapes": a.scrapes, "rss": rss_kib(a.proc.pid)}
    return snap


def window_figures(agents, start, end):
    seconds = end["t"] - start["t"]
    figures = {"load": end["load"], "seconds": seconds}
    for a in agents:
        s, e = start[a.name], end[a.name]
        cpu_ms = (e["ticks"] - s["ticks"]) * 1000 / CLK_TCK
        if a.kind == "ours" and s["samples"] is not None and e["samples"] is not None:
            samples = e["samples"] - s["samples"]
        elif a.kind == "ours":
            samples = seconds / a.interval_s  # counter missing: samples from the interval
        else:
            samples = e["scrapes"] - s["scrapes"]  # Scaphandre measures when scraped
        figures[a.name] = {
            "cpu_ms": cpu_ms,
            "samples": samples,
            "scrapes": e["scrapes"] - s["scrapes"],
            "cpu_ms_per_sample": cpu_ms / samples if samples else float("nan"),
            "cpu_ms_per_scrape": cpu_ms / (e["scrapes"] - s["scrapes"]) if e["scrapes"] > s["scrapes"] else float("nan"),
            "cpu_ms_per_minute": cpu_ms * 60 / seconds,
            "rss_mib": e["rss"] / 1024,
        }
    return figures


def summarise(target, pids, agents, windows):
    result = {"target": target, "pids": pids, "windows": windows,
              "load_median": statistics.median(w["load"] for w in windows),
              "load_min": min(w["load"] for w in windows), "load_max": max(w["load"] for w in windows),
              "agents": {}}
    for a in agents:
        per = [w[a.name] for w in windows]
        lat = [x * 1000 for x in a.latencies]
        solo = [x * 1000 for x in a.solo_latencies]
        result["agents"][a.name] = {
            "kind": a.kind,
            "interval_s": a.interval_s,
            "cpu_ms_per_sample": statistics.median(p["cpu_ms_per_sample"] for p in per),
            "cpu_ms_per_sample_all": [round(p["cpu_ms_per_sample"], 2) for p in per],
            "cpu_ms_per_minute": statistics.median(p["cpu_ms_per_minute"] for p in per),
            "samples_per_window": statistics.median(p["samples"] for p in per),
            "rss_mib": statistics.median(p["rss_mib"] for p in per),
            "rss_mib_max": max(p["rss_mib"] for p in per),
            "scrape_ms_median": statistics.median(lat) if lat else float("nan"),
            "scrape_ms_p99": percentile(lat, 99),
            "scrape_ms_max": max(lat) if lat else float("nan"),
            "solo_scrape_ms_median": statistics.median(solo) if solo else float("nan"),
            "solo_scrape_ms_p99": percentile(solo, 99),
            "scrapes": len(lat),
            "scrape_failures": a.failures,
            "series": series(a.last_body),
            "body_bytes": len(a.last_body.encode()),
            "startup": a.startup,
        }
    return result


def markdown(results, variants):
    names = [v["name"] for v in variants]
    lines = [
        "| processes (in /proc) | agent | interval | CPU ms per sample | CPU ms per minute | RSS MiB | scrape median / p99 ms (alone) | series | startup s / CPU ms | load 1 min |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for name in names + ["scaphandre"]:
            a = r["agents"][name]
            interval = f"{a['interval_s']:g} s" + (" (per scrape)" if a["kind"] == "scaphandre" else "")
            lines.append(
                f"| {r['target']} ({r['pids']}) | {name} | {interval} | {a['cpu_ms_per_sample']:.1f} "
                f"({'/'.join(f'{x:.1f}' for x in a['cpu_ms_per_sample_all'])}) | {a['cpu_ms_per_minute']:.0f} | "
                f"{a['rss_mib']:.1f} | {a['scrape_ms_median']:.1f} / {a['scrape_ms_p99']:.1f}"
                + (f" ({a['solo_scrape_ms_median']:.1f} / {a['solo_scrape_ms_p99']:.1f})" if a["kind"] == "ours" else "")
                + f" | {a['series']} | "
                f"{a['startup'].get('ready_s', float('nan')):.1f} / {a['startup'].get('ready_cpu_ms', float('nan')):.0f} | "
                f"{r['load_median']:.1f} ({r['load_min']:.1f}-{r['load_max']:.1f}) |")
    lines += ["", "| processes | agent | CPU per sample / Scaphandre's | CPU per minute / Scaphandre's | RSS / Scaphandre's |",
              "|---:|---|---:|---:|---:|"]
    for r in results:
        s = r["agents"]["scaphandre"]
        for name in names:
            a = r["agents"][name]
            lines.append(f"| {r['target']} | {name} | {a['cpu_ms_per_sample'] / s['cpu_ms_per_sample']:.2f} | "
                         f"{a['cpu_ms_per_minute'] / s['cpu_ms_per_minute']:.2f} | {a['rss_mib'] / s['rss_mib']:.2f} |")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--variant", action="append", required=True,
                   help="NAME=JSON with java, jar, options (list), interval: one of our agents")
    p.add_argument("--root", help="image root file system to chroot our agents into (image mode)")
    p.add_argument("--sysfs", required=True, help="simulated sysfs (simulate-rapl's tree, fs/cgroup empty)")
    p.add_argument("--scaphandre-powercap", required=True)
    p.add_argument("--scaphandre", required=True)
    p.add_argument("--shim", required=True)
    p.add_argument("--modules", required=True)
    p.add_argument("--namespace-script", required=True)
    p.add_argument("--fake-process", required=True)
    p.add_argument("--sizes", default="90,1090,2090")
    p.add_argument("--warmup", type=float, default=40)
    p.add_argument("--window", type=float, default=60)
    p.add_argument("--windows", type=int, default=4)
    p.add_argument("--scrape-every", type=float, default=5)
    p.add_argument("--busy-vms", type=int, default=4)
    p.add_argument("--busy-permille", type=int, default=200)
    p.add_argument("--services", type=int, default=20)
    p.add_argument("--solo-scrapes", type=int, default=40,
                   help="scrapes of each of ours alone after the windows (latency without Scaphandre)")
    p.add_argument("--base-port", type=int, default=19100)
    p.add_argument("--out", required=True)
    args = p.parse_args()

    variants = []
    for v in args.variant:
        name, _, spec = v.partition("=")
        spec = json.loads(spec)
        spec["name"] = name
        variants.append(spec)

    def stop(signum, _frame):
        # Once: a second signal must not interrupt the cleanup of the first.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGINT, stop)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    host = FakeHost(args.fake_process, args.busy_vms, args.busy_permille, args.services)
    results = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            results.append(measure_size(size, args, variants, host, args.out))
            with open(os.path.join(args.out, "results.json"), "w") as f:
                json.dump(results, f, indent=1)
            with open(os.path.join(args.out, "results.md"), "w") as f:
                f.write(markdown(results, variants))
    finally:
        host.clear()
    sys.stdout.write(markdown(results, variants))


if __name__ == "__main__":
    main()
