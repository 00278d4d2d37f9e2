#!/usr/bin/env bash
# The operator at 1,000 and 5,000 nodes on a real API server (issue 21), one command:
#   e2e/operator-scale-benchmark.sh            # 1000 then 5000 nodes
#   e2e/operator-scale-benchmark.sh 2000       # any sizes
# For each size: a fresh control plane on loopback (etcd, kube-apiserver, kube-controller-manager
# and kube-scheduler with client QPS raised so that they are not the bottleneck; no kubelets, so the
# node lifecycle controller is told not to expect heartbeats) and the CRD; then OperatorScaleBenchmark
# (e2e module) installs the Helm chart's ServiceAccount, ClusterRole and binding (helm template
# through helm-java) and runs the operator jar as that ServiceAccount, with the image's JVM options
# (images/jvm-options/operator.options) and the chart's memory limit as the JVM's RAM.
# Figures: e2e/target/benchmarks/operator-scale-<nodes>.md. Needs the control-plane binaries of
# e2e/build-binaries.sh (run it first; it is not run here). Not part of CI.
set -euo pipefail

E2E_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$E2E_DIR/.." && pwd)
CACHE=${ONE_SCAPHANDRE_E2E_CACHE:-/var/cache/one-scaphandre-e2e}
export ONE_SCAPHANDRE_E2E_CACHE=$CACHE
# shellcheck source=lib/cluster.sh
source "$E2E_DIR/lib/cluster.sh"
BIN=$CACHE/bin
SIZES=("$@")
((${#SIZES[@]})) || SIZES=(1000 5000)

for tool in kube-apiserver etcd kube-controller-manager kube-scheduler kubectl; do
  [[ -x $BIN/$tool ]] || { echo "missing $BIN/$tool: run e2e/build-binaries.sh first" >&2; exit 2; }
done

WORK=
cleanup() {
  local status=$?
  stop_cluster
  [[ -n $WORK && ${E2E_KEEP_WORK:-0} != 1 ]] && rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cluster_log "building the operator jar"
"$REPO/mvnw" -B -q -f "$REPO/pom.xml" -pl operator -am package -DskipTests

for NODES in "${SIZES[@]}"; do
  WORK=$(mktemp -d /tmp/one-scaphandre-scale.XXXXXX)
  E2E_CONTROLLER_MANAGER_ARGS="--kube-api-qps=500 --kube-api-burst=1000 --node-monitor-grace-period=4h" \
  E2E_SCHEDULER_ARGS="--kube-api-qps=500 --kube-api-burst=1000" \
    start_cluster "$CACHE" "$WORK/cluster"
  "$BIN/kubectl" apply --server-side -f "$REPO/crds/scaphandremonitors.one-scaphandre.io-v1.yml" >/dev/null
  cluster_log "$NODES nodes: $(uptime)"
  mkdir -p "$WORK/tests"
  ONE_SCAPHANDRE_E2E_KUBECONFIG=$KUBECONFIG ONE_SCAPHANDRE_E2E_WORK=$WORK/tests \
    "$REPO/mvnw" -B -q -f "$REPO/pom.xml" -pl e2e -am test -Dtest=OperatorScaleBenchmark \
    -Dsurefire.failIfNoSpecifiedTests=false -De2e.repoRoot="$REPO" -Dscale.nodes="$NODES" \
    -Dscale.jvmOptionsFile="$REPO/images/jvm-options/operator.options"
  mkdir -p "$REPO/e2e/target/benchmarks"
  cp "$WORK/tests/logs/operator-scale.log" "$REPO/e2e/target/benchmarks/operator-scale-$NODES.log" 2>/dev/null || true
  stop_cluster
  [[ ${E2E_KEEP_WORK:-0} == 1 ]] || rm -rf "$WORK"
  WORK=
done
cluster_log "figures: $REPO/e2e/target/benchmarks/operator-scale-*.md"
