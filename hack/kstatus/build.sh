#!/usr/bin/env bash
# Builds the kstatus helper (main.go: sigs.k8s.io/cli-utils' status.Compute over one JSON object on stdin)
# from the Go module proxy into the cache. Idempotent: a warm run only prints the path. Output (stdout):
#   KSTATUS_BIN=<path of the binary>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(cd "$here" && go list -m -f "{{.Version}}" sigs.k8s.io/cli-utils)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/dynamodb-operator/kstatus-$version"
stamp="$cache/.built-$(cat "$here/go.mod" "$here/go.sum" "$here/main.go" | sha256sum | cut -c1-16)"

if [ ! -f "$stamp" ]; then
  echo "hack/kstatus: building the kstatus helper (cli-utils $version) into $cache" >&2
  mkdir -p "$cache"
  (cd "$here" && go build -trimpath -ldflags '-s -w' -o "$cache/kstatus" .)
  touch "$stamp"
fi
echo "KSTATUS_BIN=$cache/kstatus"
