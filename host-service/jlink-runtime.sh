#!/usr/bin/env bash
# The Java runtime of the Debian package, called by the Maven build (host-service/pom.xml):
#
#   host-service/jlink-runtime.sh JAVA_HOME AGENT_JAR OUTPUT_TAR
#
# The same module set as the agent image (images/build.sh): what jdeps finds in the jar plus the
# modules it loads by reflection (EXTRA_MODULES_agent in images/lib.sh, their one home), made by the
# jlink of the JDK that runs Maven, stripped as in the image. Written as a tar with fixed owners,
# order and times so that jdeb keeps the modes of the runtime's executables and libraries.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../images/lib.sh"

(($# == 3)) || die "usage: host-service/jlink-runtime.sh JAVA_HOME AGENT_JAR OUTPUT_TAR"
java_home=$1 jar=$2 out=$3
[[ -x $java_home/bin/jlink && -x $java_home/bin/jdeps ]] \
  || die "$java_home has no jlink/jdeps: the Debian package needs a full JDK 17 to build"
[[ -f $jar ]] || die "$jar is missing"

work="$(dirname "$out")/jlink-work"
rm -rf "$work"; mkdir -p "$work"
modules=$("$java_home/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "$jar")
modules=$(tr ',\n' '\n\n' <<<"$modules,$EXTRA_MODULES_agent" | grep -v '^$' | sort -u | paste -sd, -)
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "$work/java"
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$REPO_ROOT" log -1 --format=%ct 2>/dev/null || echo 0)}
tar -C "$work" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -cf "$out.tmp" java
mv "$out.tmp" "$out"
rm -rf "$work"
echo "jlink runtime ($("$java_home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.runtime.version = //p'): $modules) -> $out"
