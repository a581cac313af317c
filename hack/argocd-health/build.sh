#!/usr/bin/env bash
# Builds the Argo CD health helper (main.go: a health.lua run with gopher-lua over one JSON object on stdin)
# from the Go module proxy into the cache. Idempotent: a warm run only prints the path. Output (stdout):
#   ARGOCD_HEALTH_BIN=<path of the binary>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(cd "$here" && go list -m -f "{{.Version}}" github.com/yuin/gopher-lua)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/dynamodb-operator/argocd-health-$version"
stamp="$cache/.built-$(cat "$here/go.mod" "$here/go.sum" "$here/main.go" | sha256sum | cut -c1-16)"

if [ ! -f "$stamp" ]; then
  echo "hack/argocd-health: building the Argo CD health helper (gopher-lua $version) into $cache" >&2
  mkdir -p "$cache"
  (cd "$here" && go build -trimpath -ldflags '-s -w' -o "$cache/argocd-health" .)
  touch "$stamp"
fi
echo "ARGOCD_HEALTH_BIN=$cache/argocd-health"
