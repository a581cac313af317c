# shellcheck shell=bash
# The single-node cluster parts of the test environment, sourced by hack/testenv.sh (it provides log,
# start_component, stop_component, wait_until, free_ports, heartbeat, need_go, gen_cert, the paths and
# the plain environment's ports). `hack/testenv.sh up --cluster` adds to a running environment:
#
#   containerd + runc (Debian packages) with its own config, root, state and socket under .testenv/cluster,
#   CNI bridge + host-local + loopback on a bridge of our own (ddbop0, 10.244.0.0/24),
#   kubelet, kube-controller-manager, kube-scheduler v1.34.4 built from the wrapper module hack/k8s,
#   a pause image built from a static Go program (hack/cluster/pause), a TCP forwarder that makes the
#   `kubernetes` Service ClusterIP (10.0.0.1:443) and moto reachable from pods on the bridge.
#
# Why no kube-proxy: the only ClusterIP pods use is the `kubernetes` Service (in-cluster config), which
# the forwarder serves on 10.0.0.1 (an address of our bridge); the API server calls the webhook Service
# through its endpoints (--enable-aggregator-routing); metrics are scraped by pod IP. kube-proxy would
# add dozens of iptables rules to a shared machine for nothing the tests use.
#
# Every address pods get or reach is on networks this script creates; iptables rules (our own chain)
# drop anything pods send that is not to the forwarder or a reply, and anything they would route out.
# The network is in hack/cluster/network.sh, taking it all down in hack/cluster/teardown.sh.

CLUSTER_NODE=ddbop-node
CLUSTER_BRIDGE=ddbop0
CLUSTER_POD_CIDR=10.244.0.0/24
CLUSTER_GATEWAY=10.244.0.1
# first address of the API server's --service-cluster-ip-range (10.0.0.0/24): the `kubernetes` Service
CLUSTER_KUBERNETES_IP=10.0.0.1
CLUSTER_CNI_NETWORK=ddbop-pods
CLUSTER_PAUSE_IMAGE=ddbop.local/pause:1
CLUSTER_CHAIN=DDBOP-CLUSTER-IN
cluster_components=(containerd kubelet kube-controller-manager kube-scheduler cluster-forward)

cs="$state/cluster"
k8s_node_dir="$cache/k8s-node-$K8S_VERSION"
# containerd's content and snapshots (the imported images) outlive `down`, so a warm `up` imports
# nothing; its state (sockets, mounts, runc state) is under $cs and goes with `down`
containerd_root="$cache/containerd/root"

# ------------------------------------------------------------------------------------------- install
install_k8s_node() {
  if [ -f "$k8s_node_dir/.complete" ] && [ -x "$k8s_node_dir/bin/kubelet" ]; then return; fi
  need_go
  step_begin "build kubelet + kube-controller-manager + kube-scheduler $K8S_VERSION (Go; first run on this machine only)"
  local minor="${K8S_VERSION#v1.}"
  minor="${minor%%.*}"
  local ld="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  mkdir -p "$k8s_node_dir/bin"
  heartbeat "$step_name" go -C "$root/hack/k8s" build -buildvcs=false -trimpath -ldflags "$ld" -o "$k8s_node_dir/bin/" \
    k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler ||
    die "building kubelet/kube-controller-manager/kube-scheduler failed (see above)"
  touch "$k8s_node_dir/.complete"
  step_end
}

# containerd, runc and the CNI plugins from Debian; apt-get is idempotent (installed packages are kept)
install_node_packages() {
  local missing=() p
  for p in containerd runc containernetworking-plugins iptables; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return
  step_begin "apt-get install ${missing[*]}"
  apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
  step_end
}

pause_tar() { echo "$cache/pause-1/pause.tar"; }

build_pause_image() {
  local dir="$cache/pause-1"
  [ -f "$dir/.complete" ] && return
  need_go
  step_begin "pause image (static Go program, one-file image)"
  rm -rf "$dir"
  mkdir -p "$dir/rootfs"
  CGO_ENABLED=0 go -C "$root/hack/cluster/pause" build -trimpath -ldflags "-s -w" -o "$dir/rootfs/pause" . ||
    die "building the pause program failed"
  bash "$root/hack/cluster/oci-image.sh" "$dir/rootfs" "$CLUSTER_PAUSE_IMAGE" "$dir/pause.tar" /pause 65535:65535
  touch "$dir/.complete"
  step_end
}

# ------------------------------------------------------------------------------------------------ pki
make_cluster_pki() {
  local p="$cs/pki"
  mkdir -p "$p"
  # gen_cert writes into $pki with the CA there; our certs go to $cs/pki
  local name subj ext
  while IFS='|' read -r name subj ext; do
    gen_cert "$name" "$subj" "$(printf '%b' "$ext")"
    mv "$pki/$name.key" "$pki/$name.crt" "$p/"
    rm -f "$pki/$name.csr" "$pki/$name.ext"
  done <<EOF
kubelet|/O=system:nodes/CN=system:node:$CLUSTER_NODE|extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment
kubelet-serving|/CN=$CLUSTER_NODE|subjectAltName=IP:$CLUSTER_GATEWAY,DNS:$CLUSTER_NODE\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment
kube-controller-manager|/CN=system:kube-controller-manager|extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment
kube-scheduler|/CN=system:kube-scheduler|extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment
EOF
  local c
  for c in kubelet kube-controller-manager kube-scheduler; do
    write_kubeconfig "$cs/$c.kubeconfig" "$c" "$p/$c.crt" "$p/$c.key"
  done
}

# shellcheck source-path=SCRIPTDIR source=cluster/network.sh
. "$root/hack/cluster/network.sh"
# shellcheck source-path=SCRIPTDIR source=cluster/teardown.sh
. "$root/hack/cluster/teardown.sh"

# ---------------------------------------------------------------------------------------------- config
containerd_sock() { echo "$cs/containerd/containerd.sock"; }
ctr_() { ctr --address "$(containerd_sock)" -n k8s.io "$@"; }

write_containerd_config() {
  local d="$cs/containerd"
  mkdir -p "$d" "$containerd_root"
  cat >"$d/config.toml" <<EOF
version = 2
root = "$containerd_root"
state = "$d/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]
[grpc]
  address = "$d/containerd.sock"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$CLUSTER_PAUSE_IMAGE"
  # no CAP_SYS_RESOURCE here: a negative oom_score_adj (sandboxes ask for -998) is refused by the kernel
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$d/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$cs/cni"
  # hack/registry.sh writes <host:port>/hosts.toml here (its CA); read on every pull, so a registry
  # started after containerd is trusted too, and only for its own host:port
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$state/registry/certs.d"
EOF
}

write_kubelet_config() {
  mkdir -p "$cs/kubelet" "$cs/pod-logs"
  cat >"$cs/kubelet-config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $CLUSTER_GATEWAY
port: $kubelet_port
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $kubelet_healthz_port
tlsCertFile: $cs/pki/kubelet-serving.crt
tlsPrivateKeyFile: $cs/pki/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization:
  mode: Webhook
cgroupDriver: cgroupfs
failSwapOn: false
containerRuntimeEndpoint: unix://$(containerd_sock)
imageServiceEndpoint: unix://$(containerd_sock)
podLogsDir: $cs/pod-logs
resolvConf: /etc/resolv.conf
makeIPTablesUtilChains: false
serializeImagePulls: false
maxPods: 40
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  imagefs.available: 1%
  nodefs.inodesFree: 1%
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
EOF
}

# ---------------------------------------------------------------------------------------------- probes
probe_containerd() { ctr --address "$(containerd_sock)" version; }
probe_kubelet() { [ "$(curl -fsS --max-time 2 "http://127.0.0.1:$kubelet_healthz_port/healthz")" = ok ]; }
probe_secure_healthz() { [ "$(curl -fsSk --max-time 2 "https://127.0.0.1:$1/healthz")" = ok ]; }
kubectl_() { "$k8s_dir/bin/kubectl" --kubeconfig "$state/kubeconfig" "$@"; }
probe_node_ready() {
  [ "$(kubectl_ get node "$CLUSTER_NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}
probe_forward() { [ "$(curl -fsS --max-time 2 --cacert "$pki/ca.crt" "https://$CLUSTER_KUBERNETES_IP/livez")" = ok ]; }

# ---------------------------------------------------------------------------------------------- start
cluster_start() {
  local d
  read -r kubelet_port kubelet_healthz_port kcm_port scheduler_port <<<"$(free_ports 4)"
  mkdir -p "$cs"
  record_iptables_chains
  for d in /var/lib/cni /var/lib/kubelet /var/run/netns; do [ -e "$d" ] || echo "$d"; done >"$cs/created-dirs"

  step_begin "network: bridge $CLUSTER_BRIDGE $CLUSTER_GATEWAY/24 (pods $CLUSTER_POD_CIDR), $CLUSTER_KUBERNETES_IP, our iptables chain"
  cluster_network_up
  step_end

  step_begin "forwarder: $CLUSTER_KUBERNETES_IP:443 → API server, $CLUSTER_GATEWAY:$moto_port → moto"
  start_component cluster-forward node "$root/hack/cluster/forward.ts" \
    "$CLUSTER_KUBERNETES_IP:443=127.0.0.1:$apiserver_port" "$CLUSTER_GATEWAY:$moto_port=127.0.0.1:$moto_port"
  wait_until cluster-forward 10 "the API server through $CLUSTER_KUBERNETES_IP:443" probe_forward
  step_end "ready"

  step_begin "containerd $(containerd --version | awk '{print $3}') (own config, root and socket under .testenv/cluster)"
  write_containerd_config
  start_component containerd containerd --config "$cs/containerd/config.toml"
  wait_until containerd 30 "an answer on its socket" probe_containerd
  ctr_ images import --no-unpack=false "$(pause_tar)" >/dev/null || die_with_log containerd "importing the pause image failed"
  step_end "ready"

  cluster_load_images

  make_cluster_pki
  step_begin "kube-controller-manager + kube-scheduler $K8S_VERSION"
  start_component kube-controller-manager "$k8s_node_dir/bin/kube-controller-manager" \
    --kubeconfig "$cs/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig "$cs/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig "$cs/kube-controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$kcm_port" --cert-dir "$cs/kcm-certs" \
    --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --service-cluster-ip-range 10.0.0.0/24 --allocate-node-cidrs=false \
    --profiling=false
  start_component kube-scheduler "$k8s_node_dir/bin/kube-scheduler" \
    --kubeconfig "$cs/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig "$cs/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig "$cs/kube-scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$scheduler_port" --cert-dir "$cs/scheduler-certs" \
    --leader-elect=false --profiling=false
  wait_until kube-controller-manager 60 "/healthz = ok" probe_secure_healthz "$kcm_port"
  wait_until kube-scheduler 60 "/healthz = ok" probe_secure_healthz "$scheduler_port"
  step_end "ready"

  step_begin "kubelet $K8S_VERSION (node $CLUSTER_NODE, $CLUSTER_GATEWAY:$kubelet_port)"
  write_kubelet_config
  start_component kubelet "$k8s_node_dir/bin/kubelet" \
    --config "$cs/kubelet-config.yaml" --kubeconfig "$cs/kubelet.kubeconfig" \
    --root-dir "$cs/kubelet" --cert-dir "$cs/kubelet-certs" \
    --hostname-override "$CLUSTER_NODE" --node-ip "$CLUSTER_GATEWAY"
  wait_until kubelet 60 "/healthz = ok" probe_kubelet
  wait_until kubelet 90 "node $CLUSTER_NODE Ready" probe_node_ready
  step_end "ready"

  {
    echo "# Written by hack/testenv.sh up --cluster; use with: . .testenv/env && . .testenv/cluster/env"
    echo "export DDBOP_CLUSTER_NODE=$(shq "$CLUSTER_NODE")"
    echo "export DDBOP_CLUSTER_POD_CIDR=$(shq "$CLUSTER_POD_CIDR")"
    echo "export DDBOP_CLUSTER_MOTO_ENDPOINT=$(shq "http://$CLUSTER_GATEWAY:$moto_port")"
    echo "export DDBOP_CLUSTER_CONTAINERD_SOCK=$(shq "$(containerd_sock)")"
    echo "export DDBOP_CLUSTER_KCM_PORT=$(shq "$kcm_port")"
    echo "export DDBOP_CLUSTER_SCHEDULER_PORT=$(shq "$scheduler_port")"
    echo "export DDBOP_CLUSTER_KUBELET_HEALTHZ_PORT=$(shq "$kubelet_healthz_port")"
  } >"$cs/env.tmp"
  mv "$cs/env.tmp" "$cs/env"
}

# The operator images: `hack/images.sh build` (seconds when Docker's layer cache has them), then, only
# when their image IDs differ from what was loaded last, `hack/images.sh save` + `ctr images import`.
cluster_load_images() {
  [ "${DDBOP_CLUSTER_SKIP_IMAGES:-}" = 1 ] && return 0
  step_begin "operator images (hack/images.sh build; save → ctr images import when they changed)"
  local built dir="$cs/images" f
  built="$(bash "$root/hack/images.sh" build | grep '^image ' | sed 's/ size=.*//')" || die "hack/images.sh build failed"
  if [ "$built" = "$(cat "$containerd_root.images-loaded" 2>/dev/null)" ] &&
    [ "$(ctr_ images ls -q | grep -c '^docker.io/library/dynamodb-operator-')" -ge 2 ]; then
    step_end "unchanged"
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  bash "$root/hack/images.sh" save "$dir" >/dev/null || die "hack/images.sh save failed"
  for f in "$dir"/*.tar; do
    ctr_ images import "$f" >/dev/null || die_with_log containerd "ctr images import $f failed"
  done
  rm -rf "$dir"
  echo "$built" >"$containerd_root.images-loaded"
  step_end "$(echo "$built" | wc -l) image(s) loaded"
}

# ---------------------------------------------------------------------------------------------- status
cluster_status() {
  local ok=0 name pid
  [ -f "$cs/env" ] || {
    echo "cluster: not up (no $cs/env)"
    return 1
  }
  for name in "${cluster_components[@]}"; do
    if pid="$(component_pid "$name")"; then
      echo "$name: running (pid $pid)"
    else
      echo "$name: NOT running"
      ok=1
    fi
  done
  [ $ok -eq 0 ] && { probe_node_ready || { echo "node $CLUSTER_NODE: not Ready" && ok=1; }; }
  return $ok
}

cluster_up() {
  if cluster_status >/dev/null 2>&1; then
    log "cluster already up; reusing it (. $cs/env)"
    ddbop_ensure_node
    cluster_load_images
    return 0
  fi
  load_ports || die "the test environment is not up"
  ddbop_ensure_node
  cluster_down
  install_node_packages
  install_k8s_node
  build_pause_image
  trap 'if [ $? -ne 0 ]; then cluster_down >/dev/null 2>&1 || true; fi' EXIT
  cluster_start
  trap - EXIT
}
