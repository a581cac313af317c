# shellcheck shell=bash
# Builds a small Go test helper (a main.go with its own go.mod beside the calling script) from the Go module
# proxy into the cache, keyed by the version of the module it wraps and a hash of its sources, and prints
# VAR=<path of the binary>. Idempotent: a warm run only prints the path.
#   ddbop_build_go_helper DIR MODULE NAME VAR "what it is"
ddbop_build_go_helper() {
  local here="$1" module="$2" name="$3" var="$4" what="$5"
  local version cache stamp
  version="$(cd "$here" && go list -m -f "{{.Version}}" "$module")"
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/dynamodb-operator/$name-$version"
  stamp="$cache/.built-$(cat "$here/go.mod" "$here/go.sum" "$here/main.go" | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "hack/$name: building $what ($module $version) into $cache" >&2
    mkdir -p "$cache"
    (cd "$here" && go build -trimpath -ldflags '-s -w' -o "$cache/$name" .)
    touch "$stamp"
  fi
  echo "$var=$cache/$name"
}
