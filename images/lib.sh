# Shared settings of images/build.sh and images/test.sh (sourced, not run).
# Everything that both scripts must agree on lives here: where the repository and the cache are,
# which version the images carry, how buildah is called, what each image is called.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IMAGES_DIR="$REPO_ROOT/images"
OUT_DIR="$REPO_ROOT/target/images"

# The cache lives outside the repository so that `git clean` and `mvn clean` keep it: it holds the
# debootstrap roots, the downloaded .debs and the jlink runtimes, which is what makes a warm build
# fast and possible with no network.
CACHE_DIR="${ONE_SCAPHANDRE_IMAGE_CACHE:-/var/cache/one-scaphandre-images}"

DEBIAN_SUITE=bookworm
IMAGES=(operator agent)

log() { printf '[images %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf '[images] ERROR: %s\n' "$*" >&2; exit 1; }

require_root() {
  [[ $(id -u) -eq 0 ]] || die "$1 needs root (debootstrap, chroot, buildah with vfs storage and runc all do)."
}

require_commands() {
  local missing=()
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  ((${#missing[@]} == 0)) || die "missing commands: ${missing[*]} (Debian: apt-get install debootstrap buildah umoci runc)"
}

# Project version from the parent pom (the first <version> after the parent's artifactId); the image
# tag drops -SNAPSHOT because the chart's default tags are the release numbers.
project_version() {
  sed -n '/<artifactId>one-scaphandre-parent<\/artifactId>/,/<\/version>/s:.*<version>\(.*\)</version>.*:\1:p' \
    "$REPO_ROOT/pom.xml" | head -n1
}
IMAGE_TAG="${IMAGE_TAG:-$(project_version | sed 's/-SNAPSHOT$//')}"
[[ -n $IMAGE_TAG ]] || die "cannot read the project version from $REPO_ROOT/pom.xml"

image_name() { echo "one-scaphandre-$1"; }
image_ref() { echo "$(image_name "$1"):$IMAGE_TAG"; }
image_archive() { echo "$OUT_DIR/$(image_name "$1")-$IMAGE_TAG.oci.tar"; }

jar_path() {
  case "$1" in
    operator) echo "$REPO_ROOT/operator/target/one-scaphandre-operator.jar" ;;
    agent) echo "$REPO_ROOT/agent-daemonset/target/one-scaphandre-agent.jar" ;;
    *) die "unknown image '$1' (expected operator or agent)" ;;
  esac
}

# buildah with its own storage under the cache: other tools on the machine (podman, other builds)
# never see our intermediate images, and vfs works on any file system without fuse-overlayfs.
BUILDAH_ROOT="$CACHE_DIR/containers"
buildah_() {
  buildah --root "$BUILDAH_ROOT/storage" --runroot "$BUILDAH_ROOT/run" --storage-driver vfs "$@"
}

# Serialises builds and tests that share the cache (two terminals, a CI retry).
with_cache_lock() {
  mkdir -p "$CACHE_DIR"
  exec {CACHE_LOCK_FD}>"$CACHE_DIR/.lock"
  flock "$CACHE_LOCK_FD"
}

# Modules the jars load by reflection or service lookup, which jdeps cannot see (also the
# Java runtime of the Debian package, host-service/jlink-runtime.sh):
# jdk.crypto.ec for TLS ECDHE cipher suites (Kubernetes API, OpenNebula's XML-RPC over https),
# jdk.management for Micrometer's process CPU metrics (com.sun.management), jdk.httpserver for
# the agent's /metrics endpoint when it is served by the JDK's HTTP server.
EXTRA_MODULES_operator="jdk.crypto.ec,jdk.management"
# The agent needs jdk.crypto.ec too since its redfish power source speaks TLS to BMCs.
EXTRA_MODULES_agent="jdk.crypto.ec,jdk.management,jdk.httpserver"

# Bump when the way the Debian roots are made changes, so stale cached roots are not reused.
ROOTS_RECIPE=1

debian_mirror() {
  if [[ -n ${DEBIAN_MIRROR:-} ]]; then echo "$DEBIAN_MIRROR"; return; fi
  # deb822 sources (URIs:) first, then one-line sources; only a plain Debian archive will do.
  local uri
  uri=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
        | grep -v '^\s*#' \
        | grep -oE '(https?://[^ ]*/debian)/?(\s|$)' | grep -v security | head -n1 | tr -d '[:space:]' || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

short_hash() { sha256sum | cut -c1-16; }

free_loopback_port() {
  # Ports in LISTEN state (0A) on this host, from /proc/net/tcp{,6}; pick one not among them.
  local used=" " local_address state port
  while read -r _ local_address _ state _; do
    [[ $state == 0A ]] && used+="$((16#${local_address##*:})) "
  done < <(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null)
  while :; do
    port=$((20000 + RANDOM % 30000))
    [[ $used == *" $port "* ]] || { echo "$port"; return; }
  done
}

# A powercap tree as the kernel lays it out (the agent image's tests and the training run of its
# class-data-sharing archive): zones under devices/virtual/powercap/intel-rapl, links
# in class/powercap; one package zone with a dram subzone, counters in microjoules.
make_fake_sysfs() {
  local sys=$1 base="$1/devices/virtual/powercap/intel-rapl"
  mkdir -p "$base/intel-rapl:0/intel-rapl:0:0" "$sys/class/powercap" "$sys/fs/cgroup"
  echo 1 >"$base/enabled"
  zone() {   # zone DIR NAME ENERGY_UJ
    echo "$2" >"$1/name"; echo "$3" >"$1/energy_uj"; echo 262143328850 >"$1/max_energy_range_uj"
    echo 1 >"$1/enabled"
  }
  zone "$base/intel-rapl:0" package-0 73120433621
  zone "$base/intel-rapl:0/intel-rapl:0:0" dram 8830187215
  ln -s ../../devices/virtual/powercap/intel-rapl "$sys/class/powercap/intel-rapl"
  ln -s ../../devices/virtual/powercap/intel-rapl/intel-rapl:0 "$sys/class/powercap/intel-rapl:0"
  ln -s ../../devices/virtual/powercap/intel-rapl/intel-rapl:0/intel-rapl:0:0 "$sys/class/powercap/intel-rapl:0:0"
}

# cached_root NAME PACKAGES -> prints the path of a complete debootstrap root, making it if needed.
cached_root() {
  local name=$1 packages=$2 key dir
  key=$(printf '%s|%s|%s|%s' "$ROOTS_RECIPE" "$DEBIAN_SUITE" minbase "$packages" | short_hash)
  dir="$CACHE_DIR/roots/$name-$key"
  if [[ ! -e $dir/.complete ]]; then
    local mirror; mirror=$(debian_mirror)
    log "debootstrap $name root ($DEBIAN_SUITE minbase + $packages) from $mirror"
    rm -rf "$dir.tmp"; mkdir -p "$CACHE_DIR/debs/$name" "$dir.tmp"
    # --cache-dir keeps the .debs: rebuilding a root after `rm -rf` of it needs no network.
    if ! debootstrap --variant=minbase --include="$packages" --cache-dir="$CACHE_DIR/debs/$name" \
         "$DEBIAN_SUITE" "$dir.tmp" "$mirror" >"$dir.log" 2>&1; then
      tail -n 20 "$dir.log" >&2
      die "debootstrap of the $name root failed (log: $dir.log)"
    fi
    rm -rf "$dir"; mv "$dir.tmp" "$dir"; touch "$dir/.complete"
  fi
  echo "$dir"
}
