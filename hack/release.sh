#!/usr/bin/env bash
# hack/release.sh VERSION — releases VERSION into an OCI registry, as a user will consume it:
#
#   1. the commit's CHANGELOG.md must have a `## [VERSION]` entry (Keep a Changelog); no entry, no release
#   2. both images built by hack/images.sh with IMAGE_TAG=VERSION, tagged <registry>/dynamodb-operator-<c>:VERSION
#      and pushed with docker push (Docker trusts the registry's CA through /etc/docker/certs.d/<host:port>/)
#   3. the chart packaged with version = appVersion = VERSION (helm package --version --app-version) and its
#      values' image repositories set to the registry (comments kept), then `helm push oci://<registry>/charts`
#   4. dist/release/VERSION/: the chart archive, crds.yaml (every CRD in one file, for a GitHub release) and
#      release.json (image references with the digests the registry returned, the chart's reference and digest)
#
# The registry: DDBOP_REGISTRY (host:port) and DDBOP_REGISTRY_CA (its CA), by default from
# .testenv/registry/env (hack/registry.sh up). What is released is a commit, RELEASE_REF (default HEAD):
# images and chart come from `git archive` of it, never from uncommitted files. For a test that releases an
# older chart or a prerelease: RELEASE_CHART_DIR (a chart directory instead of the commit's) and
# RELEASE_CHANGELOG (default: the commit's CHANGELOG.md).
#
# Single-arch: the builder here is Docker 20.10's classic builder without buildx (BuildKit would need its
# frontend image from a registry that is not reachable), so each image is linux/amd64 only and no
# multi-arch manifest list is made. The public release workflow (.github/workflows/release.yml) builds
# linux/amd64 + linux/arm64 with buildx.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source-path=SCRIPTDIR source=lib/node.sh
. "$root/hack/lib/node.sh"
ddbop_ensure_node

log() { echo "release: $*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}
now_ms() { date +%s%3N; }

VERSION="${1:-}"
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] ||
  die "usage: hack/release.sh VERSION (semantic version without a leading v, e.g. 0.1.0 or 0.2.0-rc.1)"
out="$root/dist/release/$VERSION"
components=(webhook reconciler)
t_start="$(now_ms)"

# ------------------------------------------------------------------------------------------ inputs

if [ -z "${DDBOP_REGISTRY:-}" ] && [ -f "$root/.testenv/registry/env" ]; then
  # shellcheck disable=SC1091
  . "$root/.testenv/registry/env"
fi
[ -n "${DDBOP_REGISTRY:-}" ] || die "no registry: set DDBOP_REGISTRY=host:port (and DDBOP_REGISTRY_CA), or run hack/registry.sh up"
registry="$DDBOP_REGISTRY"
ca_args=()
[ -n "${DDBOP_REGISTRY_CA:-}" ] && ca_args=(--ca-file "$DDBOP_REGISTRY_CA")

helm_version="$(sed -n 's/^HELM_VERSION=//p' "$root/hack/testenv.sh")"
helm="$DDBOP_CACHE/helm-$helm_version/bin/helm"
[ -x "$helm" ] || helm="$(command -v helm || true)"
[ -n "$helm" ] || die "no helm: hack/testenv.sh up builds helm $helm_version into the cache"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/ddbop-release-XXXXXX")"
# shellcheck disable=SC2064 # expand now: the trap removes this very directory
trap "rm -rf '$tmp'" EXIT

# ------------------------------------------------------------------------------------------ images
# A release is a commit: the images are built from `git archive` of it, never from uncommitted files
ref="${RELEASE_REF:-HEAD}"
commit="$(git -C "$root" rev-parse --verify "$ref^{commit}")" || die "$ref is not a commit"
[ -z "$(git -C "$root" status --porcelain --untracked-files=no)" ] ||
  log "the working tree has uncommitted changes: they are not in this release (built from $ref = $commit)"
mkdir -p "$tmp/src"
git -C "$root" archive --format=tar "$commit" | tar -x -C "$tmp/src"
chart_src="${RELEASE_CHART_DIR:-$tmp/src/charts/dynamodb-operator}"
changelog="${RELEASE_CHANGELOG:-$tmp/src/CHANGELOG.md}"
[ -f "$changelog" ] || die "$ref has no CHANGELOG.md"
grep -Eq "^## \[$(printf '%s' "$VERSION" | sed 's/[.]/\\./g')\]( - [0-9]{4}-[0-9]{2}-[0-9]{2})?\$" "$changelog" ||
  die "CHANGELOG.md of $ref has no entry for $VERSION: add '## [$VERSION] - $(date -u +%F)' with what changed, commit, then release"
docker="$(bash "$root/hack/images.sh" docker)"
t0="$(now_ms)"
IMAGE_TAG="$VERSION" IMAGES_CONTEXT="$tmp/src" bash "$root/hack/images.sh" build >&2 || die "hack/images.sh build failed"
build_ms=$(($(now_ms) - t0))

t0="$(now_ms)"
declare -A digests
for c in "${components[@]}"; do
  image_ref="$registry/dynamodb-operator-$c:$VERSION"
  "$docker" tag "dynamodb-operator-$c:$VERSION" "$image_ref"
  "$docker" push "$image_ref" >"$DDBOP_CACHE/docker-push-$c.log" 2>&1 ||
    die "docker push $image_ref failed: $(tail -n 5 "$DDBOP_CACHE/docker-push-$c.log")"
  digests[$c]="$(sed -n 's/.*digest: \(sha256:[0-9a-f]\{64\}\).*/\1/p' "$DDBOP_CACHE/docker-push-$c.log" | tail -n 1)"
  [ -n "${digests[$c]}" ] || die "docker push $image_ref printed no digest"
  # the registry's name for it is only for the push (the port changes with every registry start)
  "$docker" rmi "$image_ref" >/dev/null
  log "pushed $image_ref@${digests[$c]}"
done
push_ms=$(($(now_ms) - t0))

# ------------------------------------------------------------------------------------------- chart
t0="$(now_ms)"
rm -rf "$out"
mkdir -p "$out"
cp -r "$chart_src" "$tmp/dynamodb-operator"
# the repositories point at the registry; the tag stays empty: it defaults to appVersion = VERSION
node --input-type=module -e '
  import { readFileSync, writeFileSync } from "node:fs";
  import { parseDocument } from "yaml";
  const [file, registry] = process.argv.slice(1);
  const doc = parseDocument(readFileSync(file, "utf8"));
  for (const c of ["webhook", "reconciler"]) doc.setIn([c, "image", "repository"], `${registry}/dynamodb-operator-${c}`);
  writeFileSync(file, doc.toString({ lineWidth: 0 }));
' "$tmp/dynamodb-operator/values.yaml" "$registry" || die "setting the image repositories in values.yaml failed"
"$helm" lint "$tmp/dynamodb-operator" >"$tmp/lint.log" 2>&1 || die "helm lint failed: $(cat "$tmp/lint.log")"
"$helm" package "$tmp/dynamodb-operator" --version "$VERSION" --app-version "$VERSION" -d "$out" >&2 ||
  die "helm package failed"
archive="$out/dynamodb-operator-$VERSION.tgz"
"$helm" push "$archive" "oci://$registry/charts" "${ca_args[@]}" >"$tmp/push.log" 2>&1 ||
  die "helm push failed: $(cat "$tmp/push.log")"
chart_digest="$(sed -n 's/^Digest: //p' "$tmp/push.log")"
[ -n "$chart_digest" ] || die "helm push printed no digest: $(cat "$tmp/push.log")"
log "pushed oci://$registry/charts/dynamodb-operator:$VERSION@$chart_digest"
for f in "$chart_src"/crds/*.yaml; do
  echo '---'
  cat "$f"
done >"$out/crds.yaml"
chart_ms=$(($(now_ms) - t0))

cat >"$out/release.json" <<EOF
{
  "version": "$VERSION",
  "commit": "$commit",
  "registry": "$registry",
  "images": {
    "webhook": "$registry/dynamodb-operator-webhook:$VERSION@${digests[webhook]}",
    "reconciler": "$registry/dynamodb-operator-reconciler:$VERSION@${digests[reconciler]}"
  },
  "chart": "oci://$registry/charts/dynamodb-operator",
  "chartDigest": "$chart_digest",
  "timingsMs": { "images": $build_ms, "push": $push_ms, "chart": $chart_ms, "total": $(($(now_ms) - t_start)) }
}
EOF
log "released $VERSION in $((($(now_ms) - t_start) / 1000))s (images ${build_ms}ms, push ${push_ms}ms, chart ${chart_ms}ms): $out/release.json"
cat "$out/release.json"
