#!/usr/bin/env bash
# Packs a root filesystem directory into a one-layer OCI image archive that `ctr images import` loads.
# No image registry is reachable here and no base image can be pulled, so images of static programs
# (the pod sandbox "pause", cert-manager) are assembled from their files alone.
#
#   hack/cluster/oci-image.sh ROOTFS_DIR IMAGE_REF OUT_TAR ENTRYPOINT [USER]
#
# The layer is reproducible (sorted names, uid/gid 0, mtime 0), so the same files give the same digest.
set -euo pipefail

rootfs="$1" ref="$2" out="$3" entrypoint="$4" user="${5:-65532:65532}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/blobs/sha256"

blob() { # FILE → moves it into blobs/, prints "digest size"
  local hex size
  hex="$(sha256sum "$1" | cut -c1-64)"
  size="$(stat -c %s "$1")"
  mv "$1" "$work/blobs/sha256/$hex"
  echo "sha256:$hex $size"
}

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$rootfs" -cf "$work/layer.tar" .
read -r layer_digest layer_size <<<"$(blob "$work/layer.tar")"

printf '{"architecture":"amd64","os":"linux","config":{"User":"%s","Entrypoint":["%s"],"Env":["PATH=/"]},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
  "$user" "$entrypoint" "$layer_digest" >"$work/config.json"
read -r config_digest config_size <<<"$(blob "$work/config.json")"

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s}]}' \
  "$config_digest" "$config_size" "$layer_digest" "$layer_size" >"$work/manifest.json"
read -r manifest_digest manifest_size <<<"$(blob "$work/manifest.json")"

printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
  "$manifest_digest" "$manifest_size" "$ref" "${ref##*:}" >"$work/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$work/oci-layout"

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work" -cf "$out" oci-layout index.json blobs
