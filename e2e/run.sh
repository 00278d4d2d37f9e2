#!/usr/bin/env bash
# The end-to-end run, one command: builds or reuses the cached real components
# (build-binaries.sh), starts a real control plane on loopback (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler), then runs the phases, JUnit tests of the e2e module
# (e2e/src/test/java/.../phases/E*IT.java) against it, and prints which phases passed, failed or
# were SKIPPED because a part of one-scaphandre is not there yet.
#
# Exit status: 0 only when every phase whose parts exist passed.
# Environment: ONE_SCAPHANDRE_E2E_CACHE (default /var/cache/one-scaphandre-e2e),
#              E2E_KEEP_WORK=1 keeps the work directory (logs, generated configs) for inspection,
#              E2E_PHASES runs only some phases (failsafe -Dit.test, e.g. 'E0*' or 'E10*,E20*');
#              the summary then says which were left out.
set -euo pipefail

E2E_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$E2E_DIR/.." && pwd)
CACHE=${ONE_SCAPHANDRE_E2E_CACHE:-/var/cache/one-scaphandre-e2e}
export ONE_SCAPHANDRE_E2E_CACHE=$CACHE
# shellcheck source=lib/cluster.sh
source "$E2E_DIR/lib/cluster.sh"

RUN_START=$SECONDS
WORK=$(mktemp -d /tmp/one-scaphandre-e2e.XXXXXX)
MAVEN_PID=

cleanup() {
  local status=$?
  if [[ -n $MAVEN_PID ]] && kill -0 "$MAVEN_PID" 2>/dev/null; then
    # Maven and everything the tests started run in their own process group (setsid below).
    kill -TERM -- "-$MAVEN_PID" 2>/dev/null || true
    sleep 3
    kill -KILL -- "-$MAVEN_PID" 2>/dev/null || true
  fi
  stop_cluster
  if [[ ${E2E_KEEP_WORK:-0} == 1 ]]; then
    cluster_log "work directory kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$E2E_DIR/build-binaries.sh"

start_cluster "$CACHE" "$WORK/cluster"

export ONE_SCAPHANDRE_E2E_KUBECONFIG=$KUBECONFIG
export ONE_SCAPHANDRE_E2E_WORK=$WORK/tests
export ONE_SCAPHANDRE_E2E_APISERVER_PID=$E2E_APISERVER_PID
mkdir -p "$ONE_SCAPHANDRE_E2E_WORK"
printf 'control-plane\tetcd start -> kube-apiserver /readyz\t%s\ts\n' "$E2E_APISERVER_READY_SECONDS" >> "$WORK/tests/figures.tsv"
printf 'control-plane\tetcd start -> controller-manager and scheduler working\t%s\ts\n' \
  "$E2E_CONTROL_PLANE_READY_SECONDS" >> "$WORK/tests/figures.tsv"

# The phases. -am builds the operator and agent jars the phases start; -Dtest=none keeps the unit
# tests of the other modules (already run by ./mvnw verify) from running twice; -De2e turns the
# failsafe phases of the e2e module on.
cluster_log "running the phases (Maven failsafe, e2e module)"
# Reports of an earlier run must not be summarized as this run's.
rm -rf "$REPO/e2e/target/failsafe-reports"
PHASE_FILTER=()
if [[ -n ${E2E_PHASES:-} ]]; then
  PHASE_FILTER=("-Dit.test=$E2E_PHASES" -Dfailsafe.failIfNoSpecifiedTests=false)
  cluster_log "only the phases matching E2E_PHASES=$E2E_PHASES run; the others are left out of this run"
fi
set +e
setsid "$REPO/mvnw" -B -f "$REPO/pom.xml" -pl e2e -am verify -De2e=true \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false "${PHASE_FILTER[@]}" &
MAVEN_PID=$!
wait "$MAVEN_PID"
MAVEN_STATUS=$?
MAVEN_PID=
set -e

printf 'e2e run\tkube-apiserver RSS at the end\t%s\tMiB\n' \
  "$(($(awk '/VmRSS/{print $2}' "/proc/$E2E_APISERVER_PID/status" 2>/dev/null || echo 0) / 1024))" >> "$WORK/tests/figures.tsv"
printf 'e2e run\twhole run.sh\t%s\ts\n' "$((SECONDS - RUN_START))" >> "$WORK/tests/figures.tsv"

# Logs of every process (control plane, operator, agents, Prometheus, guests) for the CI record.
rm -rf "$REPO/e2e/target/e2e-logs" && mkdir -p "$REPO/e2e/target/e2e-logs"
cp -r "$WORK/cluster/logs" "$REPO/e2e/target/e2e-logs/cluster" 2>/dev/null || true
cp -r "$WORK/tests/logs" "$REPO/e2e/target/e2e-logs/tests" 2>/dev/null || true
cp "$WORK/tests/figures.tsv" "$REPO/e2e/target/e2e-logs/figures.tsv" 2>/dev/null || true

SUMMARY_STATUS=0
[[ -n ${E2E_PHASES:-} ]] && cluster_log "NOTE: partial run, only phases matching E2E_PHASES=$E2E_PHASES"
/usr/bin/python3 "$E2E_DIR/lib/summary.py" "$REPO/e2e/target/failsafe-reports" "$WORK/tests/figures.tsv" \
  || SUMMARY_STATUS=$?

if ((MAVEN_STATUS != 0)); then
  cluster_log "FAILED: Maven exited $MAVEN_STATUS (logs of the processes: rerun with E2E_KEEP_WORK=1, see $WORK/tests/logs)"
  exit "$MAVEN_STATUS"
fi
exit "$SUMMARY_STATUS"
