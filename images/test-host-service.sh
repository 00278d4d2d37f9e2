# The agent as a host service (host-service/README.md), tested by images/test.sh (sourced, not run):
#
#  - podman_unit_checks BUNDLE: the podman unit's two `podman run` lines (init, agent) turned into
#    runc configurations of the agent image: the same mounts (the host's /sys, /proc and /var/tmp
#    replaced by a simulated powercap tree, this machine's /proc and a /var/tmp holding OpenNebula's
#    /var/tmp/one_db/config), namespaces, user, capabilities, read-only root; the init's JSON line
#    and the agent's /metrics are checked. podman itself cannot run containers on these machines
#    (see the top of images/test.sh), so the unit's flags are translated here, flag by flag, and a
#    flag this translation does not know fails the test rather than being ignored.
#  - deb_checks: the Debian package installed with dpkg into a Debian root made by debootstrap
#    (minbase + systemd, cached like the image roots) by host-service/opennebula/install-agent.sh
#    from where `onehost sync` puts it: files and modes, the system user, the
#    conffile, the unit enabled, `systemd-analyze verify` of every unit (the podman one too) and
#    `systemd-analyze security` of the agent's; then the package's init and agent started in that
#    root with the command lines of its units and the flags of its /etc/default file, the agent as
#    the unprivileged user: energy_uj root-only is `unreadable`, after the init step `ok`; then a
#    reinstall (conffile kept), remove and purge.

HOST_ROOT_PACKAGES="systemd,kmod"
HOST_PIDS=()   # agents started in the Debian root, killed by images/test.sh's cleanup
PODMAN_UNIT="$REPO_ROOT/host-service/podman/one-scaphandre-agent-container.service"

deb_path() { echo "$REPO_ROOT/host-service/target/one-scaphandre-agent_$(dpkg --print-architecture 2>/dev/null || echo amd64).deb"; }

# unit_value FILE KEY -> the last value of KEY, continuation lines joined
unit_value() {
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$1" | sed -n "s/^$2=//p" | tail -n1 | tr -s ' '
}

# A /var/tmp as OpenNebula 7 leaves it on a host whose id is 12.
make_fake_vartmp() {
  mkdir -p "$1/one_db" "$1/one/im"
  echo '<MONITOR_CONFIGURATION><HOST_ID>12</HOST_ID><PROBES_PERIOD><SYSTEM_HOST>600</SYSTEM_HOST></PROBES_PERIOD></MONITOR_CONFIGURATION>' \
    >"$1/one_db/config"
  : >"$1/one/im/status_kvm_12.db"
  chmod -R a+rX "$1"
}

# podman_to_oci WORDS... -> a jq filter for the bundle's config.json; the image's arguments are
# written to $WORK/podman-args (one per line). Host paths are mapped to the simulated host.
podman_to_oci() {
  local filter=".process.capabilities = (.process.capabilities | map_values([]))" args_started=0 word
  local -a rest=("$@")
  local i=0 n=${#rest[@]}
  : >"$WORK/podman-args"
  [[ ${rest[0]} == /usr/bin/podman && ${rest[1]} == run ]] || { echo "not a podman run line: ${rest[*]:0:3}" >&2; return 1; }
  i=2
  while ((i < n)); do
    word=${rest[$i]}
    if ((args_started)); then printf '%s\n' "$word" >>"$WORK/podman-args"; i=$((i + 1)); continue; fi
    case "$word" in
      --rm|--replace|-d|--read-only|--cgroups=*|--sdnotify=*|--cidfile=*|--pull=*) ;;
      --name|--memory) i=$((i + 1)) ;;
      --privileged) filter+=" | .process.capabilities = (.process.capabilities | map_values([\"CAP_SYS_MODULE\", \"CAP_CHOWN\", \"CAP_DAC_OVERRIDE\", \"CAP_SYS_ADMIN\"]))" ;;
      --user) i=$((i + 1)); filter+=" | .process.user.uid = ${rest[$i]%%:*} | .process.user.gid = 0" ;;
      --network) i=$((i + 1))
        case ${rest[$i]} in
          host) filter+=" | .linux.namespaces |= map(select(.type != \"network\"))" ;;
          none) ;;   # a network namespace of its own, as the bundle has
          *) echo "unknown --network ${rest[$i]}" >&2; return 1 ;;
        esac ;;
      --pid) i=$((i + 1)); [[ ${rest[$i]} == host ]] || { echo "unknown --pid ${rest[$i]}" >&2; return 1; }
        filter+=" | .linux.namespaces |= map(select(.type != \"pid\"))" ;;
      --cap-drop) i=$((i + 1)); [[ ${rest[$i]} == ALL ]] || { echo "only --cap-drop ALL is translated" >&2; return 1; } ;;
      --cap-add) i=$((i + 1)); filter+=" | .process.capabilities |= map_values(. + [\"CAP_${rest[$i]}\"])" ;;
      --security-opt) i=$((i + 1)); [[ ${rest[$i]} == no-new-privileges ]] || { echo "unknown --security-opt ${rest[$i]}" >&2; return 1; }
        filter+=" | .process.noNewPrivileges = true" ;;
      --tmpfs) i=$((i + 1)); filter+=" | .mounts += [{destination: \"${rest[$i]%%:*}\", type: \"tmpfs\", source: \"tmpfs\", options: [\"nosuid\", \"nodev\", \"size=16m\"]}]" ;;
      --volume) i=$((i + 1))
        local src dst opts simulated
        IFS=: read -r src dst opts <<<"${rest[$i]}"
        [[ $opts == ro ]] || { echo "volume $src is not read-only" >&2; return 1; }
        case $src in
          /sys) simulated="$WORK/sys" ;;
          /var/tmp) simulated="$WORK/host-vartmp" ;;
          /lib/modules) simulated="$WORK/modules"; mkdir -p "$simulated" ;;   # RAPL is simulated: nothing to load
          /proc) simulated=$src ;;
          *) echo "no simulated host path for volume $src" >&2; return 1 ;;
        esac
        filter+=" | .mounts |= map(select(.destination != \"$dst\")) | .mounts += [{destination: \"$dst\", type: \"bind\", source: \"$simulated\", options: [\"rbind\", \"ro\"]}]" ;;
      -*) echo "podman flag $word is not translated by images/test-host-service.sh" >&2; return 1 ;;
      *) args_started=1 ;;   # the image: what follows are its arguments
    esac
    i=$((i + 1))
  done
  echo "$filter"
}

# podman_line KEY PORT -> the words of the unit's KEY= podman command, variables expanded from the
# unit's own Environment= defaults, the listen address moved to PORT
podman_line() {
  local key=$1 port=$2 line image args
  line=$(unit_value "$PODMAN_UNIT" "$key")
  image=$(sed -n 's/^Environment=ONE_SCAPHANDRE_AGENT_IMAGE=//p' "$PODMAN_UNIT")
  args=$(sed -n 's/^Environment="ONE_SCAPHANDRE_AGENT_ARGS=\(.*\)"$/\1/p' "$PODMAN_UNIT" | sed "s/--web.listen-address=[^ ]*/--web.listen-address=127.0.0.1:$port/")
  line=${line//'${ONE_SCAPHANDRE_AGENT_IMAGE}'/$image}
  line=${line//'$ONE_SCAPHANDRE_AGENT_ARGS'/$args}
  line=${line//'%t'/$WORK/run}
  line=${line//'%n'/one-scaphandre-agent-container.service}
  echo "$line"
}

podman_unit_checks() {
  local bundle=$1 port filter out dest id
  [[ -f $PODMAN_UNIT ]] || { fail "podman unit" "$PODMAN_UNIT is missing"; return; }
  rm -rf "$WORK/sys"; make_fake_sysfs "$WORK/sys"
  make_fake_vartmp "$WORK/host-vartmp"
  port=$(free_loopback_port)

  local -a words
  read -r -a words <<<"$(podman_line ExecStartPre "$port")"
  filter=$(podman_to_oci "${words[@]}" 2>"$WORK/podman.err") || { fail "podman unit: init line" "$(cat "$WORK/podman.err")"; return; }
  local -a args; mapfile -t args <"$WORK/podman-args"
  out=$(run_once "$bundle" podman-init "$filter | .process.args = $(entrypoint_args "$bundle" "${args[@]}")") || true
  local json; json=$(grep '^{' <<<"$out" | tail -n1 || true)
  if [[ $(jq -r '.hostId' <<<"$json" 2>/dev/null) == 12 && $(jq -r '.rapl' <<<"$json") == ok ]]; then
    pass "podman unit: init step as the unit runs it (host id 12 from /var/tmp/one_db/config, RAPL ok)"
  else
    fail "podman unit: init step as the unit runs it" "$out"
  fi

  read -r -a words <<<"$(podman_line ExecStart "$port")"
  filter=$(podman_to_oci "${words[@]}" 2>"$WORK/podman.err") || { fail "podman unit: agent line" "$(cat "$WORK/podman.err")"; return; }
  mapfile -t args <"$WORK/podman-args"
  id="one-scaphandre-image-test-podman-agent-$$"
  dest=$(bundle_copy "$bundle" podman-agent "$filter | .process.args = $(entrypoint_args "$bundle" "${args[@]}")")
  if [[ $(jq -c '.process.capabilities.bounding' "$dest/config.json") != '["CAP_SYS_PTRACE"]' || \
        $(jq -r '.process.noNewPrivileges' "$dest/config.json") != true ]]; then
    fail "podman unit: agent capabilities" "$(jq -c '.process | {capabilities, noNewPrivileges}' "$dest/config.json")"
  fi
  CONTAINERS+=("$id")
  runc --root "$WORK/runc" run --detach --bundle "$dest" "$id" >"$WORK/podman-agent.log" 2>&1 </dev/null \
    || { fail "podman unit: agent starts" "$(cat "$WORK/podman-agent.log")"; return; }
  local body="" i
  for i in $(seq 1 60); do
    body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/metrics" 2>/dev/null) \
      && [[ $body == *opennebula_host_power_watts* ]] && break
    body=""; sleep 1
  done
  local missing=() m
  for m in 'opennebula_agent_host_info{host_id="12",host_id_source="one_db_config",hypervisor="kvm",one_host_id="12"} 1' \
           'opennebula_rapl_state{state="ok"} 1' 'opennebula_host_power_watts'; do
    grep -qF -- "$m" <<<"$body" || missing+=("$m")
  done
  if [[ -n $body ]] && ((${#missing[@]} == 0)); then
    pass "podman unit: agent as the unit runs it serves its host id and power (port $port, caps SYS_PTRACE only, read-only)"
  else
    fail "podman unit: agent as the unit runs it" "missing ${missing[*]:-everything}; log: $(tail -n 20 "$WORK/podman-agent.log")"
  fi
  runc --root "$WORK/runc" kill "$id" KILL >/dev/null 2>&1 || true
}

# in_root ROOT COMMAND... : COMMAND in the Debian root, with /proc mounted in a private mount
# namespace. Every step execs the next, so `in_root ... &` gives the pid of COMMAND itself.
in_root() {
  (exec_in_root "$@")
}
exec_in_root() {
  local root=$1; shift
  exec unshare --mount --propagation private -- sh -c \
    'root=$1; shift; mount -t proc proc "$root/proc" && exec chroot "$root" "$@"' sh "$root" "$@"
}

# exec_line ROOT UNIT KEY -> the unit's command with the variables of the package's /etc/default file
exec_line() {
  local root=$1 unit=$2 line var value
  line=$(unit_value "$root/lib/systemd/system/$unit" ExecStart)
  for var in $(grep -oE '\$[A-Z_]+' <<<"$line" | tr -d '$' | sort -u); do
    value=$(sed -n "s/^$var=\"\(.*\)\"$/\1/p" "$root/etc/default/one-scaphandre-agent")
    line=${line//"\$$var"/$value}
  done
  echo "$line"
}

deb_checks() {
  local deb root base
  deb=$(deb_path)
  [[ -f $deb ]] || { fail "deb: package built" "$deb is missing: run ./mvnw -B package first"; return; }
  # Under the cache lock shared with images/build.sh, held by this subshell only: the processes
  # started below must not inherit it.
  base=$(with_cache_lock; cached_root host "$HOST_ROOT_PACKAGES")
  root="$WORK/debroot"
  cp -a "$base" "$root"
  # Where `onehost sync` puts the frontend's remotes/one-scaphandre/ (host-service/README.md).
  local synced=/var/tmp/one/one-scaphandre out
  mkdir -p "$root$synced"
  cp "$deb" "$REPO_ROOT/host-service/opennebula/install-agent.sh" "$root$synced/"
  if out=$(in_root "$root" "$synced/install-agent.sh" 2>&1) && in_root "$root" dpkg-query -W one-scaphandre-agent >/dev/null 2>&1; then
    pass "deb: install-agent.sh (apt-get install) into a debootstrap $DEBIAN_SUITE root: Depends satisfied ($(tail -n1 <<<"$out"))"
  else
    fail "deb: install-agent.sh into a debootstrap root" "$out"; return
  fi

  local passwd; passwd=$(in_root "$root" getent passwd one-scaphandre || true)
  local uid; uid=$(cut -d: -f3 <<<"$passwd")
  if [[ -n $passwd && $uid -lt 1000 && $(cut -d: -f6,7 <<<"$passwd") == /nonexistent:/usr/sbin/nologin ]] \
     && in_root "$root" getent group one-scaphandre >/dev/null; then
    pass "deb: system user and group one-scaphandre (uid $uid, no home, no shell)"
  else
    fail "deb: system user one-scaphandre" "passwd entry: '$passwd'"
  fi

  local expected=(
    "755 root root usr/sbin/one-scaphandre-agent"
    "644 root root usr/lib/one-scaphandre-agent/one-scaphandre-agent.jar"
    "644 root root usr/lib/one-scaphandre-agent/agent.options"
    "755 root root usr/lib/one-scaphandre-agent/java/bin/java"
    "644 root root lib/systemd/system/one-scaphandre-agent.service"
    "644 root root lib/systemd/system/one-scaphandre-agent-init.service"
    "644 root root etc/default/one-scaphandre-agent")
  local e wrong=()
  for e in "${expected[@]}"; do
    local path=${e##* }
    [[ $(in_root "$root" stat -c '%a %U %G' "/$path" 2>/dev/null) == "${e% *}" ]] || wrong+=("$path: $(in_root "$root" stat -c '%a %U %G' "/$path" 2>&1)")
  done
  if ((${#wrong[@]} == 0)); then pass "deb: files installed with their owners and modes"; else fail "deb: files installed" "${wrong[*]}"; fi

  check "deb: /etc/default/one-scaphandre-agent is a conffile" \
    bash -c "[[ \$(chroot '$root' dpkg-query -W -f='\${Conffiles}' one-scaphandre-agent) == *'/etc/default/one-scaphandre-agent '* ]]"
  check "deb: agent unit enabled (multi-user.target.wants)" \
    test "$(readlink "$root/etc/systemd/system/multi-user.target.wants/one-scaphandre-agent.service")" == /lib/systemd/system/one-scaphandre-agent.service

  # systemd-analyze verify checks every unit's syntax, its dependencies and that its executables
  # exist in the root. The podman unit needs /usr/bin/podman: a stand-in that is never run.
  install -m 0644 "$PODMAN_UNIT" "$REPO_ROOT"/host-service/prometheus/one-scaphandre-file-sd.{service,timer} "$root/etc/systemd/system/"
  printf '#!/bin/sh\nexit 1\n' >"$root/usr/bin/podman"; chmod 0755 "$root/usr/bin/podman"
  if out=$(in_root "$root" systemd-analyze verify /lib/systemd/system/one-scaphandre-agent.service \
             /lib/systemd/system/one-scaphandre-agent-init.service \
             /etc/systemd/system/one-scaphandre-agent-container.service \
             /etc/systemd/system/one-scaphandre-file-sd.service /etc/systemd/system/one-scaphandre-file-sd.timer 2>&1) \
     && [[ -z $out ]]; then
    pass "deb: systemd-analyze verify of the agent, init, podman and file_sd units (systemd $(in_root "$root" systemctl --version | head -n1 | cut -d' ' -f2))"
  else
    fail "deb: systemd-analyze verify" "$out"
  fi
  rm -f "$root/usr/bin/podman"

  local exposure
  exposure=$(in_root "$root" systemd-analyze security --offline=true /lib/systemd/system/one-scaphandre-agent.service 2>&1 \
             | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
  measure "deb: systemd-analyze security exposure of one-scaphandre-agent.service: ${exposure:-?} (0 = most restricted, 10 = none)"
  if [[ -n $exposure ]] && awk -v e="$exposure" 'BEGIN {exit !(e < 2.0)}'; then
    pass "deb: agent unit exposure under 2.0 ($exposure, 'OK' in systemd's scale)"
  else
    fail "deb: agent unit exposure under 2.0" "$(in_root "$root" systemd-analyze security --offline=true /lib/systemd/system/one-scaphandre-agent.service 2>&1 | tail -n 30)"
  fi

  deb_run_checks "$root"
  deb_lifecycle_checks "$root"
  file_sd_checks
  ansible_checks
}

# Upgrade (the same package again: postinst with the old version), remove and purge.
deb_lifecycle_checks() {
  local root=$1 out
  echo '# changed by the admin' >>"$root/etc/default/one-scaphandre-agent"
  if out=$(in_root "$root" sh -c 'DEBIAN_FRONTEND=noninteractive dpkg --force-confold -i /var/tmp/one/one-scaphandre/one-scaphandre-agent_*.deb' 2>&1) \
     && grep -q 'changed by the admin' "$root/etc/default/one-scaphandre-agent" \
     && [[ -L $root/etc/systemd/system/multi-user.target.wants/one-scaphandre-agent.service ]]; then
    pass "deb: reinstall over itself keeps the admin's /etc/default file and the enabled unit"
  else
    fail "deb: reinstall over itself" "$out"
  fi
  if out=$(in_root "$root" dpkg -r one-scaphandre-agent 2>&1) && [[ ! -e $root/usr/lib/one-scaphandre-agent/one-scaphandre-agent.jar ]] \
     && [[ ! -e $root/usr/sbin/one-scaphandre-agent && -e $root/etc/default/one-scaphandre-agent ]]; then
    pass "deb: remove deletes the program and keeps the conffile"
  else
    fail "deb: remove" "$out"
  fi
  if out=$(in_root "$root" dpkg -P one-scaphandre-agent 2>&1) && [[ ! -e $root/etc/default/one-scaphandre-agent ]] \
     && [[ ! -e $root/etc/systemd/system/multi-user.target.wants/one-scaphandre-agent.service ]] \
     && in_root "$root" getent passwd one-scaphandre >/dev/null; then
    pass "deb: purge deletes the conffile and the unit's links, keeps the system user (Debian practice)"
  else
    fail "deb: purge" "$out; $(ls -la "$root/etc/systemd/system/multi-user.target.wants/" 2>&1)"
  fi
}

# The Ansible playbook for one-deploy inventories: ansible-playbook parses it, resolves every module
# and lists its tasks for a `node` group (running it needs real hosts).
ansible_checks() {
  local playbook="$REPO_ROOT/host-service/ansible/one-scaphandre-agent.yml" out
  if ! command -v ansible-playbook >/dev/null; then
    skip "ansible playbook" "no ansible-playbook here (Debian: apt-get install ansible-core)"; return
  fi
  printf '[frontend]\nfe1\n[node]\nkvm-01\nkvm-02\n' >"$WORK/inventory"
  if out=$(ansible-playbook --syntax-check -i "$WORK/inventory" "$playbook" -e one_scaphandre_deb=x.deb 2>&1) \
     && out=$(ansible-playbook --list-hosts --list-tasks -i "$WORK/inventory" "$playbook" -e one_scaphandre_deb=x.deb 2>&1) \
     && grep -q 'kvm-02' <<<"$out" && ! grep -q 'fe1' <<<"$out" && grep -q 'It serves /readyz' <<<"$out"; then
    pass "ansible playbook: valid for $(ansible-playbook --version 2>/dev/null | sed -n 1p), targets the inventory's node group only"
  else
    fail "ansible playbook" "$out"
  fi
}

# The file_sd unit's command with a stand-in for `java -jar ... generate-conf`: a failure (OpenNebula
# unreachable) leaves the previous target file as it was; a success replaces it whole.
file_sd_checks() {
  local unit="$REPO_ROOT/host-service/prometheus/one-scaphandre-file-sd.service" dir="$WORK/file-sd" command
  mkdir -p "$dir/bin"
  command=$(unit_value "$unit" ExecStart | sed "s|^/bin/sh -ec '||; s|'$||")
  printf '[{"targets": ["kvm-01:8080"], "labels": {"host_id": "3"}}]\n' >"$dir/targets.json"
  printf '#!/bin/sh\necho "generate-conf: OpenNebula at http://localhost:2633/RPC2 did not answer" >&2\nexit 1\n' >"$dir/bin/java"
  chmod +x "$dir/bin/java"
  if ! PATH="$dir/bin:$PATH" FILE_SD="$dir/targets.json" OPERATOR_JAR=/x.jar sh -ec "$command" 2>/dev/null \
     && grep -q kvm-01 "$dir/targets.json"; then
    pass "file_sd unit: OpenNebula unreachable keeps the previous targets"
  else
    fail "file_sd unit: OpenNebula unreachable keeps the previous targets" "$(cat "$dir/targets.json")"
  fi
  printf '#!/bin/sh\n[ "$*" = "-jar /x.jar generate-conf --format file_sd --job-name one-scaphandre-agent --port 8080" ] || exit 2\necho "[{\\"targets\\": [\\"kvm-02:8080\\"]}]"\n' >"$dir/bin/java"
  if PATH="$dir/bin:$PATH" FILE_SD="$dir/targets.json" OPERATOR_JAR=/x.jar sh -ec "$command" \
     && [[ $(cat "$dir/targets.json") == '[{"targets": ["kvm-02:8080"]}]' ]] && [[ ! -e $dir/targets.json.tmp ]]; then
    pass "file_sd unit: generate-conf's output replaces the targets file"
  else
    fail "file_sd unit: generate-conf's output replaces the targets file" "$(cat "$dir/targets.json" 2>&1)"
  fi
}

# The package's own commands on a simulated host inside the root: energy_uj 0400 root as the kernel
# makes it since CVE-2020-8694; the agent as one-scaphandre, no capability, no new privileges.
deb_run_checks() {
  local root=$1 port sim="/sim" agent_line init_line user_run id pid body
  rm -rf "$root$sim"; mkdir -p "$root$sim/var/tmp"
  make_fake_sysfs "$root$sim/sys"
  find "$root$sim/sys" -name energy_uj -exec chmod 0400 {} +
  make_fake_vartmp "$root$sim/var/tmp"
  port=$(free_loopback_port)
  agent_line=$(exec_line "$root" one-scaphandre-agent.service)
  agent_line=$(sed "s/--web.listen-address=[^ ]*/--web.listen-address=127.0.0.1:$port/; s/--interval=[^ ]*/--interval=1s/" <<<"$agent_line")
  agent_line+=" --path.sysfs=$sim/sys --path.rootfs=$sim"
  user_run="setpriv --reuid=one-scaphandre --regid=one-scaphandre --init-groups --no-new-privs --inh-caps=-all --bounding-set=-all"

  # shellcheck disable=SC2086 # command lines are words, as systemd splits them
  exec_in_root "$root" $user_run $agent_line >"$WORK/deb-agent-1.log" 2>&1 &
  pid=$!; HOST_PIDS+=("$pid")
  body=$(await_metrics "$port" 'opennebula_rapl_state{state="unreadable"} 1' $pid)
  if [[ -n $body ]]; then pass "deb: agent as one-scaphandre before the init step: energy_uj root-only is 'unreadable'"
  else fail "deb: agent before the init step" "$(tail -n 20 "$WORK/deb-agent-1.log")"; fi
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true

  init_line=$(exec_line "$root" one-scaphandre-agent-init.service)" --path.sysfs=$sim/sys --path.rootfs=$sim --modprobe=/bin/false"
  local out
  # shellcheck disable=SC2086
  out=$(in_root "$root" $init_line 2>&1)
  local modes gid
  gid=$(in_root "$root" getent group one-scaphandre | cut -d: -f3)
  modes=$(find "$root$sim/sys" -name energy_uj -exec stat -c '%a %g' {} + | sort -u)
  if [[ $modes == "440 $gid" ]] && grep -q 'energy_uj readable by group one-scaphandre' <<<"$out"; then
    pass "deb: init unit's command gives group one-scaphandre read on every energy_uj (0440)"
  else
    fail "deb: init unit's command" "modes: $modes; output: $out"
  fi

  # shellcheck disable=SC2086
  exec_in_root "$root" $user_run $agent_line >"$WORK/deb-agent-2.log" 2>&1 &
  pid=$!; HOST_PIDS+=("$pid")
  body=$(await_metrics "$port" 'opennebula_host_power_watts' $pid)
  local missing=() m
  for m in 'opennebula_rapl_state{state="ok"} 1' \
           'opennebula_agent_host_info{host_id="12",host_id_source="one_db_config",hypervisor="kvm",one_host_id="12"} 1'; do
    grep -qF -- "$m" <<<"$body" || missing+=("$m")
  done
  if [[ -n $body ]] && ((${#missing[@]} == 0)); then
    pass "deb: agent from the installed package, as one-scaphandre with no capability, serves power and host id 12"
    local i rss
    for i in 1 2 3 4 5; do curl -fsS -o /dev/null "http://127.0.0.1:$port/metrics"; sleep 1; done
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [[ -z $rss ]] || measure "deb: agent RSS from the package's runtime after ~10 s with 1 s samples: $((rss / 1024)) MiB ($rss kB)"
  else
    fail "deb: agent from the installed package" "missing ${missing[*]:-everything}; log: $(tail -n 20 "$WORK/deb-agent-2.log")"
  fi
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
}

# await_metrics PORT NEEDLE PID -> the body of /metrics once it contains NEEDLE (empty after 60 s
# or when the process PID ends)
await_metrics() {
  local port=$1 needle=$2 pid=$3 body i
  for i in $(seq 1 60); do
    body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/metrics" 2>/dev/null) && [[ $body == *"$needle"* ]] \
      && { echo "$body"; return; }
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 1
  done
}
