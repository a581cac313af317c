# shellcheck shell=bash
# The cluster's network (sourced by hack/cluster.sh): our bridge with the pod gateway and the `kubernetes`
# Service IP, the CNI configuration, and our iptables chain; and their removal.
# ---------------------------------------------------------------------------------------------- network
cluster_network_up() {
  ip link show "$CLUSTER_BRIDGE" >/dev/null 2>&1 || ip link add "$CLUSTER_BRIDGE" type bridge
  ip addr replace "$CLUSTER_GATEWAY/24" dev "$CLUSTER_BRIDGE"
  ip addr replace "$CLUSTER_KUBERNETES_IP/32" dev "$CLUSTER_BRIDGE"
  ip link set "$CLUSTER_BRIDGE" up
  # pods may open connections only to the forwarder (API server, moto); replies to connections the host
  # opened (the API server calling the webhook, scrapes) pass; nothing is routed off the bridge
  iptables -w -N "$CLUSTER_CHAIN" 2>/dev/null || iptables -w -F "$CLUSTER_CHAIN"
  iptables -w -A "$CLUSTER_CHAIN" -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  iptables -w -A "$CLUSTER_CHAIN" -p tcp -d "$CLUSTER_KUBERNETES_IP" --dport 443 -j ACCEPT
  iptables -w -A "$CLUSTER_CHAIN" -p tcp -d "$CLUSTER_GATEWAY" --dport "$moto_port" -j ACCEPT
  iptables -w -A "$CLUSTER_CHAIN" -j DROP
  iptables -w -C INPUT -i "$CLUSTER_BRIDGE" -j "$CLUSTER_CHAIN" 2>/dev/null ||
    iptables -w -I INPUT 1 -i "$CLUSTER_BRIDGE" -j "$CLUSTER_CHAIN"
  iptables -w -C FORWARD -i "$CLUSTER_BRIDGE" ! -o "$CLUSTER_BRIDGE" -j DROP 2>/dev/null ||
    iptables -w -I FORWARD 1 -i "$CLUSTER_BRIDGE" ! -o "$CLUSTER_BRIDGE" -j DROP

  mkdir -p "$cs/cni"
  cat >"$cs/cni/10-ddbop.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "$CLUSTER_CNI_NETWORK",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$CLUSTER_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "ipam": {
        "type": "host-local",
        "dataDir": "$cs/cni-ipam",
        "ranges": [[{ "subnet": "$CLUSTER_POD_CIDR", "gateway": "$CLUSTER_GATEWAY" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "loopback" }
  ]
}
EOF
}

cluster_network_down() {
  local veth
  for veth in $(ip -o link show master "$CLUSTER_BRIDGE" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
    ip link del "$veth" 2>/dev/null || true
  done
  ip link del "$CLUSTER_BRIDGE" 2>/dev/null || true
  while iptables -w -D INPUT -i "$CLUSTER_BRIDGE" -j "$CLUSTER_CHAIN" 2>/dev/null; do :; done
  while iptables -w -D FORWARD -i "$CLUSTER_BRIDGE" ! -o "$CLUSTER_BRIDGE" -j DROP 2>/dev/null; do :; done
  iptables -w -F "$CLUSTER_CHAIN" 2>/dev/null || true
  iptables -w -X "$CLUSTER_CHAIN" 2>/dev/null || true
  # chains the kubelet made (KUBE-IPTABLES-HINT, KUBE-KUBELET-CANARY, KUBE-FIREWALL) that were not
  # there before `up`: nothing else on this machine runs Kubernetes networking
  local table chain
  for table in filter nat mangle; do
    for chain in $(iptables -w -t "$table" -S 2>/dev/null | sed -n 's/^-N \(KUBE-[A-Z-]*\)$/\1/p'); do
      grep -qx "$table $chain" "$cs/iptables-chains-before" 2>/dev/null && continue
      iptables -w -t "$table" -S 2>/dev/null | sed -n "s/^-A \([A-Z]*\) \(.*-j $chain\)\$/\1 \2/p" |
        while read -r parent rule; do
          # shellcheck disable=SC2086
          iptables -w -t "$table" -D "$parent" $rule 2>/dev/null || true
        done
      iptables -w -t "$table" -F "$chain" 2>/dev/null || true
      iptables -w -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
}

record_iptables_chains() {
  local table
  for table in filter nat mangle; do
    iptables -w -t "$table" -S 2>/dev/null | sed -n "s/^-N \(KUBE-[A-Z-]*\)\$/$table \1/p"
  done >"$cs/iptables-chains-before"
}
