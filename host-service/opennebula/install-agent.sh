#!/bin/sh
# Installs or upgrades the one-scaphandre agent host service on this OpenNebula host from the
# Debian package next to this script, and waits until it serves /readyz. Run as root.
#
# The OpenNebula way to get both onto every host (host-service/README.md): on the frontend, as
# oneadmin, put them under /var/lib/one/remotes/one-scaphandre/ and run `onehost sync --force`;
# OpenNebula copies its remotes to /var/tmp/one/ on every host, so on each host:
#   /var/tmp/one/one-scaphandre/install-agent.sh
#
# Exit codes: 0 installed and ready; 1 not installed (apt failed); 2 installed but not ready
# within ONE_SCAPHANDRE_READY_TIMEOUT seconds (default 60: see journalctl -u one-scaphandre-agent).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
deb=$(ls "$here"/one-scaphandre-agent_*.deb 2>/dev/null | head -n1)
if [ -z "$deb" ]; then
  echo "install-agent.sh: no one-scaphandre-agent_*.deb next to $0" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-agent.sh: run as root (it installs a package)" >&2
  exit 1
fi
# A copy: `onehost sync` may delete /var/tmp/one while apt reads the file.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$deb" "$tmp/"
chmod 0755 "$tmp"; chmod 0644 "$tmp/$(basename "$deb")"
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$tmp/$(basename "$deb")"; then
  echo "install-agent.sh: apt-get could not install $deb" >&2
  exit 1
fi
if [ ! -d /run/systemd/system ]; then
  echo "install-agent.sh: installed; systemd is not running here, so the agent was not started"
  exit 0
fi
# The port of the agent, from its flags (default 8080).
port=$(. /etc/default/one-scaphandre-agent 2>/dev/null; echo "${ONE_SCAPHANDRE_AGENT_ARGS:-}" \
  | sed -n 's/.*--web.listen-address=[^ ]*:\([0-9][0-9]*\).*/\1/p')
port=${port:-8080}
timeout=${ONE_SCAPHANDRE_READY_TIMEOUT:-60}
i=0
while [ "$i" -lt "$timeout" ]; do
  if command -v curl >/dev/null 2>&1 && curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; then
    echo "install-agent.sh: one-scaphandre-agent ready on port $port"
    exit 0
  fi
  i=$((i + 1)); sleep 1
done
command -v curl >/dev/null 2>&1 || { echo "install-agent.sh: installed (no curl to check readiness)"; exit 0; }
echo "install-agent.sh: one-scaphandre-agent not ready after ${timeout}s: journalctl -u one-scaphandre-agent -u one-scaphandre-agent-init" >&2
exit 2
