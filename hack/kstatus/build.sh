#!/usr/bin/env bash
# Builds the kstatus helper (main.go: sigs.k8s.io/cli-utils' status.Compute over one JSON object on stdin)
# into the cache. Output (stdout): KSTATUS_BIN=<path of the binary>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/go-helper.sh
. "$here/../lib/go-helper.sh"
ddbop_build_go_helper "$here" sigs.k8s.io/cli-utils kstatus KSTATUS_BIN "the kstatus helper"
