#!/usr/bin/env bash
# The operator at 1,000 and 5,000 nodes on a real API server (issue 21), one command:
#   e2e/operator-scale-benchmark.sh            # 1000 then 5000 nodes
#   e2e/operator-scale-benchmark.sh 2000       # any sizes
# For each size: a fresh control plane on loopback (etcd, kube-apiserver, kube-controller-manager
# and kube-scheduler with client QPS raised so that they are not the bottleneck; no kubelets, so the
# node lifecycle controller is told not to expect heartbeats), the CRD and the Helm chart's
# ServiceAccount, ClusterRole and binding, then OperatorScaleBenchmark (e2e module) runs the
# operator jar as that ServiceAccount, with the image's JVM options and the chart's memory limit.
# Figures: e2e/target/benchmarks/operator-scale-<nodes>.md. Needs the binaries of
# e2e/build-binaries.sh (run it first; it is not run here). Not part of CI.
set -euo pipefail

E2E_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$E2E_DIR/.." && pwd)
CACHE=${ONE_SCAPHANDRE_E2E_CACHE:-/var/cache/one-scaphandre-e2e}
export ONE_SCAPHANDRE_E2E_CACHE=$CACHE
# shellcheck source=lib/cluster.sh
source "$E2E_DIR/lib/cluster.sh"
BIN=$CACHE/bin
NS=one-scaphandre
RELEASE=bench
SIZES=("$@")
((${#SIZES[@]})) || SIZES=(1000 5000)

for tool in kube-apiserver etcd kube-controller-manager kube-scheduler kubectl helm; do
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

# The chart's objects as a user installs them: RBAC and the memory limit the Deployment gets.
chart() { "$BIN/helm" template "$RELEASE" "$REPO/helm/one-scaphandre" --namespace "$NS" "$@"; }
LIMIT_MIB=$(chart --show-only templates/deployment.yaml | /usr/bin/python3 -c '
import sys, yaml
d = yaml.safe_load(sys.stdin)
m = d["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"]
units = {"Mi": 1, "Gi": 1024}
print(int(float(m[:-2]) * units[m[-2:]]))')
cluster_log "chart memory limit: ${LIMIT_MIB} MiB; JVM options: images/jvm-options/operator.options"

for NODES in "${SIZES[@]}"; do
  WORK=$(mktemp -d /tmp/one-scaphandre-scale.XXXXXX)
  E2E_CONTROLLER_MANAGER_ARGS="--kube-api-qps=500 --kube-api-burst=1000 --node-monitor-grace-period=4h" \
  E2E_SCHEDULER_ARGS="--kube-api-qps=500 --kube-api-burst=1000" \
    start_cluster "$CACHE" "$WORK/cluster"
  "$BIN/kubectl" create namespace "$NS" >/dev/null
  "$BIN/kubectl" apply --server-side -f "$REPO/crds/scaphandremonitors.one-scaphandre.io-v1.yml" >/dev/null
  chart --show-only templates/serviceaccount.yaml --show-only templates/clusterrole.yaml \
    --show-only templates/clusterrolebinding.yaml | "$BIN/kubectl" apply -f - >/dev/null
  SA=$(chart --show-only templates/serviceaccount.yaml | awk '/^  name:/{print $2; exit}')
  TOKEN=$("$BIN/kubectl" -n "$NS" create token "$SA" --duration=6h)
  SERVER=$("$BIN/kubectl" config view --minify -o jsonpath='{.clusters[0].cluster.server}')
  cat > "$WORK/operator.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: "$SERVER", certificate-authority: "$WORK/cluster/ca.crt"}
users:
- name: $SA
  user: {token: "$TOKEN"}
contexts:
- name: operator
  context: {cluster: e2e, user: $SA, namespace: $NS}
current-context: operator
EOF
  cluster_log "$NODES nodes: the operator runs as ServiceAccount $NS/$SA (the chart's ClusterRole)"
  mkdir -p "$WORK/tests"
  ONE_SCAPHANDRE_E2E_KUBECONFIG=$KUBECONFIG ONE_SCAPHANDRE_E2E_WORK=$WORK/tests \
    "$REPO/mvnw" -B -q -f "$REPO/pom.xml" -pl e2e -am test -Dtest=OperatorScaleBenchmark \
    -Dsurefire.failIfNoSpecifiedTests=false -De2e.repoRoot="$REPO" -Dscale.nodes="$NODES" \
    -Dscale.operatorKubeconfig="$WORK/operator.kubeconfig" \
    -Dscale.jvmOptionsFile="$REPO/images/jvm-options/operator.options" -Dscale.memoryLimitMiB="$LIMIT_MIB"
  mkdir -p "$REPO/e2e/target/benchmarks"
  cp "$WORK/tests/logs/operator-scale.log" "$REPO/e2e/target/benchmarks/operator-scale-$NODES.log" 2>/dev/null || true
  stop_cluster
  [[ ${E2E_KEEP_WORK:-0} == 1 ]] || rm -rf "$WORK"
  WORK=
done
cluster_log "figures: $REPO/e2e/target/benchmarks/operator-scale-*.md"
