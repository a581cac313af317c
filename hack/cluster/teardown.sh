# shellcheck shell=bash
# Taking the cluster down (sourced by hack/cluster.sh) and checking that nothing is left behind.
# ------------------------------------------------------------------------------------------------ down
# Pods are deleted through the API while the kubelet runs, so it stops them through the CRI and the CNI
# plugins remove their veths and addresses; what a crash left behind is removed by hand after.
cluster_stop_pods() {
  component_pid kubelet >/dev/null || return 0
  probe_apiserver 2>/dev/null || return 0
  kubectl_ delete pods -A --field-selector "spec.nodeName=$CLUSTER_NODE" --force --grace-period=0 --wait=false >/dev/null 2>&1 || true
  local i
  for ((i = 0; i < 300; i++)); do
    [ -z "$(ctr_ tasks ls -q 2>/dev/null)" ] && [ -z "$(ip -o link show master "$CLUSTER_BRIDGE" 2>/dev/null)" ] && return 0
    sleep 0.2
  done
  log "pods still running 60s after their deletion: removing them by hand"
}

cluster_down() {
  [ -d "$cs" ] || return 0
  local name t pid netns=()
  # the API server's port, for deleting pods and the Node through it (down is called without it)
  load_ports >/dev/null 2>&1 || true
  for name in kube-controller-manager kube-scheduler; do
    component_pid "$name" >/dev/null && stop_component "$name"
  done
  cluster_stop_pods
  stop_component kubelet
  # the Node object would stay NotReady in the API server: remove it with its heartbeat Lease
  if probe_apiserver 2>/dev/null; then
    kubectl_ delete node "$CLUSTER_NODE" --ignore-not-found --wait=false >/dev/null 2>&1 || true
    kubectl_ delete lease "$CLUSTER_NODE" -n kube-node-lease --ignore-not-found --wait=false >/dev/null 2>&1 || true
  fi
  if component_pid containerd >/dev/null; then
    # what the kubelet did not stop: kill the tasks, remember their network namespaces
    for t in $(ctr_ tasks ls -q 2>/dev/null); do
      netns+=("$(ctr_ containers info "$t" 2>/dev/null | sed -n 's|.*"path": "\(/var/run/netns/cni-[0-9a-f-]*\)".*|\1|p' | head -n1)")
      ctr_ tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true
    done
    for t in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks delete -f "$t" >/dev/null 2>&1 || true; done
    # containers are not kept (images are): the next kubelet starts from an empty runtime
    for t in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers rm "$t" >/dev/null 2>&1 || true; done
  fi
  stop_component containerd
  # shims outlive containerd (they are re-parented to init); ours name our socket on their command line
  local sock
  sock="$(containerd_sock)"
  for pid in $(grep -ls -- "[/]${sock#/}" /proc/[0-9]*/cmdline | cut -d/ -f3); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  for t in "${netns[@]}"; do
    [ -n "$t" ] && { umount "$t" 2>/dev/null || true; rm -f "$t"; }
  done
  stop_component cluster-forward
  # mounts under our state (kubelet volumes, container root filesystems, sandbox /dev/shm), deepest first
  awk '{print $5}' /proc/self/mountinfo | grep -e "^$cs/" -e "^$containerd_root/" | sort -r |
    while read -r t; do umount -l "$t" 2>/dev/null || true; done
  cluster_network_down
  # fixed paths outside our state: libcni's result cache, the kubelet's device-plugin socket, the CRI's
  # network namespace mount points; removed when `up` created them (nothing else here uses them)
  rm -f /var/lib/cni/results/"$CLUSTER_CNI_NETWORK"-* 2>/dev/null || true
  local d
  for d in $(cat "$cs/created-dirs" 2>/dev/null); do rm -rf "$d"; done
  # the kubelet's cgroups (cgroupfs driver, cgroup v1): leaves first
  find /sys/fs/cgroup/*/kubepods -depth -type d -exec rmdir {} + 2>/dev/null || true
  rm -rf "${cs:?}"
}

# Prints what a `down` would have had to remove but could not; empty when clean.
cluster_leftovers() {
  local name
  for name in "${cluster_components[@]}"; do
    [ -f "$pids/$name.pid" ] && echo "pid file: $name"
  done
  # [/]: the pattern is not the literal path, so grep does not find its own command line
  grep -ls -- "[/]${cs#/}/" /proc/[0-9]*/cmdline | sed 's|^|process: |'
  awk '{print $5}' /proc/self/mountinfo | grep -e "^$cs/" -e "^$containerd_root/" | sed 's|^|mount: |'
  ip -o link show "$CLUSTER_BRIDGE" 2>/dev/null | sed 's|^|bridge: |'
  ip -o link show type veth 2>/dev/null | grep -F "master $CLUSTER_BRIDGE" | sed 's|^|veth: |'
  iptables -w -S 2>/dev/null | grep -F -e "$CLUSTER_CHAIN" -e "-i $CLUSTER_BRIDGE" | sed 's|^|iptables: |'
  ls -d /sys/fs/cgroup/*/kubepods 2>/dev/null | sed 's|^|cgroup: |'
  ls -d /var/run/netns/cni-* 2>/dev/null | sed 's|^|netns: |'
  ls -d /var/lib/kubelet/device-plugins/kubelet.sock /var/lib/cni/results/"$CLUSTER_CNI_NETWORK"-* 2>/dev/null | sed 's|^|file: |'
  true
}

# down, then says what is left (nothing, when all went well)
cluster_down_checked() {
  step_begin "stop the cluster (pods, kubelet, containerd, controllers, bridge, iptables rules)"
  cluster_down
  local left
  left="$(cluster_leftovers)"
  [ -z "$left" ] || log "WARNING: left behind by the cluster:"$'\n'"$left"
  step_end "${left:+not }clean"
}
