#!/usr/bin/env bash
# A real OCI registry on loopback with TLS, for the release path (hack/release.sh) and the cluster's
# image pulls: the CNCF distribution registry built from the Go module proxy, cached by version.
#
#   hack/registry.sh up       build it if needed (first run on a machine only), make a throwaway CA and a
#                             serving certificate for 127.0.0.1, start it on a free loopback port, make Docker
#                             and the cluster's containerd trust that CA for that host:port, wait for /v2/,
#                             write .testenv/registry/env (DDBOP_REGISTRY=127.0.0.1:<port>, DDBOP_REGISTRY_CA)
#   hack/registry.sh down     stop it (by recorded PID and start time) and remove its state and trust files
#   hack/registry.sh status   exit 0 when it answers on /v2/ over TLS with its CA
#   hack/registry.sh bin      build if needed and print the binary's path
#
# Trust, per host:port (so nothing else on the machine trusts the CA):
#   Docker       /etc/docker/certs.d/127.0.0.1:<port>/ca.crt (read by dockerd on every push; no restart)
#   containerd   .testenv/registry/certs.d/127.0.0.1:<port>/hosts.toml (the cluster's containerd has
#                config_path there; hosts.toml is read on every pull, so the registry may start after it)
#   helm         --ca-file .testenv/registry/ca.crt
# The registry's storage is under .testenv/registry/data and goes with `down`: releases are rebuilt from
# the tree. No authentication (loopback only); a real registry would have it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/node.sh
. "$root/hack/lib/node.sh"

REGISTRY_MODULE=github.com/distribution/distribution/v3/cmd/registry
REGISTRY_VERSION=v3.1.2
bin_dir="$DDBOP_CACHE/registry-$REGISTRY_VERSION/bin"
dir="$root/.testenv/registry"
pidfile="$dir/registry.pid"

log() { echo "registry: $*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

build() {
  [ -f "$bin_dir/.complete" ] && [ -x "$bin_dir/registry" ] && return 0
  if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then export PATH="$PATH:/usr/local/go/bin"; fi
  command -v go >/dev/null 2>&1 || die "Go is needed to build the registry (Go module proxy); install Go 1.24 or newer"
  local t0
  t0="$(date +%s)"
  log "building $REGISTRY_MODULE@$REGISTRY_VERSION into $bin_dir (first run on this machine only)"
  mkdir -p "$bin_dir"
  GOBIN="$bin_dir" go install -trimpath -ldflags "-s -w -X github.com/distribution/distribution/v3/version.version=$REGISTRY_VERSION" \
    "$REGISTRY_MODULE@$REGISTRY_VERSION" >&2 || die "go install $REGISTRY_MODULE@$REGISTRY_VERSION failed"
  touch "$bin_dir/.complete"
  log "built in $(($(date +%s) - t0))s"
}

# /proc/<pid>/stat field 22: with the pid it names one process, so a reused pid is never signalled
start_time() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  # shellcheck disable=SC2086
  set -- $stat
  case "$1" in Z | X) return 1 ;; esac
  echo "${20}"
}

running_pid() {
  local pid st
  [ -f "$pidfile" ] || return 1
  read -r pid st <"$pidfile" || return 1
  [ "$(start_time "$pid" 2>/dev/null || true)" = "$st" ] || return 1
  echo "$pid"
}

address() { sed -n "s/^export DDBOP_REGISTRY=//p" "$dir/env" 2>/dev/null || true; }

status() {
  local addr
  running_pid >/dev/null || return 1
  addr="$(address)"
  [ -n "$addr" ] && curl -fsS --max-time 2 --cacert "$dir/ca.crt" -o /dev/null "https://$addr/v2/"
}

make_certs() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=ddbop throwaway registry CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$dir/tls.key" -out "$dir/tls.csr" 2>/dev/null
  printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "extendedKeyUsage=serverAuth" \
    "keyUsage=critical,digitalSignature,keyEncipherment" >"$dir/tls.ext"
  openssl x509 -req -in "$dir/tls.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 7 \
    -extfile "$dir/tls.ext" -out "$dir/tls.crt" 2>/dev/null
  rm -f "$dir/tls.csr" "$dir/tls.ext" "$dir/ca.srl" "$dir/ca.key"
}

free_port() {
  ddbop_ensure_node
  node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

trust() {
  local addr="$1"
  mkdir -p "/etc/docker/certs.d/$addr" "$dir/certs.d/$addr"
  cp "$dir/ca.crt" "/etc/docker/certs.d/$addr/ca.crt"
  cat >"$dir/certs.d/$addr/hosts.toml" <<EOF
server = "https://$addr"

[host."https://$addr"]
  capabilities = ["pull", "resolve"]
  ca = "$dir/ca.crt"
EOF
}

up() {
  if status; then
    log "already up at $(address)"
    return 0
  fi
  down_quiet
  build
  mkdir -p "$dir/data"
  make_certs
  local port addr
  port="$(free_port)"
  addr="127.0.0.1:$port"
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: info
  formatter: json
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: $addr
  tls:
    certificate: $dir/tls.crt
    key: $dir/tls.key
EOF
  # no OpenTelemetry exporter: nothing to send traces to here
  OTEL_TRACES_EXPORTER=none setsid "$bin_dir/registry" serve "$dir/config.yml" >"$dir/registry.log" 2>&1 </dev/null 9>&- &
  local pid=$! st
  st="$(start_time "$pid")" || die "the registry exited immediately: $(tail -n 5 "$dir/registry.log")"
  echo "$pid $st" >"$pidfile"
  {
    echo "# Written by hack/registry.sh up"
    echo "export DDBOP_REGISTRY=$addr"
    echo "export DDBOP_REGISTRY_CA=$dir/ca.crt"
  } >"$dir/env"
  trust "$addr"
  local i
  for i in $(seq 1 100); do
    status && {
      log "up at https://$addr (CA $dir/ca.crt; . $dir/env)"
      return 0
    }
    running_pid >/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$dir/registry.log" >&2
  die "the registry did not answer on https://$addr/v2/"
}

down_quiet() {
  local pid addr i
  addr="$(address)"
  if pid="$(running_pid)"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
      running_pid >/dev/null || break
      sleep 0.1
    done
    running_pid >/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  [ -n "$addr" ] && rm -rf "/etc/docker/certs.d/$addr"
  rm -rf "$dir"
}

case "${1:-}" in
  up) up ;;
  down)
    down_quiet
    log "down"
    ;;
  status) status ;;
  bin)
    build
    echo "$bin_dir/registry"
    ;;
  *) die "usage: hack/registry.sh up | down | status | bin" ;;
esac
