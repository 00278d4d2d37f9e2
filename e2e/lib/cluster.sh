# Bash functions that start a real Kubernetes control plane on loopback for the end-to-end run:
# etcd, kube-apiserver (client-certificate and token auth, certificates made with openssl),
# kube-controller-manager and kube-scheduler. No kubelet: see the kubelet stand-in of the tests.
# Sourced by e2e/run.sh; every function is bounded in time and records the pids it starts.
# E2E_CONTROLLER_MANAGER_ARGS and E2E_SCHEDULER_ARGS add flags (word-split) to those two.

CLUSTER_PIDS=()

cluster_log() { printf '[e2e %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

free_port() { # a port the kernel considers free on 127.0.0.1 right now
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

make_certificates() { # dir
  local d=$1
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 7 \
      -subj "/CN=one-scaphandre-e2e-ca" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
      -subj "/CN=kube-apiserver" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' > server.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt \
      -days 7 -extfile server.ext 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr \
      -subj "/O=system:masters/CN=e2e-admin" 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' > client.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt \
      -days 7 -extfile client.ext 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null && openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    echo "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n'),e2e-admin,e2e-admin-uid,system:masters" > tokens.csv
    chmod 600 ./*.key tokens.csv
  )
}

write_kubeconfig() { # dir port
  local d=$1 port=$2
  cat > "$d/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: "https://127.0.0.1:$port", certificate-authority: "$d/ca.crt"}
users:
- name: e2e-admin
  user: {client-certificate: "$d/admin.crt", client-key: "$d/admin.key"}
contexts:
- name: e2e
  context: {cluster: e2e, user: e2e-admin}
current-context: e2e
EOF
}

start_background() { # name logfile command... : starts it in the background, records its pid
  local name=$1 logfile=$2; shift 2
  "$@" >"$logfile" 2>&1 &
  local pid=$!
  CLUSTER_PIDS+=("$pid")
  echo "$pid" > "${logfile%.log}.pid"
  cluster_log "started $name (pid $pid, log $logfile)"
}

wait_for() { # description timeout-seconds command... : polls every 0.2 s
  local what=$1 timeout=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      cluster_log "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}

start_cluster() { # cache dir -> exports KUBECONFIG, E2E_APISERVER_PID
  local cache=$1 d=$2 bin=$1/bin
  mkdir -p "$d/etcd-data" "$d/logs"
  local started=$SECONDS ep pp ap kp sp
  ep=$(free_port); pp=$(free_port); ap=$(free_port); kp=$(free_port); sp=$(free_port)
  make_certificates "$d"

  local etcd_args=(--name e2e --data-dir "$d/etcd-data"
    --listen-client-urls "http://127.0.0.1:$ep" --advertise-client-urls "http://127.0.0.1:$ep"
    --listen-peer-urls "http://127.0.0.1:$pp" --initial-advertise-peer-urls "http://127.0.0.1:$pp"
    --initial-cluster "e2e=http://127.0.0.1:$pp" --listen-metrics-urls "http://127.0.0.1:$(free_port)")
  # A throwaway cluster: no fsync (etcd >= 3.5 has the flag; Debian's 3.4 does not).
  "$bin/etcd" --help 2>&1 | grep -q -- --unsafe-no-fsync && etcd_args+=(--unsafe-no-fsync)
  start_background etcd "$d/logs/etcd.log" "$bin/etcd" "${etcd_args[@]}"

  start_background kube-apiserver "$d/logs/kube-apiserver.log" "$bin/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ep" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$ap" \
    --tls-cert-file="$d/apiserver.crt" --tls-private-key-file="$d/apiserver.key" \
    --client-ca-file="$d/ca.crt" --token-auth-file="$d/tokens.csv" \
    --service-account-issuer=https://kubernetes.default.svc \
    --service-account-key-file="$d/sa.pub" --service-account-signing-key-file="$d/sa.key" \
    --service-cluster-ip-range=10.96.0.0/24 \
    --authorization-mode=Node,RBAC --allow-privileged=true
  E2E_APISERVER_PID=${CLUSTER_PIDS[-1]}
  write_kubeconfig "$d" "$ap"
  export KUBECONFIG=$d/kubeconfig
  wait_for "kube-apiserver /readyz" 90 "$bin/kubectl" get --raw /readyz || return 1
  E2E_APISERVER_READY_SECONDS=$((SECONDS - started))
  cluster_log "kube-apiserver ready on 127.0.0.1:$ap after ${E2E_APISERVER_READY_SECONDS}s"

  start_background kube-controller-manager "$d/logs/kube-controller-manager.log" \
    "$bin/kube-controller-manager" --kubeconfig="$KUBECONFIG" \
    --authentication-kubeconfig="$KUBECONFIG" --authorization-kubeconfig="$KUBECONFIG" \
    --bind-address=127.0.0.1 --secure-port="$kp" --leader-elect=false \
    --service-account-private-key-file="$d/sa.key" --root-ca-file="$d/ca.crt" \
    --cluster-signing-cert-file="$d/ca.crt" --cluster-signing-key-file="$d/ca.key" \
    --use-service-account-credentials=false --controllers='*' \
    ${E2E_CONTROLLER_MANAGER_ARGS:-}
  start_background kube-scheduler "$d/logs/kube-scheduler.log" "$bin/kube-scheduler" \
    --kubeconfig="$KUBECONFIG" \
    --authentication-kubeconfig="$KUBECONFIG" --authorization-kubeconfig="$KUBECONFIG" \
    --bind-address=127.0.0.1 --secure-port="$sp" --leader-elect=false \
    ${E2E_SCHEDULER_ARGS:-}
  # kube-controller-manager is working once it has made the default ServiceAccount.
  wait_for "the default ServiceAccount (kube-controller-manager)" 90 \
    "$bin/kubectl" -n default get serviceaccount default || return 1
  wait_for "kube-scheduler /healthz" 60 curl -sfk "https://127.0.0.1:$sp/healthz" || return 1
  E2E_CONTROL_PLANE_READY_SECONDS=$((SECONDS - started))
  cluster_log "control plane ready after ${E2E_CONTROL_PLANE_READY_SECONDS}s"
}

stop_cluster() { # stops what start_cluster started, newest first, by pid
  local i pid
  for ((i = ${#CLUSTER_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${CLUSTER_PIDS[i]}
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${CLUSTER_PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  CLUSTER_PIDS=()
}
