#!/usr/bin/env bash
# Builds, once, every real component the end-to-end run needs, from the package registries this
# machine reaches (Go module proxy, crates.io, Debian apt) and caches them OUTSIDE the repository:
#
#   $CACHE/bin/          kube-apiserver kube-controller-manager kube-scheduler kubectl etcd
#                        prometheus promtool prometheus-operator helm scaphandre
#   $CACHE/stamps/       one file per component: the version it was built at (rebuilt when it differs)
#   $CACHE/go/{mod,build} GOMODCACHE and GOCACHE of these builds (a warm rebuild is a relink)
#   $CACHE/src/          scratch copies of the wrapper modules of e2e/ (go build -mod=mod edits them)
#   $CACHE/prometheus-operator-crd/  the Prometheus Operator's CRDs, from its own module
#   $CACHE/qemu/vmlinuz  a Debian kernel for the TCG guests (extracted, not installed)
#   $CACHE/qemu/initrd.gz busybox + e2e/guest/init, the guests' whole userland
#   $CACHE/lib/fake-proc-modules.so  LD_PRELOAD shim giving upstream Scaphandre a /proc/modules
#   $CACHE/kube-api-test/k8s/<ver>-linux-amd64/{kube-apiserver,kubectl,etcd}  fabric8 kube-api-test's
#                        offline layout (etcd is a wrapper forcing loopback; etcd.real the binary)
#   $CACHE/build-times.log  wall time of every step that ran
#
# A warm run (everything stamped) does nothing but checks and finishes in about a second.
set -euo pipefail

E2E_DIR=$(cd "$(dirname "$0")" && pwd)
CACHE=${ONE_SCAPHANDRE_E2E_CACHE:-/var/cache/one-scaphandre-e2e}

K8S_VERSION=v1.34.12
ETCD_VERSION=v3.6.16
PROMETHEUS_MODULE_VERSION=v0.316.0   # Prometheus 3.x module versions are v0.3MM.P for 3.MM.P
PROMETHEUS_VERSION=3.16.0
PROMETHEUS_OPERATOR_VERSION=v0.88.0  # v0.89.0 / v0.86.0 fail checksum-database verification here
HELM_VERSION=v3.22.0
SCAPHANDRE_VERSION=1.0.0
APT_PACKAGES=(qemu-system-x86 busybox-static cpio openssl gzip util-linux iproute2 gcc libc6-dev)

mkdir -p "$CACHE"/{bin,stamps,go/mod,go/build,src,qemu}
export GOMODCACHE=$CACHE/go/mod GOCACHE=$CACHE/go/build GOTOOLCHAIN=local GOFLAGS=-mod=mod
export PATH=/usr/local/go/bin:$HOME/.cargo/bin:$PATH
NICE=(nice -n 10)
LOCK=$CACHE/.build.lock

log() { printf '[build-binaries %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Only one build at a time may fill the cache (CI and a developer, or two helpers).
exec 9>"$LOCK"
flock -w 3600 9 || die "another build-binaries.sh holds $LOCK for over an hour"

is_current() { # name version binary... : true when stamped at that version and every binary exists
  local name=$1 version=$2; shift 2
  [[ -f $CACHE/stamps/$name && $(cat "$CACHE/stamps/$name") == "$version" ]] || return 1
  local b; for b in "$@"; do [[ -x $CACHE/bin/$b ]] || return 1; done
}

timed() { # name command... : runs the command, logs and records its wall time
  local name=$1; shift
  local start=$SECONDS
  log "building $name"
  "$@"
  local took=$((SECONDS - start))
  printf '%s %s %ds\n' "$(date -u +%FT%TZ)" "$name" "$took" >> "$CACHE/build-times.log"
  log "built $name in ${took}s"
}

stamp() { echo "$2" > "$CACHE/stamps/$1"; }

wrapper_copy() { # module dir name -> prints a scratch copy's path (the repo copy stays untouched)
  local src=$E2E_DIR/$1 dst=$CACHE/src/$1
  rm -rf "$dst" && mkdir -p "$dst" && cp "$src"/go.mod "$dst"/
  [[ -f $src/go.sum ]] && cp "$src"/go.sum "$dst"/
  echo "$dst"
}

require_pin() { # module-dir module version: the committed wrapper must pin what this script says
  grep -qE "^(require )?[[:space:]]*$2 $3\$" "$E2E_DIR/$1/go.mod" \
    || die "e2e/$1/go.mod does not require $2 $3; update both together"
}

install_apt_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build_kube() {
  require_pin kube k8s.io/kubernetes "$K8S_VERSION"
  is_current kube "$K8S_VERSION" kube-apiserver kube-controller-manager kube-scheduler kubectl && return 0
  local dir minor ld p
  dir=$(wrapper_copy kube)
  minor=$(cut -d. -f2 <<<"$K8S_VERSION")
  # Without -X the server reports v0.0.0-master+$Format:%H$, which kubectl and clients fail to parse.
  ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    ld+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  (cd "$dir" && timed kube "${NICE[@]}" go build -trimpath -ldflags="$ld" -o "$CACHE/bin/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
  stamp kube "$K8S_VERSION"
}

build_etcd() {
  require_pin etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
  is_current etcd "$ETCD_VERSION" etcd && return 0
  local dir; dir=$(wrapper_copy etcd)
  (cd "$dir" && timed etcd "${NICE[@]}" go build -trimpath -ldflags="-s -w" -o "$CACHE/bin/etcd" \
    go.etcd.io/etcd/server/v3)
  stamp etcd "$ETCD_VERSION"
}

build_prometheus() {
  is_current prometheus "$PROMETHEUS_MODULE_VERSION" prometheus promtool && return 0
  local pv=github.com/prometheus/common/version
  local ld="-s -w -X $pv.Version=$PROMETHEUS_VERSION -X $pv.Branch=HEAD -X $pv.Revision=unknown"
  # go install pkg@version works as is: Prometheus' go.mod has no replace lines. No web UI is
  # embedded (that needs a Node build); the HTTP API, which the e2e assertions use, is complete.
  timed prometheus env GOBIN="$CACHE/bin" GOFLAGS= "${NICE[@]}" go install -trimpath -ldflags="$ld" \
    "github.com/prometheus/prometheus/cmd/prometheus@$PROMETHEUS_MODULE_VERSION" \
    "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE_VERSION"
  stamp prometheus "$PROMETHEUS_MODULE_VERSION"
}

build_prometheus_operator() {
  local mod=github.com/prometheus-operator/prometheus-operator
  require_pin prometheus-operator "$mod" "$PROMETHEUS_OPERATOR_VERSION"
  if ! is_current prometheus-operator "$PROMETHEUS_OPERATOR_VERSION" prometheus-operator; then
    local dir; dir=$(wrapper_copy prometheus-operator)
    (cd "$dir" && timed prometheus-operator "${NICE[@]}" go build -trimpath \
      -ldflags="-s -w -X github.com/prometheus/common/version.Version=${PROMETHEUS_OPERATOR_VERSION#v}" \
      -o "$CACHE/bin/prometheus-operator" "$mod/cmd/operator")
    stamp prometheus-operator "$PROMETHEUS_OPERATOR_VERSION"
  fi
  # Its CRDs ship in the module zip; copied out so run.sh need not know the module cache layout.
  local crds=$GOMODCACHE/$mod@$PROMETHEUS_OPERATOR_VERSION/example/prometheus-operator-crd
  if [[ ! -f $CACHE/prometheus-operator-crd/.version \
        || $(cat "$CACHE/prometheus-operator-crd/.version") != "$PROMETHEUS_OPERATOR_VERSION" ]]; then
    [[ -d $crds ]] || (cd "$CACHE" && GOFLAGS= go mod download "$mod@$PROMETHEUS_OPERATOR_VERSION")
    [[ -d $crds ]] || die "the Prometheus Operator module holds no CRDs at $crds"
    rm -rf "$CACHE/prometheus-operator-crd" && mkdir -p "$CACHE/prometheus-operator-crd"
    cp "$crds"/*.yaml "$CACHE/prometheus-operator-crd/"
    echo "$PROMETHEUS_OPERATOR_VERSION" > "$CACHE/prometheus-operator-crd/.version"
  fi
}

build_helm() {
  is_current helm "$HELM_VERSION" helm && return 0
  local ld="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  timed helm env GOBIN="$CACHE/bin" GOFLAGS= "${NICE[@]}" go install -trimpath -ldflags="$ld" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  stamp helm "$HELM_VERSION"
}

build_scaphandre() {
  is_current scaphandre "$SCAPHANDRE_VERSION" scaphandre && return 0
  command -v cargo >/dev/null || die "cargo is needed to build upstream Scaphandre"
  # The default features pull riemann_client 0.9.0, which no longer compiles on current rustc;
  # the Prometheus exporter (what the e2e compares) needs none of it.
  timed scaphandre "${NICE[@]}" cargo install scaphandre --version "$SCAPHANDRE_VERSION" --locked \
    --no-default-features --features prometheus,containers,json,warpten,prometheuspush \
    --root "$CACHE/scaphandre" --quiet
  ln -sf "$CACHE/scaphandre/bin/scaphandre" "$CACHE/bin/scaphandre"
  stamp scaphandre "$SCAPHANDRE_VERSION"
}

fetch_guest_kernel() {
  [[ -s $CACHE/qemu/vmlinuz ]] && return 0
  local image work
  apt-cache show linux-image-amd64 >/dev/null 2>&1 || apt-get update -qq
  image=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  [[ -n $image ]] || die "no linux-image-<version>-amd64 behind linux-image-amd64 in apt"
  work=$(mktemp -d)
  chown _apt "$work" 2>/dev/null || true  # apt downloads as _apt when it can
  (cd "$work" && apt-get download -qq "$image" && dpkg-deb -x ./*.deb root)
  cp "$work"/root/boot/vmlinuz-* "$CACHE/qemu/vmlinuz"
  echo "$image" > "$CACHE/qemu/vmlinuz.package"
  rm -rf "$work"
  log "guest kernel from $image"
}

build_guest_initrd() {
  # An initramfs of busybox and e2e/guest/init, rebuilt when init changes.
  local sum; sum=$(sha256sum "$E2E_DIR/guest/init" | cut -d' ' -f1)
  [[ -s $CACHE/qemu/initrd.gz && $(cat "$CACHE/qemu/initrd.sha256" 2>/dev/null) == "$sum" ]] && return 0
  local root; root=$(mktemp -d)
  mkdir -p "$root"/{bin,proc,dev,sys}
  cp /bin/busybox "$root/bin/busybox"
  ln -s busybox "$root/bin/sh"
  install -m 0755 "$E2E_DIR/guest/init" "$root/init"
  (cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$CACHE/qemu/initrd.gz"
  echo "$sum" > "$CACHE/qemu/initrd.sha256"
  rm -rf "$root"
  log "guest initramfs built"
}

build_proc_modules_shim() {
  local src=$E2E_DIR/lib/fake-proc-modules.c out=$CACHE/lib/fake-proc-modules.so sum
  sum=$(sha256sum "$src" | cut -d' ' -f1)
  [[ -s $out && $(cat "$out.sha256" 2>/dev/null) == "$sum" ]] && return 0
  mkdir -p "$CACHE/lib"
  gcc -shared -fPIC -O2 -Wall -o "$out" "$src" -ldl
  echo "$sum" > "$out.sha256"
}

layout_kube_api_test() {
  # fabric8 kube-api-test: <dir>/k8s/<numeric version>-linux-amd64/{etcd,kube-apiserver,kubectl}.
  # Its etcd listens on 0.0.0.0 with no option to change that, so `etcd` is a wrapper that rewrites
  # it to 127.0.0.1 and execs the real binary (same pid, so kube-api-test can still stop it).
  local dir=$CACHE/kube-api-test/k8s/${K8S_VERSION#v}-linux-amd64
  mkdir -p "$dir"
  ln -sfn "$CACHE/bin/kube-apiserver" "$dir/kube-apiserver"
  ln -sfn "$CACHE/bin/kubectl" "$dir/kubectl"
  ln -sfn "$CACHE/bin/etcd" "$dir/etcd.real"
  cat > "$dir/etcd" <<'EOF'
#!/usr/bin/env bash
args=(); for a in "$@"; do args+=("${a//0.0.0.0/127.0.0.1}"); done
exec "$(dirname "$0")/etcd.real" "${args[@]}"
EOF
  chmod +x "$dir/etcd"
}

main() {
  local start=$SECONDS steps=("$@")
  ((${#steps[@]})) || steps=(apt kube etcd prometheus-operator prometheus helm scaphandre kernel guest shim layout)
  local s
  for s in "${steps[@]}"; do
    case $s in
      apt) install_apt_packages ;;
      kube) build_kube ;;
      etcd) build_etcd ;;
      prometheus) build_prometheus ;;
      prometheus-operator) build_prometheus_operator ;;
      helm) build_helm ;;
      scaphandre) build_scaphandre ;;
      kernel) fetch_guest_kernel ;;
      guest) build_guest_initrd ;;
      shim) build_proc_modules_shim ;;
      layout) layout_kube_api_test ;;
      *) die "unknown step '$s' (apt kube etcd prometheus prometheus-operator helm scaphandre kernel guest shim layout)" ;;
    esac
  done
  log "cache $CACHE ready in $((SECONDS - start))s"
}

main "$@"; exit $?  # one line: bash must not read on if this file is edited while it runs
