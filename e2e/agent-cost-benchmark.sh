#!/usr/bin/env bash
# Our node agent and upstream Scaphandre 1.0.0 side by side on one simulated KVM host (issue 18):
#
#   e2e/agent-cost-benchmark.sh [--sizes 90,1090,2090] [--window 60] [--windows 4] [--warmup 40]
#                               [--jar] [--variant NAME=OPTIONS_FILE[@INTERVAL]]...
#
# Needs root (cgroups, mount namespaces), the demo jar for the simulated RAPL tree (./mvnw -B -pl demo
# -am package -DskipTests, which also builds the agent jar), Scaphandre and the /proc/modules shim from
# e2e/build-binaries.sh, gcc, python3, jq, and for the default image mode the agent image
# (images/build.sh agent) plus umoci.
#
# What it does, per host size (total processes in /proc, counting what already runs):
#  - one simulated powercap tree (e2e/lib/AgentCostRapl.java: the project's SimulatedRaplTree moved by
#    the demo's RaplSimulator, package + dram, power following this machine's CPU load), shared by
#    every agent; Scaphandre sees it as /sys/class/powercap in a mount namespace
#    (e2e/lib/scaphandre-in-namespace.sh, with the e2e /proc/modules shim);
#  - fake processes with OpenNebula command lines (e2e/lib/fake-process.c): a tenth are QEMU guests
#    (`/usr/bin/qemu-kvm-one -name guest=one-<id>,...` as libvirt starts them) in libvirt machine
#    scopes of the cpuacct hierarchy, the first --busy-vms of them burning --busy-permille of a core
#    each; half of the rest in system.slice services, half plain;
#  - our agent (default: the image's entrypoint, its java and JVM options, in a chroot of the
#    image's root file system with the host's /proc and the simulated /sys) at its default 2 s
#    interval, and `scaphandre prometheus --qemu`; all scraped at the same moment every 5 s;
#  - after the warm-up, --windows windows: CPU (utime + stime from /proc/<pid>/stat) per sample and
#    per minute, RSS, scrape latency (request to the last byte) median and p99, series, load.
# The tables go to stdout and to e2e/target/agent-cost/<UTC time>/results.md (+ results.json, logs).
# Every process it started is killed on exit, Ctrl-C or failure, and every cgroup it made removed.
#
# Options:
#   --bundle DIR          use an image already unpacked by `umoci unpack` (DIR/rootfs, DIR/config.json),
#                         e.g. one with a file added to try a JVM option before building it in
#   --jar                 run the jar with the host's java and images/jvm-options/agent.options
#                         instead of the image (no image build needed)
#   --variant N=F[@I][+J] one of our agents: named N, the JVM options of file F (one per line, '#'
#                         comments, as images/jvm-options/agent.options; empty F: the image's own),
#                         sampling every I (default 2s), the jar J (a path in the image root; default
#                         the entrypoint's). Repeatable: variants run side by side in the same run.
#                         Without it: ours=the image's own options @2s.
#   --sizes, --warmup, --window, --windows, --scrape-every, --busy-vms, --busy-permille, --services,
#   --solo-scrapes
#                         passed to e2e/lib/agent_cost_benchmark.py (see its --help)
#   ONE_SCAPHANDRE_E2E_CACHE  where e2e/build-binaries.sh put Scaphandre (default /var/cache/one-scaphandre-e2e)
set -euo pipefail
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$E2E_DIR/.." && pwd)"
CACHE="${ONE_SCAPHANDRE_E2E_CACHE:-/var/cache/one-scaphandre-e2e}"
JAR="$REPO_ROOT/agent-daemonset/target/one-scaphandre-agent.jar"
DEMO_JAR="$REPO_ROOT/demo/target/one-scaphandre-demo.jar"

die() { echo "agent-cost-benchmark: $*" >&2; exit 1; }
log() { printf '[agent-cost %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

mode=image
bundle=""
variants=()
pass=()
while (($#)); do
  case "$1" in
    --jar) mode=jar; shift ;;
    --bundle) bundle=$(cd "$2" && pwd); shift 2 ;;
    --variant) variants+=("$2"); shift 2 ;;
    --sizes|--warmup|--window|--windows|--scrape-every|--busy-vms|--busy-permille|--services|--solo-scrapes) pass+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//;/^set -euo/d'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

[[ $(id -u) -eq 0 ]] || die "needs root (cgroups, mount namespaces)"
for c in gcc python3 unshare java jq; do command -v "$c" >/dev/null || die "missing command $c"; done
[[ -f $DEMO_JAR ]] || die "$DEMO_JAR (the simulated RAPL tree) is missing: ./mvnw -B -pl demo -am package -DskipTests"
[[ $mode == image || -f $JAR ]] || die "$JAR is missing: ./mvnw -B -pl agent-daemonset -am package -DskipTests"
[[ -x $CACHE/bin/scaphandre && -f $CACHE/lib/fake-proc-modules.so ]] \
  || die "Scaphandre or the /proc/modules shim is missing under $CACHE: run e2e/build-binaries.sh"

OUT="$REPO_ROOT/e2e/target/agent-cost/$(date -u +%Y%m%dT%H%M%SZ)"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agent-cost.XXXXXX")
mkdir -p "$OUT"
SIM_PID="" PY_PID=""
cleanup() {
  local rc=$?
  if [[ -n $PY_PID ]]; then kill -TERM "$PY_PID" 2>/dev/null || true; wait "$PY_PID" 2>/dev/null || true; fi
  if [[ -n $SIM_PID ]]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
  # The agents' bind mounts lived in their own mount namespaces; nothing is mounted here.
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

gcc -O2 -Wall -o "$WORK/fake-process" "$E2E_DIR/lib/fake-process.c"

# options_json FILE -> the file's JVM options as a JSON list (same reading as images/build.sh)
options_json() {
  grep -v -e '^\s*#' -e '^\s*$' "$1" | sed 's/\s*$//' | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().split()))'
}

root_args=()
if [[ $mode == image ]]; then
  command -v umoci >/dev/null || die "missing command umoci (or use --jar)"
  if [[ -z $bundle ]]; then
    archive=$(ls "$REPO_ROOT"/target/images/one-scaphandre-agent-*.oci.tar 2>/dev/null | head -n1)
    [[ -n $archive ]] || die "no agent image under target/images: images/build.sh agent (or use --jar)"
    tag=$(basename "$archive" .oci.tar); tag=${tag#one-scaphandre-agent-}
    mkdir -p "$WORK/layout"
    tar -C "$WORK/layout" -xf "$archive"
    bundle="$WORK/bundle"
    umoci unpack --image "$WORK/layout:one-scaphandre-agent:$tag" "$bundle" >/dev/null
  fi
  ROOT="$bundle/rootfs"
  root_args=(--root "$ROOT")
  # The image's entrypoint: java, its options, -jar, the jar.
  entry=$(jq -c '.process.args' "$bundle/config.json")
  java_in=$(jq -r '.[0]' <<<"$entry")
  jar_in=$(jq -r 'index("-jar") as $i | .[$i + 1]' <<<"$entry")
  image_opts=$(jq -c 'index("-jar") as $i | .[1:$i]' <<<"$entry")
  log "image ${archive:-$bundle}: $(jq -r 'join(" ")' <<<"$entry")"
else
  java_in=$(command -v java); jar_in=$JAR
  image_opts=$(options_json "$REPO_ROOT/images/jvm-options/agent.options")
fi

variant_args=()
if ((${#variants[@]} == 0)); then variants=("ours=@2s"); fi
for v in "${variants[@]}"; do
  name=${v%%=*}; rest=${v#*=}
  jar=$jar_in
  if [[ $rest == *+* ]]; then jar=${rest##*+}; rest=${rest%+*}; fi
  file=${rest%@*}; interval=2s
  [[ $rest == *@* ]] && interval=${rest##*@}
  if [[ -z $file ]]; then opts=$image_opts; else [[ -f $file ]] || die "no options file $file"; opts=$(options_json "$file"); fi
  variant_args+=(--variant "$name=$(jq -nc --arg j "$java_in" --arg r "$jar" --argjson o "$opts" --arg i "$interval" \
    '{java: $j, jar: $r, options: $o, interval: $i}')")
done

# One simulated powercap tree for every agent (class-only layout: Scaphandre is given class/powercap
# alone); fs/cgroup is where each agent's namespace binds the host's cgroups.
SYS="$WORK/sys"
mkdir -p "$SYS/fs/cgroup"
coproc SIM { exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx32m -cp "$DEMO_JAR" \
  "$E2E_DIR/lib/AgentCostRapl.java" "$SYS" 2>&1; }
SIM_PID=$SIM_PID
read -r -t 90 line <&"${SIM[0]}" || die "the simulated RAPL tree did not start"
[[ $line == *ready* ]] || die "simulated RAPL tree: $line"
printf '%s\n' "intel_rapl_msr 20480 0 - Live 0x0000000000000000" \
  "intel_rapl_common 36864 1 intel_rapl_msr, Live 0x0000000000000000" >"$WORK/proc-modules"

log "results in $OUT"
python3 "$E2E_DIR/lib/agent_cost_benchmark.py" "${variant_args[@]}" "${root_args[@]}" \
  --sysfs "$SYS" --scaphandre-powercap "$SYS/class/powercap" --scaphandre "$CACHE/bin/scaphandre" \
  --shim "$CACHE/lib/fake-proc-modules.so" --modules "$WORK/proc-modules" \
  --namespace-script "$E2E_DIR/lib/scaphandre-in-namespace.sh" --fake-process "$WORK/fake-process" \
  --out "$OUT" "${pass[@]}" &
PY_PID=$!
wait "$PY_PID"
PY_PID=""
