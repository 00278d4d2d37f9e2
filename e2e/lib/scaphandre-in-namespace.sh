#!/usr/bin/env bash
# Runs upstream Scaphandre (unmodified) in a private mount namespace where a simulated powercap
# tree sits at /sys/class/powercap: these machines have no RAPL. /sys/class is covered by a tmpfs
# holding its original entries bound back plus the simulated powercap; nothing outside the
# namespace changes. /proc/modules, missing here, is provided by the LD_PRELOAD shim.
# usage: scaphandre-in-namespace.sh POWERCAP_DIR SHIM_SO MODULES_FILE SCAPHANDRE [ARGS...]
set -euo pipefail
(($# >= 4)) || { echo "usage: $0 POWERCAP_DIR SHIM_SO MODULES_FILE SCAPHANDRE [ARGS...]" >&2; exit 2; }
export E2E_POWERCAP=$1 E2E_SHIM=$2 E2E_MODULES=$3
shift 3
exec unshare --mount --propagation private bash -euc '
  real=$(dirname "$E2E_POWERCAP")/.real-sys-class; mkdir -p "$real"
  mount --bind /sys/class "$real"
  mount -t tmpfs e2e-sysclass /sys/class
  for entry in "$real"/*; do
    name=${entry##*/}
    mkdir "/sys/class/$name" && mount --bind "$entry" "/sys/class/$name"
  done
  mkdir -p /sys/class/powercap
  mount --bind "$E2E_POWERCAP" /sys/class/powercap
  exec env LD_PRELOAD="$E2E_SHIM" FAKE_PROC_MODULES="$E2E_MODULES" "$@"
' scaphandre-in-namespace "$@"
