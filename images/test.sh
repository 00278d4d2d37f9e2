#!/usr/bin/env bash
# Tests the images themselves, not only the jars:
#
#   images/test.sh            (needs root; run images/build.sh first, and ./mvnw package for the .deb)
#
# Each OCI archive in target/images is unpacked with `umoci unpack` into an OCI runtime bundle and
# run with `runc`:
#  - both: labels, layout (jar in its own layer, no package manager, docs or locales), size under
#    150 MB uncompressed, the jlink runtime starts, the entrypoint runs the jar;
#  - agent: `modprobe` is there for the init step; the agent runs with the host's PID namespace and
#    network (those two namespaces are removed from config.json, as hostPID/hostNetwork-style ports
#    in the DaemonSet) and a simulated powercap /sys bind-mounted, on a free loopback port, and is
#    scraped on /metrics; its RSS inside the image is measured;
#  - operator: `render --monitor F --nodes F` runs from the image with the files bind-mounted.
# Root file systems are read-only, as in the DaemonSet and the operator Deployment.
#
# Why runc and not podman or crun: on these build machines no process may raise an rlimit, and
# crun rejects the host's hybrid cgroup layout (cgroup v1 controllers plus an empty cgroup2 at
# /sys/fs/cgroup/unified). Checked with podman 4.3.1, runc 1.1.5 and crun 1.8.1 (Debian bookworm):
#   podman run --runtime runc  -> "runc create failed: unable to start container process: error during
#     container init: error setting rlimits for ready process: error setting rlimit type 7: operation
#     not permitted: OCI permission denied" (type 6, NPROC, with --ulimit nofile=1024:1024; same with
#     --ulimit host), because podman always asks for higher limits than the machine's 20000 open files;
#   podman run --runtime crun  -> "crun: setrlimit `RLIMIT_NOFILE`: Operation not permitted: OCI
#     permission denied";
#   crun run -b BUNDLE         -> "cgroups in hybrid mode not supported, drop all controllers from cgroupv2".
# An umoci bundle asks only for RLIMIT_NOFILE 1024 (a lowering, which is allowed), and runc
# handles the hybrid layout, so `runc run` works as is. `podman load` of the archives works.
#
# Behaviour checks that need the real jars (the agent serving /metrics, the operator's render) ask
# the jar first (`run --help` must list --web.listen-address, `render --help` must list --monitor
# and --nodes); a placeholder jar makes them SKIP with the reason, never PASS.
#   IMAGE_TEST_STRICT=1  turns those SKIPs into FAILs (for when the real jars are in).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/test-host-service.sh"

MAX_IMAGE_BYTES=$((150 * 1000 * 1000))
STRICT=${IMAGE_TEST_STRICT:-0}
REPORT="$OUT_DIR/test-report.txt"

PASSED=0 FAILED=0 SKIPPED=0
pass() { PASSED=$((PASSED + 1)); printf 'PASS  %s\n' "$1" | tee -a "$REPORT"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL  %s: %s\n' "$1" "$2" | tee -a "$REPORT"; }
skip() {
  if [[ $STRICT == 1 ]]; then fail "$1" "(strict) $2"; return; fi
  SKIPPED=$((SKIPPED + 1)); printf 'SKIP  %s: %s\n' "$1" "$2" | tee -a "$REPORT"
}
measure() { printf 'MEASURE  %s\n' "$1" | tee -a "$REPORT"; }
check() {   # check NAME COMMAND... : PASS when the command succeeds, FAIL with its output otherwise
  local name=$1 out; shift
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(head -c 600 <<<"$out")"; fi
}

WORK=""
CONTAINERS=()
cleanup() {
  local id pid
  for pid in "${HOST_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for id in "${CONTAINERS[@]}"; do
    runc --root "$WORK/runc" kill "$id" KILL >/dev/null 2>&1 || true
    runc --root "$WORK/runc" delete --force "$id" >/dev/null 2>&1 || true
  done
  [[ -z $WORK ]] || rm -rf "$WORK"
}

# unpack IMAGE -> bundle directory (rootfs + config.json), from the archive build.sh wrote
unpack() {
  local image=$1 archive layout bundle
  archive=$(image_archive "$image")
  layout="$WORK/layout-$image"; bundle="$WORK/bundle-$image"
  mkdir -p "$layout"
  tar -C "$layout" -xf "$archive"
  umoci unpack --image "$layout:$(image_ref "$image")" "$bundle" >/dev/null
  rm -rf "$layout"
  echo "$bundle"
}

# bundle_copy BUNDLE NAME JQ_FILTER -> a new bundle using BUNDLE's rootfs, config.json edited by
# the filter. Every run is read-only, without a terminal, and under a fresh container id.
bundle_copy() {
  local bundle=$1 name=$2 filter=$3 dest="$WORK/run-$2"
  mkdir -p "$dest"
  jq ".process.terminal = false | .root.readonly = true | .root.path = \"$bundle/rootfs\" | $filter" \
    "$bundle/config.json" >"$dest/config.json"
  echo "$dest"
}

# run_once BUNDLE NAME JQ_FILTER -> the container's output (stdout and stderr); its status is runc's
run_once() {
  local dest id
  dest=$(bundle_copy "$1" "$2" "$3")
  id="one-scaphandre-image-test-$2-$$"
  timeout 120 runc --root "$WORK/runc" run --bundle "$dest" "$id" 2>&1 </dev/null
}

entrypoint_args() {   # the image's entrypoint as a jq array, extended by the words given
  local bundle=$1; shift
  local extra='[]'
  (($# == 0)) || extra=$(printf '%s\n' "$@" | jq -R . | jq -cs .)
  jq -c --argjson extra "$extra" '(.process.args | index("-jar") as $i | .[:$i + 2]) + $extra' "$bundle/config.json"
}

# ------------------------------------------------------------------------------- both images
static_checks() {
  local image=$1 bundle=$2 rootfs="$2/rootfs" jar size
  jar=$(basename "$(jar_path "$image")")
  local ann; ann=$(jq -r '.annotations' "$bundle/config.json")
  local key
  for key in source version revision licenses title description created; do
    if [[ $(jq -r --arg k "org.opencontainers.image.$key" '.[$k] // ""' <<<"$ann") == "" ]]; then
      fail "$image: OCI label $key" "missing"; return
    fi
  done
  if [[ $(jq -r '.["org.opencontainers.image.licenses"]' <<<"$ann") == Apache-2.0 &&
        $(jq -r '.["org.opencontainers.image.version"]' <<<"$ann") == "$IMAGE_TAG" ]]; then
    pass "$image: OCI labels (source, version $IMAGE_TAG, revision, licenses Apache-2.0, title, description)"
  else
    fail "$image: OCI labels" "$ann"
  fi

  check "$image: entrypoint is java -jar /app/$jar" \
    test "$(jq -r '.process.args | index("-jar") as $i | .[0] + " " + .[$i+1]' "$bundle/config.json")" \
         == "/opt/java/bin/java /app/$jar"

  # The jar alone in the top layer (the agent's with its class-data-sharing archive, which is made
  # from the jar): a new build of the same sources below it ships one small layer.
  local layers top expected="app/$jar"
  [[ $image != agent ]] || expected+=$'\n'"app/${jar%.jar}.jsa"
  layers=$(jq -r '.manifests[0].digest' "$WORK/index-$image.json")
  top=$(tar -xOf "$(image_archive "$image")" "./blobs/sha256/${layers#sha256:}" | jq -r '.layers[-1].digest')
  if [[ $(tar -xOf "$(image_archive "$image")" "./blobs/sha256/${top#sha256:}" | tar -tzf - | grep -v '/$' | sort) == "$expected" ]]; then
    pass "$image: jar in its own layer ($(paste -sd' ' <<<"$expected"))"
  else
    fail "$image: jar in its own layer" "top layer holds: $(tar -xOf "$(image_archive "$image")" "./blobs/sha256/${top#sha256:}" | tar -tzf - | head -5 | tr '\n' ' ')"
  fi

  local forbidden=() p
  for p in usr/bin/apt usr/bin/apt-get usr/bin/dpkg var/lib/dpkg/status usr/share/man usr/share/locale \
           usr/lib/locale usr/share/info usr/bin/perl bin/bash; do
    [[ -e $rootfs/$p || -L $rootfs/$p ]] && forbidden+=("$p")
  done
  local docs; docs=$(find "$rootfs/usr/share/doc" -type f ! -name copyright 2>/dev/null | head -3)
  [[ -z $docs ]] || forbidden+=("$docs")
  if ((${#forbidden[@]} == 0)); then pass "$image: no package manager, shell, docs or locales"
  else fail "$image: no package manager, shell, docs or locales" "found ${forbidden[*]}"; fi

  size=$(du -sb "$rootfs" | cut -f1)
  measure "$image: uncompressed size $((size / 1000000)) MB ($(du -sb "$rootfs/opt/java" | cut -f1 | awk '{printf "%d", $1/1000000}') MB Java runtime, $(($(stat -c %s "$rootfs/app/$jar") / 1000000)) MB jar); archive $(($(stat -c %s "$(image_archive "$image")") / 1000000)) MB"
  if ((size < MAX_IMAGE_BYTES)); then pass "$image: under 150 MB uncompressed"
  else fail "$image: under 150 MB uncompressed" "$size bytes"; fi

  local out
  out=$(run_once "$bundle" "$image-java-version" '.process.args = ["/opt/java/bin/java", "-version"]') || true
  if grep -q 'version "17' <<<"$out"; then pass "$image: jlink runtime starts ($(grep -o 'version "[^"]*"' <<<"$out"), modules: $(sed -n 's/^MODULES="\(.*\)"/\1/p' "$rootfs/opt/java/release" | tr ' ' ','))"
  else fail "$image: jlink runtime starts" "$out"; fi

  local status=0
  out=$(run_once "$bundle" "$image-entrypoint" ".process.args = $(entrypoint_args "$bundle" --help)") || status=$?
  if ((status == 0)) && [[ -n $out ]] && ! grep -qiE 'error|unable to access jarfile|Exception in thread' <<<"$out"; then
    pass "$image: entrypoint runs the jar ($(head -n1 <<<"$out"))"
  else
    fail "$image: entrypoint runs the jar" "$out"
  fi
}

# jar_has_subcommand BUNDLE SUBCOMMAND FLAG...: the jar's `SUBCOMMAND --help` lists every FLAG
# (how a real jar is told from the placeholder, which prints one line whatever it is asked)
jar_help() {
  local bundle=$1 name=$2; shift 2
  run_once "$bundle" "$name" ".process.args = $(entrypoint_args "$bundle" "$@")" || true
}
lists_all() {
  local text=$1 flag; shift
  for flag in "$@"; do grep -q -- "$flag" <<<"$text" || return 1; done
}

# ------------------------------------------------------------------------------- agent

metric_value() {   # metric_value TEXT SERIES_PREFIX -> value of the first matching sample
  awk -v s="$2" 'index($0, s) == 1 {print $NF; exit}' <<<"$1"
}

agent_checks() {
  local bundle=$1 rootfs="$1/rootfs" out
  out=$(run_once "$bundle" agent-modprobe '.process.args = ["/usr/sbin/modprobe", "--version"]') || true
  if grep -q '^kmod version' <<<"$out"; then pass "agent: modprobe for the init step ($out)"
  else fail "agent: modprobe for the init step" "$out"; fi
  out=$(run_once "$bundle" agent-ipmitool '.process.args = ["/usr/bin/ipmitool", "-V"]') || true
  if grep -q '^ipmitool version' <<<"$out"; then pass "agent: ipmitool for the ipmi power source ($out)"
  else fail "agent: ipmitool for the ipmi power source" "$out"; fi
  check "agent: runs as root (energy_uj is root-only)" test "$(jq -r '.process.user.uid' "$bundle/config.json")" == 0

  local help; help=$(jar_help "$bundle" agent-run-help run --help)
  if ! lists_all "$help" --web.listen-address --path.sysfs; then
    skip "agent: scraped on /metrics with a simulated /sys" "placeholder jar: \`run --help\` does not list --web.listen-address/--path.sysfs (it printed: $(head -n1 <<<"$help"))"
    skip "agent: RSS inside the image" "placeholder jar (see above)"
    jvm_floor_rss "$bundle"
    return
  fi

  local sys="$WORK/sys" port id dest
  make_fake_sysfs "$sys"
  port=$(free_loopback_port)
  id="one-scaphandre-image-test-agent-$$"
  # Host PID namespace and network: drop those namespaces; /sys is the simulated tree, read-only.
  dest=$(bundle_copy "$bundle" agent-run "
    .linux.namespaces |= map(select(.type != \"pid\" and .type != \"network\"))
    | .mounts |= map(if .destination == \"/sys\" then {destination: \"/sys\", type: \"bind\", source: \"$sys\", options: [\"rbind\", \"ro\"]} else . end)
    | .process.args = $(entrypoint_args "$bundle" run --web.listen-address "127.0.0.1:$port" --path.sysfs /sys --interval 1s)")
  CONTAINERS+=("$id")
  runc --root "$WORK/runc" run --detach --bundle "$dest" "$id" >"$WORK/agent.log" 2>&1 </dev/null \
    || { fail "agent: starts" "$(cat "$WORK/agent.log")"; return; }

  local body="" i
  for i in $(seq 1 60); do
    # Energy appears after the first sample, power only after the second (it needs an interval).
    body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/metrics" 2>/dev/null) \
      && [[ $body == *opennebula_host_energy_joules_total* && $body == *opennebula_host_power_watts* ]] && break
    body=""; sleep 1
  done
  if [[ -z $body ]]; then
    fail "agent: scraped on /metrics with a simulated /sys" "no opennebula_host_energy_joules_total and opennebula_host_power_watts within 60 s; log: $(tail -n 20 "$WORK/agent.log")"
    return
  fi
  local missing=() m
  for m in 'opennebula_host_power_watts' 'opennebula_host_energy_joules_total{domain="host"' \
           'opennebula_rapl_zone_energy_joules_total{' 'opennebula_rapl_state{state="ok"} 1' \
           'scaph_host_power_microwatts'; do
    grep -qF -- "$m" <<<"$body" || missing+=("$m")
  done
  if ((${#missing[@]} == 0)); then pass "agent: scraped on /metrics with a simulated /sys (port $port)"
  else fail "agent: scraped on /metrics with a simulated /sys" "missing ${missing[*]}"; fi

  check "agent: /metrics is Prometheus text 0.0.4" \
    bash -c "curl -fsS -o /dev/null -w '%{content_type}' http://127.0.0.1:$port/metrics | grep -q 'version=0.0.4'"
  check "agent: /healthz" curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz"

  # The counters follow the simulated hardware: +50 J on the package, +5 J on dram.
  local before after
  before=$(metric_value "$body" 'opennebula_host_energy_joules_total{domain="host"')
  echo 73170433621 >"$sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/energy_uj"
  echo 8835187215 >"$sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/intel-rapl:0:0/energy_uj"
  sleep 3
  after=$(metric_value "$(curl -fsS "http://127.0.0.1:$port/metrics")" 'opennebula_host_energy_joules_total{domain="host"')
  if awk -v b="$before" -v a="$after" 'BEGIN {exit !(a - b > 54.9 && a - b < 55.1)}'; then
    pass "agent: host energy follows the simulated counters (+55 J: $before -> $after)"
  else
    fail "agent: host energy follows the simulated counters" "expected +55 J, got $before -> $after"
  fi

  # RSS of the agent (PID 1 of the container, a host PID since the PID namespace is the host's),
  # after a few samples and scrapes.
  local pid rss
  for i in 1 2 3 4 5; do curl -fsS -o /dev/null "http://127.0.0.1:$port/metrics"; sleep 1; done
  pid=$(runc --root "$WORK/runc" state "$id" | jq -r .pid)
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  measure "agent: RSS inside the image after 10 s with 1 s samples: $((rss / 1024)) MiB ($rss kB)"
  if ((rss < 64 * 1024)); then pass "agent: RSS under 64 MiB"; else fail "agent: RSS under 64 MiB" "$rss kB"; fi

  # The class-data-sharing archive of the entrypoint (images/build.sh, cds_archive) fits this jar,
  # runtime and these options: with -Xshare:on the JVM refuses to start otherwise (the entrypoint's
  # default, -Xshare:auto, would silently run without it), and the agent's classes come from it.
  out=$(run_once "$bundle" agent-cds "
    .process.args = (.process.args | index(\"-jar\") as \$i | .[:\$i] + [\"-Xshare:on\", \"-Xlog:class+load=info\"] + .[\$i:\$i + 2]) + [\"--help\"]") || true
  local shared total
  shared=$(grep -c 'io.onescaphandre.agent.*source: shared objects file' <<<"$out" || true)
  total=$(grep -c '\] io.onescaphandre.agent.* source: ' <<<"$out" || true)
  if ((shared > 0 && shared == total)); then
    pass "agent: class-data-sharing archive in use (-Xshare:on; $shared of $total agent classes of \`--help\` from it)"
  else
    fail "agent: class-data-sharing archive in use" "$shared of $total agent classes from the archive: $(grep -v 'class,load' <<<"$out" | head -c 600)"
  fi
}

# With a placeholder jar there is no agent to measure: record the floor instead, the JVM of the
# image with the agent's options, idle (a class that sleeps), so the figure is there to compare.
jvm_floor_rss() {
  local bundle=$1 probe="$WORK/probe" id dest pid rss i
  command -v javac >/dev/null || { skip "agent: JVM floor RSS" "no javac on this machine"; return; }
  mkdir -p "$probe"
  printf 'public class Idle { public static void main(String[] a) throws Exception { Thread.sleep(60_000); } }\n' >"$probe/Idle.java"
  javac --release 17 -d "$probe" "$probe/Idle.java"
  id="one-scaphandre-image-test-agent-floor-$$"
  dest=$(bundle_copy "$bundle" agent-floor "
    .mounts += [{destination: \"/probe\", type: \"bind\", source: \"$probe\", options: [\"rbind\", \"ro\"]}]
    | .process.args = (.process.args | index(\"-jar\") as \$i | .[:\$i]) + [\"-cp\", \"/probe\", \"Idle\"]")
  CONTAINERS+=("$id")
  runc --root "$WORK/runc" run --detach --bundle "$dest" "$id" >"$WORK/floor.log" 2>&1 </dev/null \
    || { fail "agent: JVM floor RSS" "$(cat "$WORK/floor.log")"; return; }
  sleep 3
  pid=$(runc --root "$WORK/runc" state "$id" | jq -r .pid)
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  measure "agent: JVM floor RSS (agent JVM options, idle class, no agent code): $((rss / 1024)) MiB ($rss kB)"
  runc --root "$WORK/runc" kill "$id" KILL >/dev/null 2>&1 || true
}

# ------------------------------------------------------------------------------- operator
operator_checks() {
  local bundle=$1
  check "operator: runs as non-root uid 65532" test "$(jq -r '.process.user.uid' "$bundle/config.json")" == 65532

  local help; help=$(jar_help "$bundle" operator-render-help render --help)
  if ! lists_all "$help" --monitor --nodes; then
    skip "operator: render --monitor F --nodes F from the image" "placeholder jar: \`render --help\` does not list --monitor/--nodes (it printed: $(head -n1 <<<"$help"))"
    return
  fi

  local in="$WORK/render-in" out
  mkdir -p "$in"
  cat >"$in/monitor.yaml" <<'EOF'
apiVersion: one-scaphandre.io/v1alpha1
kind: ScaphandreMonitor
metadata:
  name: opennebula
  namespace: monitoring
spec:
  nodeSelector:
    one-scaphandre.io/opennebula-host: "true"
  hostId:
    sources: [nodeLabel, static]
    static:
      kvm-02: 7
  prometheus:
    podMonitor: {enabled: true}
    scrapeConfig: {enabled: true}
    rules: {enabled: true}
    plainConfig: {enabled: true}
EOF
  cat >"$in/nodes.yaml" <<'EOF'
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata:
    name: kvm-01
    labels: {one-scaphandre.io/opennebula-host: "true", one-scaphandre.io/host-id: "3"}
  status:
    addresses: [{type: InternalIP, address: 10.0.0.11}]
- apiVersion: v1
  kind: Node
  metadata:
    name: kvm-02
    labels: {one-scaphandre.io/opennebula-host: "true"}
  status:
    addresses: [{type: InternalIP, address: 10.0.0.12}]
EOF
  chmod -R a+rX "$in"
  out=$(run_once "$bundle" operator-render "
    .mounts += [{destination: \"/in\", type: \"bind\", source: \"$in\", options: [\"rbind\", \"ro\"]}]
    | .process.args = $(entrypoint_args "$bundle" render --monitor /in/monitor.yaml --nodes /in/nodes.yaml)") \
    || { fail "operator: render --monitor F --nodes F from the image" "$out"; return; }
  local missing=() k
  for k in 'kind: DaemonSet' 'kind: PodMonitor' 'kind: ScrapeConfig' 'kind: PrometheusRule' '10.0.0.11:8080' '10.0.0.12:8080'; do
    grep -qF -- "$k" <<<"$out" || missing+=("$k")
  done
  if ((${#missing[@]} == 0)); then pass "operator: render --monitor F --nodes F from the image (uid 65532, read-only root)"
  else fail "operator: render --monitor F --nodes F from the image" "output lacks: ${missing[*]}"; fi
}

main() {
  require_root "images/test.sh"
  require_commands umoci runc jq curl tar awk debootstrap unshare chroot flock
  local image
  for image in "${IMAGES[@]}"; do
    [[ -f $(image_archive "$image") ]] || die "$(image_archive "$image") is missing: run images/build.sh first"
  done
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/one-scaphandre-image-test.XXXXXX")
  trap cleanup EXIT
  mkdir -p "$OUT_DIR"; : >"$REPORT"

  local bundle start agent_bundle=""
  for image in "${IMAGES[@]}"; do
    start=$SECONDS
    tar -xOf "$(image_archive "$image")" ./index.json >"$WORK/index-$image.json"
    bundle=$(unpack "$image")
    static_checks "$image" "$bundle"
    "${image}_checks" "$bundle"
    log "$image image tested in $((SECONDS - start)) s"
    [[ $image != agent ]] || agent_bundle=$bundle
  done
  # The agent as a host service (images/test-host-service.sh): the podman unit with the agent image,
  # and the Debian package the Maven build made, installed into a debootstrap root.
  start=$SECONDS
  podman_unit_checks "$agent_bundle"
  log "podman unit tested in $((SECONDS - start)) s"
  start=$SECONDS
  deb_checks
  log "Debian package tested in $((SECONDS - start)) s"
  printf '%d passed, %d failed, %d skipped (report: %s)\n' "$PASSED" "$FAILED" "$SKIPPED" "$REPORT" | tee -a "$REPORT"
  ((FAILED == 0))
}

main "$@"
