#!/usr/bin/env bash
# Checks `kdiag watch -i` on real traffic: kcat producing to the stand-in broker through a
# firewall namespace whose conntrack forgets idle TCP sessions and answers the next packet with a
# forged RST (as scripts/incidents/make-incidents.sh makes the incident captures).
#
#   sudo scripts/live/live-check.sh [--tui]
#
#   live-client  c0 10.96.1.1/24   kcat producer; kdiag watch -i c0 runs here
#        |  veth
#   live-fw      f0/f1             router, nftables + conntrack (established timeout FW_TIMEOUT s, default 3)
#        |  veth
#   live-broker  b0 10.96.2.2/24   stand-in broker on 10.96.2.2:9092
#
# kcat sends a message, sits idle FW_TIMEOUT+2 s, sends again: the firewall resets the connection.
# The script prints how long after the RST the middlebox-reset finding (firewall-idle) came out of
# `kdiag watch` (no timing is asserted), then stops kdiag with SIGINT and checks that:
#   - the finding was printed while the capture still ran (before the SIGINT),
#   - the -w file is a capture tshark reads, with the packet count kdiag reported, and it is
#     pcapng (capinfos -t) although tcpdump wrote classic pcap, with the interface named c0.
# With --tui it also runs `kdiag tui -i c0` in tmux (see docs/tui.md) and saves its screens.
# Needs root, iproute2, nftables, tcpdump, tshark (and capinfos), kcat, node. Everything it creates (namespaces
# live-*, processes, temp files) is removed on exit. Exit 0 when every check passed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
NC=live-client NF=live-fw NB=live-broker
C4=10.96.1.1 B4=10.96.2.2 PORT=9092
FW_TIMEOUT="${FW_TIMEOUT:-3}"
WANT_TUI=no
[[ "${1:-}" == "--tui" ]] && WANT_TUI=yes
WORK="$(mktemp -d /tmp/kdiag-live.XXXXXX)"
PIDS=()
FAILED=0

log() { echo "[live-check] $*" >&2; }
fail() { echo "FAIL: $*"; FAILED=1; }
pass() { echo "ok: $*"; }

cleanup() {
  set +e
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  for ns in $NC $NF $NB; do ip netns del "$ns" 2>/dev/null; done
  [[ -n "${KEEP:-}" ]] && { log "kept $WORK"; return; }
  rm -rf "$WORK"
}
trap cleanup EXIT

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

for ns in $NC $NF $NB; do ip netns del "$ns" 2>/dev/null || true; ip netns add "$ns"; done
ip link add c0 netns $NC type veth peer name f0 netns $NF
ip link add f1 netns $NF type veth peer name b0 netns $NB
for ns in $NC $NF $NB; do
  in_ns $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  in_ns $ns ip link set lo up
done
in_ns $NF sysctl -qw net.ipv4.ip_forward=1
for d in "$NC c0" "$NF f0" "$NF f1" "$NB b0"; do
  set -- $d
  in_ns "$1" ip link set "$2" gso_max_segs 1 gso_max_size 1500 up
done
in_ns $NC ip addr add $C4/24 dev c0
in_ns $NF ip addr add 10.96.1.254/24 dev f0
in_ns $NF ip addr add 10.96.2.254/24 dev f1
in_ns $NB ip addr add $B4/24 dev b0
in_ns $NC ip route add default via 10.96.1.254
in_ns $NB ip route add default via 10.96.2.254
in_ns $NF nft -f - <<EOF
table ip live_fw {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ct state invalid counter reject with tcp reset
    tcp flags & (syn | ack) != syn ct state new counter reject with tcp reset
  }
}
EOF
in_ns $NF sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established="$FW_TIMEOUT"

# The stand-in broker.
(cd "$REPO" && exec ip netns exec $NB node --import tsx scripts/kafka-standin/broker.ts --host $B4 --port $PORT) 2>"$WORK/broker.log" &
PIDS+=("$!")
for i in $(seq 150); do grep -q "listening on" "$WORK/broker.log" && break; sleep 0.1; done
grep -q "listening on" "$WORK/broker.log" || { log "broker did not start: $(cat "$WORK/broker.log")"; exit 1; }

# kdiag watch, each output line stamped with the wall clock when it arrived.
stamp() { while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done; }
ip netns exec $NC node "$REPO/bin/kdiag.js" watch -i c0 -f "tcp port $PORT" --json -w "$WORK/live.pcapng" \
  2>"$WORK/watch.err" > >(stamp >"$WORK/watch.out") &
WATCH=$!
PIDS+=("$WATCH")
for i in $(seq 300); do grep -q "capturing on" "$WORK/watch.err" && break; sleep 0.1; done
grep -q "capturing on" "$WORK/watch.err" || { log "kdiag watch did not start: $(cat "$WORK/watch.err")"; exit 1; }

TUI=""
if [[ $WANT_TUI == yes ]]; then
  TUI=live-tui-$$
  tmux new-session -d -s "$TUI" -x 120 -y 32 "ip netns exec $NC node $REPO/bin/kdiag.js tui -i c0 -f 'tcp port $PORT' 2>$WORK/tui.err"
  # The screen opens once the capture runs (node and the TUI take seconds to load on a busy host).
  for i in $(seq 300); do tmux capture-pane -p -t "$TUI" 2>/dev/null | grep -q "capturing on c0" && break; sleep 0.1; done
  tmux capture-pane -p -t "$TUI" | grep -q "capturing on c0" || { log "kdiag tui did not start: $(cat "$WORK/tui.err")"; exit 1; }
fi

# Real traffic: kcat sends, idles past the firewall's timeout, sends again (and reconnects).
IDLE=$((FW_TIMEOUT + 2))
log "kcat: send, idle ${IDLE} s, send"
( echo first; sleep "$IDLE"; echo second; sleep 2 ) |
  in_ns $NC kcat -P -b $B4:$PORT -t live -X client.id=kdiag-live -X linger.ms=0 2>"$WORK/kcat.log" &
KCAT=$!
# While kcat idles: the connection is there, no finding yet.
sleep 2.5
[[ -n "$TUI" ]] && tmux capture-pane -p -t "$TUI" >"$WORK/tui-before.txt"
wait "$KCAT" || true
sleep 1.5
[[ -n "$TUI" ]] && tmux capture-pane -p -t "$TUI" >"$WORK/tui-after.txt"

STOP_AT=$(date +%s.%N)
kill -INT "$WATCH"
wait "$WATCH" || fail "kdiag watch exited with $?"
[[ -n "$TUI" ]] && { tmux send-keys -t "$TUI" q; sleep 1; tmux kill-session -t "$TUI" 2>/dev/null || true; }

echo "--- kdiag watch stdout (arrival time, NDJSON) ---"
cut -c1-220 "$WORK/watch.out"
echo "--- kdiag watch stderr ---"
cat "$WORK/watch.err"
echo "---"

LINE=$(grep '"rule":"firewall-idle"' "$WORK/watch.out" | head -1 || true)
if [[ -z "$LINE" ]]; then
  fail "no firewall-idle finding from kdiag watch"
else
  ARRIVED=${LINE%% *}
  RST_TIME=$(printf '%s' "${LINE#* }" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).time))')
  DELAY_MS=$(node -e "console.log(((${ARRIVED} - ${RST_TIME}) * 1000).toFixed(0))")
  echo "firewall-idle printed ${DELAY_MS} ms after the RST (packet time ${RST_TIME}, printed at ${ARRIVED})"
  if node -e "process.exit(${ARRIVED} < ${STOP_AT} ? 0 : 1)"; then pass "finding printed while the capture ran (before the SIGINT)"; else fail "finding printed only after the SIGINT"; fi
fi

REPORTED=$(sed -n 's/.*kdiag: \([0-9]*\) packets captured on c0.*/\1/p' "$WORK/watch.err")
TSHARK=$(tshark -r "$WORK/live.pcapng" 2>"$WORK/tshark.err" | wc -l)
# tshark run as root says so on stderr; anything else (a cut record) is a failure.
if grep -v 'Running as user "root"' "$WORK/tshark.err" | grep -q .; then fail "tshark: $(cat "$WORK/tshark.err")"; fi
if [[ -n "$REPORTED" && "$REPORTED" == "$TSHARK" ]]; then pass "-w file: tshark reads ${TSHARK} packets, kdiag reported ${REPORTED}"; else fail "-w file: tshark reads ${TSHARK} packets, kdiag reported '${REPORTED}'"; fi
# tcpdump wrote classic pcap; what -w kept must be pcapng, its interface named as captured.
FORMAT=$(capinfos -t "$WORK/live.pcapng" 2>/dev/null | sed -n 's/^File type: *//p')
IFNAME=$(tshark -r "$WORK/live.pcapng" -c 1 -T fields -e frame.interface_name 2>/dev/null || true)
if [[ "$FORMAT" == *pcapng && "$IFNAME" == c0 ]]; then pass "-w file is pcapng (capinfos: ${FORMAT}; interface ${IFNAME})"; else fail "-w file: capinfos says '${FORMAT}', interface '${IFNAME}' (want pcapng, c0)"; fi
if [[ -n "$TUI" ]]; then
  echo "--- kdiag tui -i, while kcat idles ---"; cat "$WORK/tui-before.txt"
  echo "--- kdiag tui -i, after the firewall's RST ---"; cat "$WORK/tui-after.txt"
  cat "$WORK/tui.err" 2>/dev/null || true
  if grep -q "10.96.1.1" "$WORK/tui-before.txt" && ! grep -q "firewall-idle" "$WORK/tui-before.txt"; then pass "tui: the connection is listed before any finding"; else fail "tui: no connection (or a finding already) while kcat idled"; fi
  if grep -q "firewall-idle" "$WORK/tui-after.txt"; then pass "tui: the firewall-idle finding arrived live"; else fail "tui: no firewall-idle finding after the RST"; fi
fi
exit $FAILED
