#!/usr/bin/env bash
# The real test environment, as local processes on 127.0.0.1 (no Docker here, so no kind/k3d):
# etcd + kube-apiserver (built from the Go module proxy), kubectl, helm, promtool, and two DynamoDB
# emulators (moto server from PyPI, dynalite from npm).
#
#   hack/testenv.sh up       install what is missing, start everything on free ports, wait until ready,
#                            write .testenv/env (shell exports) and .testenv/kubeconfig
#   hack/testenv.sh down     stop only the processes `up` started (by recorded PID) and remove their state
#   hack/testenv.sh down --cluster   stop only the cluster parts
#   hack/testenv.sh status   exit 0 when every component is running and ready (--cluster: and the cluster)
#   hack/testenv.sh up --cluster   also a single-node cluster: containerd, kubelet, kube-controller-manager,
#                            kube-scheduler, our own bridge (hack/cluster.sh); added to a running environment
#
# Builds are cached in ${XDG_CACHE_HOME:-$HOME/.cache}/dynamodb-operator/<component>-<version>/, so only
# the first run on a machine pays for them; a warm `up` takes seconds.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source-path=SCRIPTDIR source=lib/node.sh
. "$root/hack/lib/node.sh"

K8S_VERSION=v1.34.4
ETCD_VERSION=v3.6.16
HELM_VERSION=v3.19.5
MOTO_VERSION=5.2.5
# dynalite's CREATING/UPDATING/DELETING phases last this long: short, yet observable
DYNALITE_LIFECYCLE_MS="${DDBOP_DYNALITE_LIFECYCLE_MS:-300}"

cache="$DDBOP_CACHE"
state="$root/.testenv"
logs="$state/logs"
pids="$state/pids"
pki="$state/pki"
k8s_dir="$cache/k8s-$K8S_VERSION"
etcd_dir="$cache/etcd-$ETCD_VERSION"
helm_dir="$cache/helm-$HELM_VERSION"
moto_dir="$cache/moto-$MOTO_VERSION"
components=(etcd kube-apiserver moto dynalite)

# ---------------------------------------------------------------------------------------------- output
now_ms() { date +%s%3N; }
log() { echo "testenv: $*" >&2; }
step_begin() {
  step_name="$1"
  step_t0="$(now_ms)"
  log "$step_name ..."
}
step_end() {
  local ms=$(($(now_ms) - step_t0))
  log "$step_name: ${1:-done} ($((ms / 1000)).$(printf '%03d' $((ms % 1000)) | cut -c1)s)"
}
die() {
  log "ERROR: $*"
  exit 1
}
# On a failed start: say which component and show the end of its log.
die_with_log() {
  local name="$1"
  shift
  log "ERROR: $*"
  if [ -f "$logs/$name.log" ]; then
    echo "----- last 40 lines of $logs/$name.log -----" >&2
    tail -n 40 "$logs/$name.log" >&2 || true
    echo "-----" >&2
  fi
  exit 1
}

# ------------------------------------------------------------------------------------------ processes
# /proc/<pid>/stat field 22 (start time in clock ticks): with the pid it identifies one process, so a
# recorded pid that the kernel has since reused for something else is never signalled.
proc_start_time() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  # the command name (field 2) may contain spaces: cut after the last ')'
  stat="${stat##*) }"
  # shellcheck disable=SC2086
  set -- $stat
  # a zombie (Z) or dead (X) process has stopped; it only waits for its parent to reap it
  case "$1" in Z | X) return 1 ;; esac
  echo "${20}"
}

# start NAME CMD ARGS... — own session (so `down` can signal the whole group), output to the log
start_component() {
  local name="$1"
  shift
  mkdir -p "$logs" "$pids"
  setsid "$@" >"$logs/$name.log" 2>&1 </dev/null 9>&- &
  local pid=$!
  local st
  st="$(proc_start_time "$pid")" || die_with_log "$name" "$name exited immediately"
  echo "$pid $st" >"$pids/$name.pid"
}

component_pid() {
  local file="$pids/$1.pid" pid st
  [ -f "$file" ] || return 1
  read -r pid st <"$file" || return 1
  [ "$(proc_start_time "$pid" 2>/dev/null || true)" = "$st" ] || return 1
  echo "$pid"
}

stop_component() {
  local name="$1" pid i
  if pid="$(component_pid "$name")"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      component_pid "$name" >/dev/null || break
      sleep 0.1
    done
    if component_pid "$name" >/dev/null; then
      log "$name (pid $pid) did not stop on SIGTERM within 10s: SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pids/$name.pid"
}

# wait_until NAME TIMEOUT_S DESCRIPTION PROBE... — polls the probe; fails early if the process died
wait_until() {
  local name="$1" timeout_s="$2" what="$3"
  shift 3
  local deadline=$(($(now_ms) + timeout_s * 1000))
  while ! "$@" >/dev/null 2>&1; do
    component_pid "$name" >/dev/null || die_with_log "$name" "$name exited while waiting for $what"
    [ "$(now_ms)" -lt "$deadline" ] || die_with_log "$name" "$name: no $what within ${timeout_s}s"
    sleep 0.2
  done
}

# N distinct free ports on 127.0.0.1, all held open until every one is assigned (no duplicates)
free_ports() {
  node -e '
    const net = require("node:net");
    const n = Number(process.argv[1]);
    const servers = [];
    const next = () => {
      if (servers.length === n) {
        console.log(servers.map((s) => s.address().port).join(" "));
        servers.forEach((s) => s.close());
        return;
      }
      const s = net.createServer();
      s.listen(0, "127.0.0.1", () => { servers.push(s); next(); });
    };
    next();' "$1"
}

# ------------------------------------------------------------------------------------------- install
need_go() {
  # a non-login shell (CI) may lack the Go toolchain's usual directory on PATH
  if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then export PATH="$PATH:/usr/local/go/bin"; fi
  command -v go >/dev/null 2>&1 || die "Go is needed to build kube-apiserver, etcd and helm (Go module proxy); install Go 1.24 or newer"
}

# A long first-run build says every 30 s that it is still working, with the time so far, so a silent
# terminal is never mistaken for a hang (kube-apiserver alone takes minutes on 2 cores).
heartbeat() {
  local label="$1"
  shift
  (
    local s=0
    while sleep 30; do
      s=$((s + 30))
      log "$label: still working (${s}s so far)"
    done
  ) &
  local beat=$!
  local rc=0
  "$@" || rc=$?
  kill "$beat" 2>/dev/null || true
  wait "$beat" 2>/dev/null || true
  return "$rc"
}

install_k8s() {
  if [ -f "$k8s_dir/.complete" ] && [ -x "$k8s_dir/bin/kube-apiserver" ] && [ -x "$k8s_dir/bin/kubectl" ]; then return; fi
  need_go
  step_begin "build kube-apiserver + kubectl $K8S_VERSION (Go; first run on this machine only)"
  local minor="${K8S_VERSION#v1.}"
  minor="${minor%%.*}"
  local ld="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  mkdir -p "$k8s_dir/bin"
  heartbeat "$step_name" go -C "$root/hack/k8s" build -buildvcs=false -trimpath -ldflags "$ld" -o "$k8s_dir/bin/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl || die "building kube-apiserver/kubectl failed (see above)"
  touch "$k8s_dir/.complete"
  step_end
}

install_etcd() {
  if [ -f "$etcd_dir/.complete" ] && [ -x "$etcd_dir/bin/etcd" ]; then return; fi
  need_go
  step_begin "build etcd $ETCD_VERSION (Go; first run on this machine only)"
  mkdir -p "$etcd_dir/bin"
  heartbeat "$step_name" go -C "$root/hack/etcd" build -buildvcs=false -trimpath -ldflags "-s -w" -o "$etcd_dir/bin/etcd" . ||
    die "building etcd failed (see above)"
  touch "$etcd_dir/.complete"
  step_end
}

install_helm() {
  if [ -f "$helm_dir/.complete" ] && [ -x "$helm_dir/bin/helm" ]; then return; fi
  need_go
  step_begin "build helm $HELM_VERSION (go install; first run on this machine only)"
  mkdir -p "$helm_dir/bin"
  heartbeat "$step_name" env GOBIN="$helm_dir/bin" go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" || die "go install helm failed (see above)"
  touch "$helm_dir/.complete"
  step_end
}

# promtool: Debian's prometheus package, unpacked into the cache (not installed: no daemon, no service)
promtool_bin() {
  local f
  for f in "$cache"/promtool-*/.complete; do
    [ -f "$f" ] && [ -x "$(dirname "$f")/bin/promtool" ] && { echo "$(dirname "$f")/bin/promtool"; return 0; }
  done
  return 1
}

install_promtool() {
  promtool_bin >/dev/null && return
  step_begin "fetch promtool (Debian package prometheus, unpacked into the cache)"
  local tmp deb version
  tmp="$(mktemp -d)"
  chmod 755 "$tmp"
  if ! (cd "$tmp" && apt-get download -q prometheus >/dev/null 2>&1); then
    # a fresh machine has no package lists yet
    apt-get update -qq >/dev/null 2>&1 || true
    (cd "$tmp" && apt-get download -q prometheus >/dev/null) || die "apt-get download prometheus failed (needs Debian's package lists: apt-get update)"
  fi
  deb="$(ls "$tmp"/prometheus_*.deb)"
  version="$(dpkg-deb -f "$deb" Version)"
  version="${version%%+*}"
  dpkg-deb -x "$deb" "$tmp/x"
  mkdir -p "$cache/promtool-$version/bin"
  cp "$tmp/x/usr/bin/promtool" "$cache/promtool-$version/bin/promtool"
  rm -rf "$tmp"
  touch "$cache/promtool-$version/.complete"
  step_end "promtool $version"
}

install_moto() {
  if [ -f "$moto_dir/.complete" ] && [ -x "$moto_dir/venv/bin/moto_server" ]; then return; fi
  step_begin "install moto[server] $MOTO_VERSION (PyPI, virtualenv in the cache)"
  command -v python3 >/dev/null 2>&1 || die "python3 is needed for moto (apt-get install python3 python3-venv)"
  rm -rf "$moto_dir"
  python3 -m venv "$moto_dir/venv" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
  "$moto_dir/venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" ||
    die "pip install moto[server]==$MOTO_VERSION failed (see above)"
  touch "$moto_dir/.complete"
  step_end
}

check_dynalite() {
  [ -f "$root/node_modules/dynalite/package.json" ] ||
    die "node_modules/dynalite is missing: run \`npm ci\` (or \`hack/run\`, which does) first"
}

install_all() {
  local missing=()
  [ -f "$moto_dir/.complete" ] || missing+=("moto")
  [ -f "$etcd_dir/.complete" ] || missing+=("etcd")
  [ -f "$k8s_dir/.complete" ] || missing+=("kube-apiserver + kubectl")
  [ -f "$helm_dir/.complete" ] || missing+=("helm")
  if [ "${#missing[@]}" -gt 0 ]; then
    log "first run on this machine: ${#missing[@]} component(s) to build or install, cached for next time: ${missing[*]}"
  fi
  install_moto
  install_promtool
  install_etcd
  install_k8s
  install_helm
  check_dynalite
}

# ------------------------------------------------------------------------------------------------ pki
gen_cert() { # NAME SUBJECT EXTENSIONS — key + cert signed by our CA
  local name="$1" subj="$2" ext="$3"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$pki/$name.key" -out "$pki/$name.csr" -subj "$subj" 2>/dev/null
  printf '%s\n' "$ext" >"$pki/$name.ext"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -out "$pki/$name.crt" -days 30 -extfile "$pki/$name.ext" 2>/dev/null
}

make_pki() {
  step_begin "certificates (CA, apiserver serving, admin + low-privilege clients, service-account keys)"
  rm -rf "$pki"
  mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -out "$pki/ca.crt" -days 30 \
    -subj "/CN=ddbop-testenv-ca" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  gen_cert apiserver "/CN=kube-apiserver" "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature,keyEncipherment"
  # system:masters: the admin identity that RBAC always allows
  gen_cert admin "/O=system:masters/CN=ddbop-admin" "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature,keyEncipherment"
  # no group, no RBAC binding: only what system:authenticated gets (discovery), for forbidden-path tests
  gen_cert lowpriv "/CN=ddbop-e2e-lowpriv" "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature,keyEncipherment"
  # the API server's client identity towards kubelets (logs, exec, port-forward on the cluster's node)
  gen_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature,keyEncipherment"
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  step_end
}

write_kubeconfig() { # FILE USER CERT KEY
  local file="$1" user="$2" cert="$3" key="$4"
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: ddbop-testenv
    cluster:
      server: https://127.0.0.1:$apiserver_port
      certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
  - name: $user
    user:
      client-certificate-data: $(base64 -w0 "$cert")
      client-key-data: $(base64 -w0 "$key")
contexts:
  - name: $user@ddbop-testenv
    context:
      cluster: ddbop-testenv
      user: $user
      namespace: default
current-context: $user@ddbop-testenv
EOF
  chmod 600 "$file"
}

# ---------------------------------------------------------------------------------------------- probes
probe_etcd() { curl -fsS --max-time 2 "http://127.0.0.1:$etcd_port/health" | grep -q '"health":"true"'; }
probe_apiserver() {
  [ "$(curl -fsS --max-time 2 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    "https://127.0.0.1:$apiserver_port/readyz")" = ok ]
}
# a real DynamoDB call (ListTables) with a well-formed SigV4 header: dynalite checks its shape
probe_dynamodb() {
  curl -fsS --max-time 2 -X POST "$1" \
    -H 'Content-Type: application/x-amz-json-1.0' \
    -H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
    -H "X-Amz-Date: $(date -u +%Y%m%dT%H%M%SZ)" \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=test/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000' \
    -d '{}' | grep -q TableNames
}

# ---------------------------------------------------------------------------------------------- start
start_all() {
  read -r etcd_port etcd_peer_port apiserver_port moto_port dynalite_port <<<"$(free_ports 5)"
  mkdir -p "$logs" "$pids"

  step_begin "etcd $ETCD_VERSION on 127.0.0.1:$etcd_port"
  rm -rf "$state/etcd"
  start_component etcd "$etcd_dir/bin/etcd" --name ddbop-testenv --data-dir "$state/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "ddbop-testenv=http://127.0.0.1:$etcd_peer_port" \
    --unsafe-no-fsync --log-level warn
  wait_until etcd 30 "healthy /health" probe_etcd
  step_end "ready"

  # moto and dynalite start now and are probed after the apiserver: their start-up overlaps with it
  start_component moto env -u HTTP_PROXY -u HTTPS_PROXY -u http_proxy -u https_proxy \
    "$moto_dir/venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port"
  start_component dynalite node "$root/hack/dynalite.ts" --port "$dynalite_port" --lifecycle-ms "$DYNALITE_LIFECYCLE_MS"

  step_begin "kube-apiserver $K8S_VERSION on https://127.0.0.1:$apiserver_port"
  # no proxy: admission webhooks on https://127.0.0.1:<port> must be called directly
  start_component kube-apiserver env -u HTTP_PROXY -u HTTPS_PROXY -u http_proxy -u https_proxy NO_PROXY='*' \
    "$k8s_dir/bin/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$apiserver_port" \
    --cert-dir "$pki" --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --authorization-mode Node,RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range 10.0.0.0/24 \
    --allow-privileged=true \
    --enable-aggregator-routing=true \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$pki/ca.crt" --kubelet-preferred-address-types InternalIP \
    --endpoint-reconciler-type=none \
    --profiling=false
  wait_until kube-apiserver 120 "/readyz = ok" probe_apiserver
  step_end "ready"

  write_kubeconfig "$state/kubeconfig" ddbop-admin "$pki/admin.crt" "$pki/admin.key"
  write_kubeconfig "$state/kubeconfig-lowpriv" ddbop-e2e-lowpriv "$pki/lowpriv.crt" "$pki/lowpriv.key"

  step_begin "moto $MOTO_VERSION on http://127.0.0.1:$moto_port"
  wait_until moto 60 "answer to ListTables" probe_dynamodb "http://127.0.0.1:$moto_port"
  step_end "ready"
  step_begin "dynalite on http://127.0.0.1:$dynalite_port (lifecycle ${DYNALITE_LIFECYCLE_MS}ms)"
  wait_until dynalite 30 "answer to ListTables" probe_dynamodb "http://127.0.0.1:$dynalite_port"
  step_end "ready"

  # one bin directory for PATH and for the test harness
  rm -rf "${state:?}/bin"
  mkdir -p "$state/bin"
  ln -s "$k8s_dir/bin/kubectl" "$k8s_dir/bin/kube-apiserver" "$etcd_dir/bin/etcd" "$helm_dir/bin/helm" \
    "$(promtool_bin)" "$state/bin/"

  write_env_file
}

shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

write_env_file() {
  {
    echo "# Written by hack/testenv.sh up at $(date -u +%Y-%m-%dT%H:%M:%SZ); use with: . .testenv/env"
    echo "export KUBECONFIG=$(shq "$state/kubeconfig")"
    echo "export DDBOP_LOWPRIV_KUBECONFIG=$(shq "$state/kubeconfig-lowpriv")"
    echo "export PATH=$(shq "$state/bin"):\"\$PATH\""
    echo "export MOTO_ENDPOINT=$(shq "http://127.0.0.1:$moto_port")"
    echo "export DYNALITE_ENDPOINT=$(shq "http://127.0.0.1:$dynalite_port")"
    echo "export DDBOP_BIN_DIR=$(shq "$state/bin")"
    echo "export DDBOP_APISERVER_URL=$(shq "https://127.0.0.1:$apiserver_port")"
    echo "export DDBOP_ETCD_ENDPOINT=$(shq "http://127.0.0.1:$etcd_port")"
  } >"$state/env.tmp"
  mv "$state/env.tmp" "$state/env"
}

# ---------------------------------------------------------------------------------------------- status
# Reads ports back from the env file written by `up`.
load_ports() {
  [ -f "$state/env" ] || return 1
  apiserver_port="$(sed -n "s|^export DDBOP_APISERVER_URL='https://127.0.0.1:\([0-9]*\)'$|\1|p" "$state/env")"
  etcd_port="$(sed -n "s|^export DDBOP_ETCD_ENDPOINT='http://127.0.0.1:\([0-9]*\)'$|\1|p" "$state/env")"
  moto_port="$(sed -n "s|^export MOTO_ENDPOINT='http://127.0.0.1:\([0-9]*\)'$|\1|p" "$state/env")"
  dynalite_port="$(sed -n "s|^export DYNALITE_ENDPOINT='http://127.0.0.1:\([0-9]*\)'$|\1|p" "$state/env")"
  [ -n "$apiserver_port" ] && [ -n "$etcd_port" ] && [ -n "$moto_port" ] && [ -n "$dynalite_port" ]
}

# prints one line per component; returns 0 when all are running and ready
status() {
  local ok=0 name pid
  if ! load_ports; then
    echo "testenv: not up (no $state/env)"
    return 1
  fi
  for name in "${components[@]}"; do
    if pid="$(component_pid "$name")"; then
      echo "$name: running (pid $pid)"
    else
      echo "$name: NOT running"
      ok=1
    fi
  done
  if [ $ok -eq 0 ]; then
    probe_etcd || { echo "etcd: not healthy on 127.0.0.1:$etcd_port" && ok=1; }
    probe_apiserver || { echo "kube-apiserver: /readyz not ok on 127.0.0.1:$apiserver_port" && ok=1; }
    probe_dynamodb "http://127.0.0.1:$moto_port" || { echo "moto: no answer on 127.0.0.1:$moto_port" && ok=1; }
    probe_dynamodb "http://127.0.0.1:$dynalite_port" || { echo "dynalite: no answer on 127.0.0.1:$dynalite_port" && ok=1; }
  fi
  [ $ok -eq 0 ] && echo "testenv: up — . $state/env"
  # the cluster's state is shown but decides only `status --cluster`: a stopped kubelet must not make
  # `up` restart the plain environment other suites are using
  if [ -f "$cs/env" ]; then cluster_status || true; fi
  return $ok
}

down() {
  local name
  [ -d "$cs" ] && cluster_down_checked
  # reverse start order: the apiserver goes before its etcd
  for name in kube-apiserver dynalite moto etcd; do
    if component_pid "$name" >/dev/null; then
      step_begin "stop $name"
      stop_component "$name"
      step_end "stopped"
    else
      rm -f "$pids/$name.pid"
    fi
  done
  rm -rf "${state:?}/etcd" "$pki" "${state:?}/bin" "$state/env" "$state/kubeconfig" "$state/kubeconfig-lowpriv" "$pids"
}

up() {
  local t0
  t0="$(now_ms)"
  if status >/dev/null 2>&1; then
    log "already up; reusing it (. $state/env)"
    return 0
  fi
  # leftovers of a half-started or crashed environment: stop what is ours, then start clean
  down
  ddbop_ensure_node
  install_all
  make_pki
  # a failed start must not leave half an environment running (die exits: an EXIT trap sees it)
  trap 'if [ $? -ne 0 ]; then down >/dev/null 2>&1 || true; fi' EXIT
  start_all
  trap - EXIT
  local ms=$(($(now_ms) - t0))
  log "up in $((ms / 1000)).$(printf '%03d' $((ms % 1000)) | cut -c1)s — . $state/env"
}

# shellcheck source-path=SCRIPTDIR source=cluster.sh
. "$root/hack/cluster.sh"

main() {
  mkdir -p "$state"
  # several engineers and test runs share this working tree: one up/down at a time
  exec 9>"$state/.lock"
  case "${1:-}" in
    up)
      flock 9
      up
      if [ "${2:-}" = --cluster ]; then cluster_up; fi
      ;;
    down)
      flock 9
      if [ "${2:-}" = --cluster ]; then
        cluster_down_checked
      else
        down
        # the cluster's image builds may have started a dockerd (hack/images.sh stops only its own)
        bash "$root/hack/images.sh" down >/dev/null 2>&1 || true
        # and the release path a registry (hack/registry.sh stops only its own)
        bash "$root/hack/registry.sh" down >/dev/null 2>&1 || true
      fi
      ;;
    status)
      if [ "${2:-}" = --cluster ]; then status >/dev/null && cluster_status; else status; fi
      ;;
    *)
      echo "usage: hack/testenv.sh up [--cluster] | down [--cluster] | status [--cluster]" >&2
      exit 2
      ;;
  esac
}

main "$@"
