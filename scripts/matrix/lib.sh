# shellcheck shell=bash
# Shared topology for the scenario-matrix capture scripts (scripts/matrix/make-set-*.sh): three
# network namespaces, client -- router/firewall -- broker, an optional stateful nftables firewall
# with a short conntrack timeout, optional NAT, tcpdump helpers. Extracted from
# scripts/incidents/make-incidents.sh. Needs root, iproute2, nftables, conntrack, tcpdump, gzip.
#
# Usage (set the variables, then source; sourcing installs an EXIT trap that removes everything):
#
#   PREFIX=kdma V4=10.98 V6=fd98 MACID=98 IPV6=1 PORT=9092 OUT=/path/to/folder
#   source "$(dirname "$0")/lib.sh"
#   topo_up                          # namespaces $NC $NF $NB, addresses below
#   firewall reset 4                 # reset|drop|none [CONNTRACK_ESTABLISHED_TIMEOUT_S]
#   nat on                           # masquerade (random ports) on the router's broker side
#   keepalive 2 1 3                  # client tcp_keepalive_time/intvl/probes
#   cap $NC c0 "$WORK/x-client.pcap" "tcp port $PORT"; tc=$LAST
#   standin x --host $B4 --idle-close-ms 3000; b=$LAST    # the stand-in broker (broker.ts) in $NB
#   bg $NC "$WORK/client.log" kcat -P -b $B4:$PORT -t t <file; p=$LAST
#   stop $tc; stop $b                # SIGTERM + wait, by pid
#   save x-client.pcap               # gzip -9 -n $WORK/x-client.pcap -> $OUT/x-client.pcap.gz
#   topo_down                        # optional: the EXIT trap does it too
#
# Variables (defaults): PREFIX (kdma) namespace prefix; V4 (10.98) first two octets; V6 (fd98)
# first hextet; MACID (98) second MAC byte; IPV6 (0) 1 gives the hosts v6 addresses too;
# PORT (9092) the broker port; OUT (.) where save writes; KEEP_LOGS (empty) a folder to copy the
# logs into at exit; TCP_RETRIES2 (empty: kernel default) the client's net.ipv4.tcp_retries2.
#
#   $NC=$PREFIX-client  c0  $C4=V4.1.1/24   $C6=V6:1::1/64   02:MACID:01:00:00:01
#        |  veth
#   $NF=$PREFIX-fw      f0  V4.1.254/24     V6:1::fe/64      02:MACID:01:00:00:fe   (forwarding)
#                       f1  V4.2.254/24     V6:2::fe/64      02:MACID:02:00:00:fe
#        |  veth
#   $NB=$PREFIX-broker  b0  $B4=V4.2.2/24   $B6=V6:2::2/64   02:MACID:02:00:00:02
#
# Every packet crosses the router: at the client the broker's packets have TTL 63 / hop limit 63,
# a RST forged by the firewall has 64. Static neighbours (no ARP/ND in captures), one MSS-sized
# segment per skb (gso_max_segs 1). $WORK is a private temporary folder, removed at exit.
# Helpers: log MSG; in_ns NS CMD...; bg NS LOG CMD... (pid in $LAST, killed at exit); stop PID...;
# cap NS IFACE FILE FILTER (pid in $LAST); save NAME [DEST_NAME]; standin NAME [broker options];
# tls_cert (a self-signed broker certificate: $TLSDIR/cert.pem, key.pem).

PREFIX="${PREFIX:-kdma}"
V4="${V4:-10.98}"
V6="${V6:-fd98}"
MACID="${MACID:-98}"
IPV6="${IPV6:-0}"
PORT="${PORT:-9092}"
OUT="${OUT:-.}"
KEEP_LOGS="${KEEP_LOGS:-}"
TCP_RETRIES2="${TCP_RETRIES2:-}"

NC="$PREFIX-client" NF="$PREFIX-fw" NB="$PREFIX-broker"
C4="$V4.1.1" R4C="$V4.1.254" R4B="$V4.2.254" B4="$V4.2.2"
C6="$V6:1::1" R6C="$V6:1::fe" R6B="$V6:2::fe" B6="$V6:2::2"
MAC_C="02:$MACID:01:00:00:01" MAC_RC="02:$MACID:01:00:00:fe"
MAC_RB="02:$MACID:02:00:00:fe" MAC_B="02:$MACID:02:00:00:02"
FW_TABLE="${PREFIX//-/_}_fw" NAT_TABLE="${PREFIX//-/_}_nat"
LIB_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d "/tmp/$PREFIX.XXXXXX")"
PIDS=()
LAST=""

log() { echo "[${LOG_TAG:-$PREFIX}] $*" >&2; }

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

lib_cleanup() {
  set +e
  # A script may define cleanup_hook for its own extra cleanup.
  declare -F cleanup_hook >/dev/null && cleanup_hook
  # Only the processes started through bg/cap/standin, by pid.
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  topo_down
  if [[ -n "$KEEP_LOGS" ]]; then mkdir -p "$KEEP_LOGS"; cp "$WORK"/*.log "$KEEP_LOGS"/ 2>/dev/null; fi
  rm -rf "$WORK"
}
trap lib_cleanup EXIT
trap 'exit 130' INT TERM

topo_down() {
  local ns
  for ns in $NC $NF $NB; do ip netns del "$ns" 2>/dev/null; done
  return 0
}

topo_up() {
  local ns d
  for ns in $NC $NF $NB; do ip netns del "$ns" 2>/dev/null || true; ip netns add "$ns"; done
  ip link add c0 netns $NC type veth peer name f0 netns $NF
  ip link add f1 netns $NF type veth peer name b0 netns $NB
  # Fixed MACs so regenerated captures differ only where the traffic does.
  in_ns $NC ip link set c0 address $MAC_C
  in_ns $NF ip link set f0 address $MAC_RC
  in_ns $NF ip link set f1 address $MAC_RB
  in_ns $NB ip link set b0 address $MAC_B
  for ns in $NC $NF $NB; do
    if [[ "$IPV6" == 1 ]]; then
      # No DAD (addresses usable at once), no router solicitations/advertisements.
      in_ns $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
        net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
        net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0
    else
      # IPv4 only: no MLD/ND chatter.
      in_ns $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    fi
    in_ns $ns ip link set lo up
  done
  in_ns $NF sysctl -qw net.ipv4.ip_forward=1
  [[ "$IPV6" == 1 ]] && in_ns $NF sysctl -qw net.ipv6.conf.all.forwarding=1
  # One segment per skb: MSS-sized segments as a NIC would send them, not 64 kB GSO frames.
  for d in "$NC c0" "$NF f0" "$NF f1" "$NB b0"; do
    set -- $d
    in_ns "$1" ip link set "$2" gso_max_segs 1 gso_max_size 1500 up
  done
  in_ns $NC ip addr add $C4/24 dev c0
  in_ns $NF ip addr add $R4C/24 dev f0
  in_ns $NF ip addr add $R4B/24 dev f1
  in_ns $NB ip addr add $B4/24 dev b0
  in_ns $NC ip route add default via $R4C
  in_ns $NB ip route add default via $R4B
  # Static neighbours: no ARP in the captures, even across long idle periods.
  in_ns $NC ip neigh replace $R4C lladdr $MAC_RC dev c0 nud permanent
  in_ns $NF ip neigh replace $C4 lladdr $MAC_C dev f0 nud permanent
  in_ns $NF ip neigh replace $B4 lladdr $MAC_B dev f1 nud permanent
  in_ns $NB ip neigh replace $R4B lladdr $MAC_RB dev b0 nud permanent
  if [[ "$IPV6" == 1 ]]; then
    in_ns $NC ip -6 addr add $C6/64 dev c0 nodad
    in_ns $NF ip -6 addr add $R6C/64 dev f0 nodad
    in_ns $NF ip -6 addr add $R6B/64 dev f1 nodad
    in_ns $NB ip -6 addr add $B6/64 dev b0 nodad
    in_ns $NC ip -6 route add default via $R6C dev c0
    in_ns $NB ip -6 route add default via $R6B dev b0
    in_ns $NC ip -6 neigh replace $R6C lladdr $MAC_RC dev c0 nud permanent
    in_ns $NF ip -6 neigh replace $C6 lladdr $MAC_C dev f0 nud permanent
    in_ns $NF ip -6 neigh replace $B6 lladdr $MAC_B dev f1 nud permanent
    in_ns $NB ip -6 neigh replace $R6B lladdr $MAC_RB dev b0 nud permanent
  fi
  if [[ -n "$TCP_RETRIES2" ]]; then in_ns $NC sysctl -qw net.ipv4.tcp_retries2="$TCP_RETRIES2"; fi
  return 0
}

# firewall reset|drop|none [TIMEOUT_S]: stateful forwarding in the router; packets of unknown
# sessions that are not a SYN are answered with a forged RST (reset) or dropped (drop), IPv4 and
# IPv6 (table inet). TIMEOUT_S (default 4) is the router's conntrack established-TCP timeout (an
# nft "ct timeout" object is accepted by this kernel but not applied to the flows). Flushes the
# conntrack table so earlier scenarios' flows are forgotten. none removes the rules and restores
# the kernel's default timeout (5 days).
firewall() {
  local mode=$1 timeout=${2:-4}
  in_ns $NF nft delete table inet $FW_TABLE 2>/dev/null || true
  if [[ "$mode" == none ]]; then
    in_ns $NF sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established=432000 2>/dev/null || true
    return 0
  fi
  local verdict="reject with tcp reset"
  [[ "$mode" == drop ]] && verdict="drop"
  in_ns $NF nft -f - <<EOF
table inet $FW_TABLE {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ct state invalid counter $verdict
    tcp flags & (syn | ack) != syn ct state new counter $verdict
  }
}
EOF
  in_ns $NF sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established="$timeout"
  in_ns $NF conntrack -F 2>/dev/null || true
  in_ns $NF conntrack -F -f ipv6 2>/dev/null || true
}

# fw_counters: the firewall's nft counters, on stderr (call before a scenario ends).
fw_counters() { in_ns $NF nft list table inet $FW_TABLE 2>/dev/null | grep counter >&2 || true; }

# nat on|off: source NAT (masquerade, random source ports) on the router's broker-facing f1, IPv4
# and IPv6: the broker sees $R4B / $R6B and a port unrelated to the client's.
nat() {
  in_ns $NF nft delete table inet $NAT_TABLE 2>/dev/null || true
  [[ "$1" == off ]] && return 0
  in_ns $NF nft -f - <<EOF
table inet $NAT_TABLE {
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    oifname "f1" meta l4proto tcp masquerade fully-random
  }
}
EOF
}

keepalive() { # TIME INTVL PROBES (client namespace; applies to IPv4 and IPv6 sockets)
  in_ns $NC sysctl -qw net.ipv4.tcp_keepalive_time="$1" net.ipv4.tcp_keepalive_intvl="$2" \
    net.ipv4.tcp_keepalive_probes="$3"
}

# bg NS LOG cmd... : start a background process in a namespace (ip netns exec execs the command,
# so $! is the process itself); its pid goes to $LAST and is killed at exit if still running.
bg() { local ns=$1 logf=$2; shift 2; ip netns exec "$ns" "$@" 2>"$logf" & LAST=$!; PIDS+=("$LAST"); }

# stop PID...: SIGTERM (tcpdump flushes its file on TERM), then reap.
stop() {
  local p
  for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}

# cap NS IFACE FILE [FILTER]: tcpdump on one side (default filter "tcp port $PORT"); waits until it
# listens; pid in $LAST. Immediate mode: a tcpdump stopped before a ring block is retired loses
# the last packets. -s 2048: the ring's slots are snaplen-sized, so with the default 262144 a
# 16 MB ring holds only 64 frames and a fast burst is dropped ("packets dropped by kernel"); no
# frame here exceeds 1514 bytes (MTU 1500, no GSO).
cap() {
  local ns=$1 ifc=$2 file=$3 filter=${4:-"tcp port $PORT"}
  local err="$WORK/$(basename "$file").tcpdump.log"
  bg "$ns" "$err" tcpdump -Z root -U --immediate-mode -s 2048 -B 16384 -n -i "$ifc" -w "$file" "$filter"
  local i
  for i in $(seq 100); do grep -q "listening on" "$err" && return 0; sleep 0.05; done
  log "tcpdump did not start: $(cat "$err")"; return 1
}

# cap_check FILE: after stop, fails if tcpdump reported kernel drops for FILE.
cap_check() {
  local err="$WORK/$(basename "$1").tcpdump.log"
  if grep -E "^[1-9][0-9]* packets? dropped by kernel" "$err" >&2; then log "$1: tcpdump dropped packets"; return 1; fi
}

# save NAME [DEST]: gzip -9 -n $WORK/NAME (or the path NAME) into $OUT/DEST.gz (DEST defaults to
# the base name).
save() {
  local f="$1" dest="${2:-$(basename "$1")}"
  [[ -f "$f" ]] || f="$WORK/$1"
  mkdir -p "$OUT"
  gzip -9 -n -c "$f" >"$OUT/$dest.gz"
  log "wrote $OUT/$dest.gz ($(stat -c %s "$OUT/$dest.gz") bytes)"
}

# standin NAME [broker options]: the stand-in broker (scripts/kafka-standin/broker.ts) in $NB
# (pass --host $B4 or --host $B6 / ::), waits until it listens; pid in $LAST (node itself), log
# in $WORK/NAME.broker.log.
standin() {
  local name=$1; shift
  local blog="$WORK/$name.broker.log"
  (cd "$LIB_REPO" && exec ip netns exec $NB node --import tsx scripts/kafka-standin/broker.ts \
    --port "$PORT" "$@") 2>"$blog" &
  LAST=$!; PIDS+=("$LAST")
  local i
  for i in $(seq 200); do grep -q "listening on" "$blog" && return 0; sleep 0.1; done
  log "broker did not start: $(cat "$blog")"; return 1
}

# tls_cert: a self-signed EC P-256 certificate for the stand-in broker's TLS listener (standin
# --tls "$TLSDIR/cert.pem,$TLSDIR/key.pem"), valid for $B4 and $B6 (clients verify it with it as
# their CA file); made once per run, in $WORK.
TLSDIR=""
tls_cert() {
  [[ -n "$TLSDIR" ]] && return 0
  TLSDIR="$WORK/tls"; mkdir -p "$TLSDIR"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=kdiag-standin \
    -addext "subjectAltName=IP:$B4,IP:$B6" -days 2 -keyout "$TLSDIR/key.pem" -out "$TLSDIR/cert.pem" 2>/dev/null
}
