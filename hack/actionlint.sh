#!/usr/bin/env bash
# Lints the GitHub Actions workflows with actionlint, built from the Go module proxy into the cache
# (keyed by version; the first run on a machine builds it, ~20 s). Arguments go to actionlint.
#   hack/actionlint.sh            lint .github/workflows/*.yml
#   hack/actionlint.sh bin        build if needed and print the binary's path
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/node.sh
. "$root/hack/lib/node.sh"
ACTIONLINT_VERSION=v1.7.12
bin_dir="$DDBOP_CACHE/actionlint-$ACTIONLINT_VERSION/bin"
if [ ! -f "$bin_dir/.complete" ] || [ ! -x "$bin_dir/actionlint" ]; then
  if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then export PATH="$PATH:/usr/local/go/bin"; fi
  command -v go >/dev/null 2>&1 || { echo "actionlint: Go is needed to build actionlint" >&2; exit 1; }
  echo "actionlint: building github.com/rhysd/actionlint $ACTIONLINT_VERSION into $bin_dir (first run only)" >&2
  mkdir -p "$bin_dir"
  GOBIN="$bin_dir" go install -trimpath -ldflags "-s -w -X github.com/rhysd/actionlint.version=$ACTIONLINT_VERSION" \
    "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2
  touch "$bin_dir/.complete"
fi
if [ "${1:-}" = bin ]; then
  echo "$bin_dir/actionlint"
  exit 0
fi
cd "$root"
# no shellcheck/pyflakes on this machine: actionlint skips those integrations when they are absent
exec "$bin_dir/actionlint" "$@"
