#!/usr/bin/env bash
# Builds the container images of one-scaphandre without a container engine or registry:
#
#   images/build.sh [operator|agent|all]      (default: all; needs root and the jars built by Maven)
#
# Output: target/images/one-scaphandre-<image>-<version>.oci.tar (OCI image layout archives, image
# names one-scaphandre-operator:<version> and one-scaphandre-agent:<version>, as the chart expects).
#
# How:
#  1. Two Debian roots made by `debootstrap --variant=minbase`, cached outside the repository:
#     a "runtime" root (minbase + kmod), from which each image keeps only the packages it needs,
#     and a "builder" root (minbase + openjdk-17-jdk-headless + binutils) where jdeps and jlink run,
#     so the Java runtime in the image does not depend on the JDK of the build machine.
#  2. jlink makes a runtime holding only the modules the jar uses (jdeps) plus the ones it loads by
#     reflection, cached per module set.
#  3. buildah (vfs storage) assembles three layers: root file system, Java runtime, jar. The jar
#     changes on every commit, the two layers below it rarely, so a new version ships one small layer.
#  4. The OCI layout is tarred with fixed times and order: the same inputs give the same archive,
#     byte for byte (SOURCE_DATE_EPOCH, default the time of the last git commit).
#
# With a warm cache (a previous build on this machine) nothing is downloaded. Environment:
#   ONE_SCAPHANDRE_IMAGE_CACHE  cache directory (default /var/cache/one-scaphandre-images)
#   DEBIAN_MIRROR               Debian mirror for debootstrap (default: the first one apt is configured with)
#   SOURCE_DATE_EPOCH           timestamp of every file and of the image config
#   IMAGE_TAG                   image tag (default: the project version without -SNAPSHOT)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BUILDER_PACKAGES="openjdk-17-jdk-headless,binutils"   # binutils: Debian's jlink --strip-debug runs objcopy
RUNTIME_PACKAGES="kmod,ipmitool"
JDK_HOME_IN_BUILDER=/usr/lib/jvm/java-17-openjdk-amd64

# Packages each image keeps from the runtime root; the files of every other package are removed,
# package manager included. The Java runtime needs libc, libgcc, libstdc++ (libjvm) and zlib
# (Debian's JDK uses the system zlib); `modprobe` (kmod) needs libkmod's compression and crypto libraries.
KEEP_COMMON="base-files libc6 libgcc-s1 libstdc++6 zlib1g"
KEEP_operator="$KEEP_COMMON"
# ipmitool reads the BMC's DCMI power for the ipmi power source (agent README, "Power sources").
KEEP_agent="$KEEP_COMMON kmod libkmod2 liblzma5 libzstd1 libssl3 ipmitool libfreeipmi17 libgcrypt20 libgpg-error0 libreadline8 libtinfo6"


DESCRIPTION_operator="one-scaphandre operator: turns ScaphandreMonitor resources into RAPL agent DaemonSets and Prometheus Operator objects labelled with OpenNebula host ids"
DESCRIPTION_agent="one-scaphandre node agent: RAPL power and energy of an OpenNebula host and of each of its VMs, in Prometheus format"
USER_operator="65532:65532"
# The agent reads energy_uj, root-only since CVE-2020-8694, and its init step runs modprobe.
USER_agent="0:0"
SOURCE_URL="https://github.com/one-scaphandre/one-scaphandre"
# Images whose entrypoint maps a class-data-sharing archive of the JDK's and the jar's classes
# (cds_archive below; measured in docs/benchmarks/agent-vs-scaphandre.md).
CDS_IMAGES=" agent "
# Bump when the way the archive is made changes, so stale cached archives are not reused.
CDS_RECIPE=2

# ---------------------------------------------------------------------------------------------
# Runs a command inside the builder root with /proc mounted in a private mount namespace: the
# JDK's launcher finds libjli.so through $ORIGIN, which the dynamic loader resolves via /proc.
in_builder() {
  local root=$1; shift
  unshare --mount --propagation private -- sh -c \
    'root=$1; shift; mount -t proc proc "$root/proc" && exec chroot "$root" "$@"' sh "$root" "$@"
}

# jar_modules IMAGE BUILDER_ROOT -> comma-separated module list (jdeps result, cached per jar content)
jar_modules() {
  local image=$1 builder=$2 jar sum cache extra var
  jar=$(jar_path "$image")
  sum=$(sha256sum "$jar" | cut -c1-64)
  cache="$CACHE_DIR/jdeps/$sum"
  if [[ ! -s $cache ]]; then
    log "jdeps $image jar"
    mkdir -p "$CACHE_DIR/jdeps" "$builder/work"
    cp "$jar" "$builder/work/app.jar"
    in_builder "$builder" "$JDK_HOME_IN_BUILDER/bin/jdeps" --print-module-deps --ignore-missing-deps \
      --multi-release 17 /work/app.jar >"$cache.tmp" || die "jdeps failed on $jar"
    rm -f "$builder/work/app.jar"
    mv "$cache.tmp" "$cache"
  fi
  var="EXTRA_MODULES_$image"; extra=${!var}
  # Sorted and unique, so the same set always maps to the same cached runtime.
  tr ',\n' '\n\n' <<<"$(cat "$cache"),$extra" | grep -v '^$' | sort -u | paste -sd, -
}

# java_runtime MODULES BUILDER_ROOT -> path of a jlink runtime holding exactly those modules
java_runtime() {
  local modules=$1 builder=$2 jdk_release key dir
  jdk_release=$(grep '^JAVA_VERSION=' "$builder$JDK_HOME_IN_BUILDER/release" | cut -d'"' -f2)
  key=$(printf '%s|%s|%s' "$(basename "$builder")" "$jdk_release" "$modules" | short_hash)
  dir="$CACHE_DIR/runtimes/$key"
  if [[ ! -e $dir/.complete ]]; then
    log "jlink runtime ($jdk_release: $modules)"
    rm -rf "$builder/work/runtime"; mkdir -p "$builder/work" "$CACHE_DIR/runtimes"
    in_builder "$builder" "$JDK_HOME_IN_BUILDER/bin/jlink" --add-modules "$modules" \
      --strip-debug --no-header-files --no-man-pages --compress=2 --output /work/runtime \
      || die "jlink failed for modules $modules"
    rm -rf "$dir"; mv "$builder/work/runtime" "$dir"; touch "$dir/.complete"
  fi
  echo "$dir"
}

# trimmed_rootfs IMAGE RUNTIME_ROOT DEST: a copy of the runtime root holding only the files of the
# image's packages, no package manager, docs, locales or device nodes; plus the users and the
# directories a container needs.
trimmed_rootfs() {
  local image=$1 root=$2 dest=$3 var keep pkg list path
  var="KEEP_$image"; keep=" ${!var} "
  rm -rf "$dest"; mkdir -p "$dest"
  (cd "$root" && tar --exclude=./.complete --exclude=./dev --exclude=./proc --exclude=./sys \
     --exclude=./work -cf - .) | tar -C "$dest" -xf -

  local -a doomed=()
  for list in "$dest"/var/lib/dpkg/info/*.list; do
    pkg=$(basename "$list" .list); pkg=${pkg%%:*}
    [[ $keep == *" $pkg "* ]] && continue
    # Directories (and the merged-/usr links /bin, /lib, /sbin) are left for the empty-directory
    # sweep below: other packages may share them.
    while IFS= read -r path; do
      [[ -d $dest$path ]] || doomed+=("$dest$path")
    done <"$list"
  done
  ((${#doomed[@]} == 0)) || printf '%s\0' "${doomed[@]}" | xargs -0 rm -f

  # Package metadata in distroless style (one status file per kept package) so that image
  # scanners still know what is inside; the package manager itself is gone.
  mkdir -p "$dest/var/lib/dpkg/status.d"
  for pkg in ${!var}; do
    awk -v p="$pkg" 'BEGIN{RS=""; ORS="\n\n"} {split($0, l, "\n")} l[1] == "Package: " p {print}' \
      "$dest/var/lib/dpkg/status" >"$dest/var/lib/dpkg/status.d/$pkg"
    [[ -s $dest/var/lib/dpkg/status.d/$pkg ]] || die "package $pkg is not installed in the runtime root"
  done
  find "$dest/var/lib/dpkg" -mindepth 1 -maxdepth 1 ! -name status.d -exec rm -rf {} +

  # Docs, man pages, locales, caches, logs, alternatives (their links point to removed programs),
  # and gconv (iconv modules: neither the JVM nor kmod converts character sets). Copyright files
  # stay: they are the licences of what the image redistributes.
  find "$dest/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete 2>/dev/null || true
  rm -rf "$dest"/usr/share/{man,info,locale,lintian,bug,doc-base,common-licenses,bash-completion} \
         "$dest"/usr/lib/locale "$dest"/usr/lib/x86_64-linux-gnu/gconv \
         "$dest"/var/cache/* "$dest"/var/log/* "$dest"/var/lib/apt "$dest"/var/lib/misc \
         "$dest"/etc/alternatives "$dest"/etc/apt "$dest"/etc/dpkg "$dest"/etc/ld.so.cache \
         "$dest"/etc/shadow* "$dest"/etc/gshadow* "$dest"/etc/*- "$dest"/etc/hostname \
         "$dest"/etc/resolv.conf "$dest"/etc/machine-id "$dest"/root
  # What maintainer scripts of removed packages made (init, PAM, systemd units, debugger helpers).
  rm -rf "$dest"/etc/{init.d,rc?.d,systemd,pam.d,security,update-motd.d,cron.d,cron.daily,logrotate.d} \
         "$dest"/etc/{.pwd.lock,subuid,subgid,environment,localtime,timezone,fstab,motd,issue,issue.net} \
         "$dest"/var/lib/{pam,systemd,shells.state} "$dest"/var/spool "$dest"/var/mail \
         "$dest"/usr/share/{gcc,gdb,initramfs-tools,zoneinfo} "$dest"/usr/local
  remove_dangling_links "$dest"
  find "$dest" -depth -mindepth 1 -type d -empty -delete

  mkdir -p "$dest"/{dev,proc,sys,run,etc,app,home/nonroot,root,var/tmp,tmp}
  chmod 1777 "$dest/tmp" "$dest/var/tmp"; chmod 0700 "$dest/root"
  chown 65532:65532 "$dest/home/nonroot"
  cat >"$dest/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/usr/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin
EOF
  cat >"$dest/etc/group" <<'EOF'
root:x:0:
nonroot:x:65532:
EOF
  cat >"$dest/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
hosts: files dns
EOF
  # The loader's cache, rebuilt for what is left (the old one listed removed libraries).
  if command -v ldconfig >/dev/null; then ldconfig -X -r "$dest"; fi
}

# Deletes the symbolic links whose target, resolved inside ROOT, no longer exists (alternatives
# such as /usr/bin/awk, links into removed packages), so the image holds no broken links.
remove_dangling_links() {
  local root=$1 link target resolved pass
  for pass in 1 2; do   # a second pass catches links to links removed by the first
    while IFS= read -r -d '' link; do
      target=$(readlink "$link")
      if [[ $target == /* ]]; then resolved="$root$target"; else resolved="$(dirname "$link")/$target"; fi
      [[ -e $resolved ]] || rm -f "$link"
    done < <(find "$root" -type l -print0)
  done
}

jvm_options() {
  grep -v -e '^\s*#' -e '^\s*$' "$IMAGES_DIR/jvm-options/$1.options" | sed 's/\s*$//'
}

# json_array WORD... -> ["WORD", ...] (the words have no quotes or backslashes: JVM flags, paths)
json_array() {
  local out="" w
  for w in "$@"; do out+="${out:+, }\"$w\""; done
  echo "[$out]"
}

# buildah_layer FROM IMAGE_REF CREATED_BY SRC DEST -> commits FROM + (SRC copied to DEST) as IMAGE_REF
buildah_layer() {
  local from=$1 ref=$2 created_by=$3 src=$4 dest=$5 ctr mnt
  ctr=$(buildah_ from --pull=never "$from")
  mnt=$(buildah_ mount "$ctr")
  mkdir -p "$mnt$dest"
  # tar keeps owners, modes and links exactly as prepared (buildah copy would chown to root).
  (cd "$src" && tar --exclude=./.complete -cf - .) | tar -C "$mnt$dest" -xf -
  buildah_ umount "$ctr" >/dev/null
  buildah_ config --created-by "$created_by" "$ctr"
  buildah_ commit -q --timestamp "$SOURCE_DATE_EPOCH" --rm "$ctr" "$ref" >/dev/null
}

# cds_archive IMAGE MNT RUNTIME OPTIONS... -> prints the path of a class-data-sharing archive (AppCDS)
# for the image mounted at MNT (root file system, /opt/java, /app/<jar> in place), made if needed.
# The jlink runtime has no CDS archive of its own, so without one the JVM parses every JDK class
# from lib/modules at each start and keeps it in metaspace. The classes to archive are those a short
# training run of the image's own entrypoint loads: `run` on images/test.sh's powercap tree, scraped twice.
# The archive is the JVM's: it records the jar's size and mtime (SOURCE_DATE_EPOCH, as in the layer)
# and is only valid for this runtime and these options, so all of them are in the cache key.
# JDK 17's -Xshare:dump is not deterministic (two dumps of the same inputs differ in up to 5 MiB of
# 17 MiB, with ASLR off too), hence the cache: two builds of one jar on one machine give the same
# archive, builds on two machines give different ones (docs/benchmarks/agent-vs-scaphandre.md).
cds_archive() {
  local image=$1 mnt=$2 runtime=$3; shift 3
  local jar_name key dir port
  jar_name=$(basename "$(jar_path "$image")")
  key=$(printf '%s|%s|%s|%s|%s' "$CDS_RECIPE" "$(sha256sum <"$mnt/app/$jar_name" | cut -c1-64)" \
        "$SOURCE_DATE_EPOCH" "$(basename "$runtime")" "$*" | short_hash)
  dir="$CACHE_DIR/cds/$image-$key"
  if [[ ! -s $dir/archive.jsa ]]; then
    log "$image: class-data-sharing archive (training run of the entrypoint, then -Xshare:dump)"
    rm -rf "$dir"; mkdir -p "$dir"
    port=$(free_loopback_port)
    # A private mount namespace: /proc, /dev and a scratch /tmp are mounted over the image's empty
    # directories and vanish with the namespace, so nothing of the training lands in a layer.
    if ! unshare --mount --propagation private -- bash -euc "$(declare -f make_fake_sysfs)"'
        mnt=$1 jar=$2 port=$3 out=$4; shift 4
        mount -t proc proc "$mnt/proc"; mount --rbind /dev "$mnt/dev"; mount -t tmpfs cds "$mnt/tmp"
        make_fake_sysfs "$mnt/tmp/sys"
        java=(chroot "$mnt" /opt/java/bin/java)   # a simple command: $! is the JVM itself
        "${java[@]}" "$@" -Xshare:off -XX:DumpLoadedClassList=/tmp/classes.lst -jar "/app/$jar" run \
          --path.sysfs /tmp/sys --web.listen-address "127.0.0.1:$port" --interval 1s >"$out/training.log" 2>&1 &
        agent=$!
        served=0
        for _ in $(seq 1 120); do
          if curl -fsS "http://127.0.0.1:$port/metrics" 2>/dev/null | grep -q "^opennebula_host_power_watts"; then
            served=$((served + 1)); ((served == 2)) && break
          fi
          sleep 1
        done
        kill "$agent"; wait "$agent" || true
        ((served == 2)) || { echo "the training run did not serve power twice" >&2; exit 1; }
        "${java[@]}" "$@" -Xshare:dump -XX:SharedClassListFile=/tmp/classes.lst -XX:SharedArchiveFile=/tmp/archive.jsa \
          -cp "/app/$jar" >"$out/dump.log" 2>&1
        cp "$mnt/tmp/classes.lst" "$mnt/tmp/archive.jsa" "$out/"
      ' cds "$mnt" "$jar_name" "$port" "$dir" "$@"; then
      tail -n 20 "$dir"/*.log >&2
      die "$image: the class-data-sharing archive could not be made (logs: $dir)"
    fi
  fi
  echo "$dir/archive.jsa"
}

build_image() {
  local image=$1 runtime_root=$2 builder_root=$3
  local jar modules runtime work name ref jar_name user_var desc_var revision created
  jar=$(jar_path "$image")
  [[ -f $jar ]] || die "$jar is missing: run ./mvnw -B -DskipTests package first"
  name=$(image_name "$image"); ref=$(image_ref "$image")
  jar_name=$(basename "$jar")
  work="$CACHE_DIR/work/$image"

  modules=$(jar_modules "$image" "$builder_root")
  runtime=$(java_runtime "$modules" "$builder_root")
  log "$image: rootfs"
  trimmed_rootfs "$image" "$runtime_root" "$work/rootfs"
  mkdir -p "$work/jar"; rm -f "$work/jar"/*; cp "$jar" "$work/jar/$jar_name"; chmod 0644 "$work/jar/$jar_name"

  log "$image: layers"
  buildah_layer scratch "localhost/$name-build:rootfs" "debootstrap $DEBIAN_SUITE minbase, trimmed to: ${KEEP_COMMON}" "$work/rootfs" /
  buildah_layer "localhost/$name-build:rootfs" "localhost/$name-build:java" "jlink --add-modules $modules" "$runtime" /opt/java

  local ctr mnt
  ctr=$(buildah_ from --pull=never "localhost/$name-build:java")
  mnt=$(buildah_ mount "$ctr")
  # The jar's mtime as the layer will have it: a CDS archive records it and checks it at start.
  touch -d "@$SOURCE_DATE_EPOCH" "$work/jar/$jar_name"
  (cd "$work/jar" && tar -cf - .) | tar -C "$mnt/app" -xf -
  local -a opts; mapfile -t opts < <(jvm_options "$image")
  if [[ $CDS_IMAGES == *" $image "* ]]; then
    local archive jsa="${jar_name%.jar}.jsa"
    archive=$(cds_archive "$image" "$mnt" "$runtime" "${opts[@]}")
    install -m 0444 "$archive" "$mnt/app/$jsa"
    touch -d "@$SOURCE_DATE_EPOCH" "$mnt/app/$jsa"
    opts+=("-XX:SharedArchiveFile=/app/$jsa")
  fi
  buildah_ umount "$ctr" >/dev/null

  revision=$(git -C "$REPO_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
  if [[ $revision != unknown ]] && ! git -C "$REPO_ROOT" diff --quiet HEAD -- 2>/dev/null; then revision+="-dirty"; fi
  created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
  user_var="USER_$image"; desc_var="DESCRIPTION_$image"
  local -a labels=(
    "org.opencontainers.image.title=$name"
    "org.opencontainers.image.description=${!desc_var}"
    "org.opencontainers.image.source=$SOURCE_URL"
    "org.opencontainers.image.url=$SOURCE_URL"
    "org.opencontainers.image.version=$IMAGE_TAG"
    "org.opencontainers.image.revision=$revision"
    "org.opencontainers.image.created=$created"
    "org.opencontainers.image.licenses=Apache-2.0"
    "org.opencontainers.image.vendor=one-scaphandre"
  )
  local -a config=()
  for l in "${labels[@]}"; do config+=(--label "$l" --annotation "$l"); done
  buildah_ config "${config[@]}" \
    --user "${!user_var}" --workingdir /app \
    --env JAVA_HOME=/opt/java --env PATH=/opt/java/bin:/usr/sbin:/usr/bin:/sbin:/bin --env LANG=C.UTF-8 \
    --entrypoint "$(json_array /opt/java/bin/java "${opts[@]}" -jar "/app/$jar_name")" \
    --cmd '["run"]' \
    --created-by "COPY $jar_name /app/" \
    --stop-signal SIGTERM \
    "$ctr"
  buildah_ commit -q --timestamp "$SOURCE_DATE_EPOCH" --rm "$ctr" "localhost/$ref" >/dev/null

  write_archive "$image"
  buildah_ rmi "localhost/$ref" "localhost/$name-build:java" "localhost/$name-build:rootfs" >/dev/null
  rm -rf "$work"
}

# The OCI layout from buildah, tarred with fixed order, owners and times: `buildah push
# oci-archive:` stamps the tar entries with the current time, which would make every archive differ.
write_archive() {
  local image=$1 ref layout archive
  ref=$(image_ref "$image"); archive=$(image_archive "$image")
  layout="$CACHE_DIR/work/$image-layout"
  rm -rf "$layout"
  buildah_ push -q "localhost/$ref" "oci:$layout:$ref" >/dev/null
  mkdir -p "$OUT_DIR"
  tar -C "$layout" --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
      --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
      -cf "$archive.tmp" .
  mv "$archive.tmp" "$archive"
  rm -rf "$layout"
  log "$image: $archive ($(du -h "$archive" | cut -f1), manifest $(image_manifest_digest "$archive"))"
}

image_manifest_digest() {
  tar -xOf "$1" ./index.json | grep -oE 'sha256:[0-9a-f]{64}' | head -n1
}

main() {
  local which=${1:-all} targets=()
  case "$which" in
    all) targets=("${IMAGES[@]}") ;;
    operator|agent) targets=("$which") ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//;/^set -euo/d'; return 0 ;;
    *) die "usage: images/build.sh [operator|agent|all]" ;;
  esac
  require_root "images/build.sh"
  require_commands debootstrap buildah unshare chroot tar sha256sum flock git curl
  for t in "${targets[@]}"; do [[ -f $(jar_path "$t") ]] || die "$(jar_path "$t") is missing: run ./mvnw -B -DskipTests package first"; done
  export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$REPO_ROOT" log -1 --format=%ct 2>/dev/null || echo 0)}"

  with_cache_lock
  local start=$SECONDS runtime_root builder_root
  # Both roots are downloads: fetch them side by side.
  cached_root runtime "$RUNTIME_PACKAGES" >"$CACHE_DIR/.runtime-root.$$" &
  local runtime_pid=$!
  builder_root=$(cached_root builder "$BUILDER_PACKAGES")
  wait "$runtime_pid" || die "the runtime root could not be made"
  runtime_root=$(cat "$CACHE_DIR/.runtime-root.$$"); rm -f "$CACHE_DIR/.runtime-root.$$"

  for t in "${targets[@]}"; do build_image "$t" "$runtime_root" "$builder_root"; done
  log "done in $((SECONDS - start)) s"
}

main "$@"
