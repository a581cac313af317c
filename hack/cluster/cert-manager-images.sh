#!/usr/bin/env bash
# cert-manager's controller and cainjector as images for the single-node cluster: the wrapper mains of
# hack/cert-manager built static (CGO_ENABLED=0), each packed with the CA certificates into a one-file
# image (hack/cluster/oci-image.sh: no base image, no shell, uid 65532) and imported into the cluster's
# containerd. Builds once per cert-manager version and wrapper source (cached); prints the image refs.
#
#   hack/cluster/cert-manager-images.sh        (needs `hack/testenv.sh up --cluster`)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/node.sh
. "$root/hack/lib/node.sh"
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then export PATH="$PATH:/usr/local/go/bin"; fi

cm="$root/hack/cert-manager"
version="$(go -C "$cm" list -m -f '{{.Version}}' github.com/cert-manager/cert-manager)"
dir="$DDBOP_CACHE/cert-manager-static-$version"
stamp="$dir/.built-$(cat "$cm/go.mod" "$cm/go.sum" "$cm"/*/main.go "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
sock="$root/.testenv/cluster/containerd/containerd.sock"
[ -S "$sock" ] || {
  echo "cert-manager-images: no cluster containerd at $sock (hack/testenv.sh up --cluster)" >&2
  exit 1
}

if [ ! -f "$stamp" ]; then
  echo "cert-manager-images: building cert-manager $version controller + cainjector (static) into $dir" >&2
  rm -rf "$dir"
  mkdir -p "$dir/bin"
  CGO_ENABLED=0 go -C "$cm" build -trimpath -ldflags '-s -w' -o "$dir/bin/" ./controller ./cainjector
  for c in controller cainjector; do
    mkdir -p "$dir/rootfs-$c/etc/ssl/certs"
    cp "$dir/bin/$c" "$dir/rootfs-$c/$c"
    cp /etc/ssl/certs/ca-certificates.crt "$dir/rootfs-$c/etc/ssl/certs/"
    bash "$root/hack/cluster/oci-image.sh" "$dir/rootfs-$c" "ddbop.local/cert-manager-$c:$version" "$dir/$c.tar" "/$c"
  done
  touch "$stamp"
fi
for c in controller cainjector; do
  ref="ddbop.local/cert-manager-$c:$version"
  if ! ctr --address "$sock" -n k8s.io images ls -q | grep -qx "$ref"; then
    ctr --address "$sock" -n k8s.io images import "$dir/$c.tar" >/dev/null
  fi
  echo "$ref"
done
