#!/usr/bin/env bash
# Builds the Argo CD health helper (main.go: a health.lua run with gopher-lua over one JSON object on stdin)
# into the cache. Output (stdout): ARGOCD_HEALTH_BIN=<path of the binary>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/go-helper.sh
. "$here/../lib/go-helper.sh"
ddbop_build_go_helper "$here" github.com/yuin/gopher-lua argocd-health ARGOCD_HEALTH_BIN "the Argo CD health helper"
