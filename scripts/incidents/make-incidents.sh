#!/usr/bin/env bash
# Regenerates the incident captures in test/fixtures/incidents/ (see the README there): a real
# librdkafka producer (scripts/kafka-standin/idle-producer.py, Debian's python3-confluent-kafka
# over librdkafka 2.0.2) talking to the stand-in broker (scripts/kafka-standin/broker.ts) through
# a firewall namespace whose conntrack forgets idle TCP sessions, captured with tcpdump on both
# sides.
#
#   sudo scripts/incidents/make-incidents.sh [--out DIR] [scenario ...]
#
# Scenarios: fw-reset fw-drop keepalive-survives keepalive-too-slow broker-idle-close
# normal-produce (default: all). Needs root, iproute2, nftables, tcpdump, node (tsx from
# node_modules), /usr/bin/python3 with python3-confluent-kafka (apt-get install python3-confluent-kafka).
# INCIDENT_LOGS=DIR keeps the producer's, broker's and tcpdump's logs.
#
#   kdinc-client  c0 10.97.1.1/24      librdkafka producer; keepalive sysctls set per scenario
#        |  veth
#   kdinc-fw      f0 10.97.1.254/24    router (ip_forward); nftables + conntrack, established-TCP
#                 f1 10.97.2.254/24    timeout FW_TIMEOUT s (default 4)
#        |  veth
#   kdinc-broker  b0 10.97.2.2/24      stand-in broker on 10.97.2.2:9092
#
# Every packet crosses the router, so at the client the broker's packets have TTL 63 while a RST
# forged by the firewall has TTL 64; at the broker the client's packets have TTL 63.
# Everything it creates (namespaces, processes, temporary files) is removed on exit, also on
# failure, so it can be re-run at will.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="$REPO/test/fixtures/incidents"
if [[ "${1:-}" == "--out" ]]; then OUT="$2"; shift 2; fi
SCENARIOS=("$@")
if [[ ${#SCENARIOS[@]} -eq 0 ]]; then
  SCENARIOS=(fw-reset fw-drop keepalive-survives keepalive-too-slow broker-idle-close normal-produce)
fi

NC=kdinc-client NF=kdinc-fw NB=kdinc-broker
C4=10.97.1.1 B4=10.97.2.2 PORT=9092
FW_TIMEOUT="${FW_TIMEOUT:-4}"
PRODUCER="$HERE/../kafka-standin/idle-producer.py"
WORK="$(mktemp -d /tmp/kdinc.XXXXXX)"
LOGS="${INCIDENT_LOGS:-}"
PIDS=()

log() { echo "[make-incidents] $*" >&2; }

cleanup() {
  set +e
  # Only the processes this script started, by pid.
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  for ns in $NC $NF $NB; do ip netns del "$ns" 2>/dev/null; done
  if [[ -n "$LOGS" ]]; then mkdir -p "$LOGS"; cp "$WORK"/*.log "$LOGS"/ 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

setup() {
  for ns in $NC $NF $NB; do ip netns del "$ns" 2>/dev/null || true; ip netns add "$ns"; done
  ip link add c0 netns $NC type veth peer name f0 netns $NF
  ip link add f1 netns $NF type veth peer name b0 netns $NB
  # Fixed MACs so regenerated captures differ only where the traffic does.
  in_ns $NC ip link set c0 address 02:97:01:00:00:01
  in_ns $NF ip link set f0 address 02:97:01:00:00:fe
  in_ns $NF ip link set f1 address 02:97:02:00:00:fe
  in_ns $NB ip link set b0 address 02:97:02:00:00:02
  for ns in $NC $NF $NB; do
    # IPv4 only: no MLD/ND chatter.
    in_ns $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    in_ns $ns ip link set lo up
  done
  in_ns $NF sysctl -qw net.ipv4.ip_forward=1
  # One segment per skb: MSS-sized segments as a NIC would send them, not 64 kB GSO frames.
  local d
  for d in "$NC c0" "$NF f0" "$NF f1" "$NB b0"; do
    set -- $d
    in_ns "$1" ip link set "$2" gso_max_segs 1 gso_max_size 1500 up
  done
  in_ns $NC ip addr add $C4/24 dev c0
  in_ns $NF ip addr add 10.97.1.254/24 dev f0
  in_ns $NF ip addr add 10.97.2.254/24 dev f1
  in_ns $NB ip addr add $B4/24 dev b0
  in_ns $NC ip route add default via 10.97.1.254
  in_ns $NB ip route add default via 10.97.2.254
  # Static neighbours: no ARP in the captures, even across long idle periods.
  in_ns $NC ip neigh replace 10.97.1.254 lladdr 02:97:01:00:00:fe dev c0 nud permanent
  in_ns $NF ip neigh replace $C4 lladdr 02:97:01:00:00:01 dev f0 nud permanent
  in_ns $NF ip neigh replace $B4 lladdr 02:97:02:00:00:02 dev f1 nud permanent
  in_ns $NB ip neigh replace 10.97.2.254 lladdr 02:97:02:00:00:fe dev b0 nud permanent
  # The client's retransmission budget (fw-drop): with 3 retries (RTO from 200 ms) the kernel gives
  # up on unanswered data after ~3 s instead of the default ~15 min.
  in_ns $NC sysctl -qw net.ipv4.tcp_retries2=3
}

# The firewall: stateful forwarding, unknown non-SYN packets rejected with a RST (reset) or dropped
# (drop). The idle timeout is the fw namespace's conntrack sysctl (an nft "ct timeout" object is
# accepted by this kernel but not applied to the flows; see scripts/fixtures/make-real-captures.sh).
firewall() { # reset|drop|none
  in_ns $NF nft delete table ip kdinc_fw 2>/dev/null || true
  [[ "$1" == none ]] && return 0
  local verdict="reject with tcp reset"
  [[ "$1" == drop ]] && verdict="drop"
  in_ns $NF nft -f - <<EOF
table ip kdinc_fw {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ct state invalid counter $verdict
    tcp flags & (syn | ack) != syn ct state new counter $verdict
  }
}
EOF
  in_ns $NF sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established="$FW_TIMEOUT"
  in_ns $NF conntrack -F 2>/dev/null || true   # forget earlier scenarios' flows (if conntrack(8) is installed)
}

keepalive_sysctls() { # TIME INTVL PROBES (client namespace)
  in_ns $NC sysctl -qw net.ipv4.tcp_keepalive_time="$1" net.ipv4.tcp_keepalive_intvl="$2" \
    net.ipv4.tcp_keepalive_probes="$3"
}

# bg NS LOG cmd... : start a background process in a namespace (ip netns exec execs the command,
# so $! is the process itself), its pid goes to $LAST.
bg() { local ns=$1 logf=$2; shift 2; ip netns exec "$ns" "$@" 2>"$logf" & LAST=$!; PIDS+=("$LAST"); }

# stop PID...: SIGTERM (tcpdump flushes its file on TERM), then reap.
stop() {
  local p
  for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}

# cap NS IFACE FILE : tcpdump on one side, only the Kafka port; waits until it listens.
cap() {
  local ns=$1 ifc=$2 file=$3
  local err="$WORK/$(basename "$file").tcpdump.log"
  # --immediate-mode: a tcpdump stopped before a ring block is retired loses the last packets.
  bg "$ns" "$err" tcpdump -Z root -U --immediate-mode -n -i "$ifc" -w "$file" "tcp port $PORT"
  local i
  for i in $(seq 100); do grep -q "listening on" "$err" && return 0; sleep 0.05; done
  log "tcpdump did not start: $(cat "$err")"; return 1
}

broker() { # NAME [broker options]: the stand-in on 10.97.2.2:9092
  local name=$1; shift
  local blog="$WORK/$name.broker.log"
  (cd "$REPO" && exec ip netns exec $NB node --import tsx scripts/kafka-standin/broker.ts \
    --host $B4 --port $PORT "$@") 2>"$blog" &
  LAST=$!; PIDS+=("$LAST")
  local i
  for i in $(seq 150); do grep -q "listening on" "$blog" && return 0; sleep 0.1; done
  log "broker did not start: $(cat "$blog")"; return 1
}

producer() { # NAME PLAN [-X k=v ...]
  local name=$1 plan=$2; shift 2
  log "$name: producer plan $plan $*"
  in_ns $NC /usr/bin/python3 "$PRODUCER" $B4:$PORT incidents "$plan" --client-id "kdiag-$name" "$@" \
    2>"$WORK/$name.producer.log" || { log "producer failed"; cat "$WORK/$name.producer.log" >&2; return 1; }
  grep '^%' "$WORK/$name.producer.log" >&2 || true
}

save() { # save NAME: move $WORK/NAME into $OUT (gzip -9 -n above 200 kB)
  local f="$WORK/$1"
  if (( $(stat -c %s "$f") > 200000 )); then
    gzip -9 -n -c "$f" >"$OUT/$1.gz"; log "wrote $OUT/$1.gz ($(stat -c %s "$OUT/$1.gz") bytes)"
  else
    cp "$f" "$OUT/$1"; log "wrote $OUT/$1 ($(stat -c %s "$OUT/$1") bytes)"
  fi
}

# run NAME BOTH_SIDES(yes|no) PLAN [broker options --] [producer -X options]
# One scenario: fresh broker, tcpdump at the client (and the broker), the producer's plan, stop.
run() {
  local name=$1 both=$2 plan=$3; shift 3
  local bopts=()
  if [[ "${1:-}" == "--broker" ]]; then
    shift
    while [[ "$1" != "--" ]]; do bopts+=("$1"); shift; done
    shift
  fi
  broker "$name" "${bopts[@]}"; local b=$LAST
  cap $NC c0 "$WORK/$name-client.pcap"; local tc=$LAST tb=""
  if [[ $both == yes ]]; then cap $NB b0 "$WORK/$name-broker.pcap"; tb=$LAST; fi
  sleep 0.3
  producer "$name" "$plan" "$@"
  sleep 0.5
  log "$name: firewall counters at the end of the capture:"
  in_ns $NF nft list table ip kdinc_fw 2>/dev/null | grep counter >&2 || true
  # Captures first, then the broker: its exit would close the connections it still holds open.
  stop $tc $tb
  stop $b
}

# ------------------------------------------------------------------ scenarios

# Keepalive off (librdkafka's default); the producer idles 6 s > the 4 s conntrack timeout. Its
# next Produce is "new but not a SYN" to the firewall, which answers with a RST forged from the
# broker's address; librdkafka reconnects and resends. The broker never sees the RST.
sc_fw_reset() {
  firewall reset
  keepalive_sysctls 7200 75 9
  run fw-reset yes send,idle:6,send
  save fw-reset-client.pcap; save fw-reset-broker.pcap
}

# Same, but the firewall drops the unknown packets: the client retransmits into nothing until
# the kernel gives up (tcp_retries2=3, ~3 s) or librdkafka's request times out, then reconnects.
sc_fw_drop() {
  firewall drop
  keepalive_sysctls 7200 75 9
  run fw-drop yes send,idle:6,send -X request.timeout.ms=8000 -X socket.timeout.ms=8000
  save fw-drop-client.pcap; save fw-drop-broker.pcap
}

# Negative control: keepalive on, first probe after 2 s idle (< the 4 s timeout), every 2 s
# after that while acked: the firewall's entry stays fresh, nothing is reset.
sc_keepalive_survives() {
  firewall reset
  keepalive_sysctls 2 1 3
  run keepalive-survives yes send,idle:7,send -X socket.keepalive.enable=true
  save keepalive-survives-client.pcap; save keepalive-survives-broker.pcap
}

# Keepalive on but too slow: first probe after 6 s idle, the firewall forgot the session at 4 s,
# so the probe itself draws the RST; librdkafka reconnects for the next message.
sc_keepalive_too_slow() {
  firewall reset
  keepalive_sysctls 6 1 3
  run keepalive-too-slow no send,idle:8,send -X socket.keepalive.enable=true
  save keepalive-too-slow-client.pcap
}

# Negative control (info): no firewall state in the way; the broker's idle reaper closes the idle
# connection with a FIN after 3 s (connections.max.idle.ms=3000), librdkafka reconnects later.
sc_broker_idle_close() {
  firewall none
  keepalive_sysctls 7200 75 9
  run broker-idle-close no send,idle:5,send --broker --idle-close-ms 3000 --
  cp "$WORK/broker-idle-close-client.pcap" "$WORK/broker-idle-close.pcap"
  save broker-idle-close.pcap
}

# Negative control: a few messages, no long idle, through the same firewall.
sc_normal_produce() {
  firewall reset
  keepalive_sysctls 7200 75 9
  run normal-produce no send,idle:0.3,send,idle:0.3,send,idle:0.3,send
  cp "$WORK/normal-produce-client.pcap" "$WORK/normal-produce.pcap"
  save normal-produce.pcap
}

[[ $EUID -eq 0 ]] || { log "needs root (network namespaces)"; exit 1; }
/usr/bin/python3 -c 'import confluent_kafka' || { log "needs python3-confluent-kafka"; exit 1; }
mkdir -p "$OUT"
setup
for s in "${SCENARIOS[@]}"; do
  log "scenario $s"
  "sc_${s//-/_}"
done
log "done"
