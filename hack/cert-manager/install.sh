#!/usr/bin/env bash
# Builds cert-manager's controller and cainjector (the small mains in this wrapper module) and extracts
# cert-manager's CRDs, all from the Go module proxy, into the cache. Idempotent: a warm run only prints
# the paths. Output (stdout, shell exports):
#   CERT_MANAGER_BIN_DIR=<dir with controller, cainjector>   CERT_MANAGER_CRDS_DIR=<dir with *.yaml>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(cd "$here" && go list -m -f "{{.Version}}" github.com/cert-manager/cert-manager)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/dynamodb-operator/cert-manager-$version"
stamp="$cache/.built-$(cat "$here/go.mod" "$here/go.sum" "$here"/*/main.go | sha256sum | cut -c1-16)"

if [ ! -f "$stamp" ]; then
  echo "hack/cert-manager: building cert-manager $version controller and cainjector into $cache/bin" >&2
  mkdir -p "$cache/bin" "$cache/crds"
  (cd "$here" && go build -trimpath -ldflags '-s -w' -o "$cache/bin/" ./controller ./cainjector)
  moddir="$(cd "$here" && go mod download -json "github.com/cert-manager/cert-manager@$version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  cp "$moddir"/deploy/crds/*.yaml "$cache/crds/"
  chmod 0644 "$cache"/crds/*.yaml
  touch "$stamp"
fi
echo "CERT_MANAGER_BIN_DIR=$cache/bin"
echo "CERT_MANAGER_CRDS_DIR=$cache/crds"
