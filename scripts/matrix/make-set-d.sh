#!/usr/bin/env bash
# Set D of the scenario matrix (test/fixtures/matrix/README.md): conditions the other sets never
# show. A broker that hangs (SIGSTOP) until the client's request timeout gives up; lossy, rate-
# limited but healthy paths (negative controls); a NAT whose conntrack entry expires while the
# connection idles, with nf_conntrack_tcp_loose on and off; capture flavours (tcpdump -i any:
# Linux cooked SLL2, snaplen 96/128, dumpcap pcapng, a capture started mid-connection); a broker
# restart (reconnects refused, then accepted); a slow reader whose receive window closes.
# Writes captures into test/fixtures/matrix/conditions/ (README.md and expected.json there are
# written by hand from the logs this script prints and keeps).
#
#   sudo scripts/matrix/make-set-d.sh [--out DIR] [scenario ...]      (default: all)
#
# KEEP_LOGS=DIR keeps every client's, broker's and tcpdump's log. Topology: scripts/matrix/lib.sh
# (namespaces kdmd-client -- kdmd-fw -- kdmd-broker, 10.96.1.1 -> 10.96.2.2:9092, IPv4, every
# packet routed). This kernel has no sch_netem ("Specified qdisc kind is unknown"), so the lossy
# path is made of an nftables rule in the router that drops a random share of forwarded packets
# (numgen random) and a tbf rate limit (queueing delay) on the router's interfaces.
# Clients: rdk = scripts/kafka-standin/idle-producer.py (confluent-kafka over librdkafka 2.0.2),
# kp = scripts/matrix/clients/kp-client.py (kafka-python 2.0.2), kcat 1.7.1.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BASE="$REPO/test/fixtures/matrix"
if [[ "${1:-}" == "--out" ]]; then BASE="$2"; shift 2; fi
DIR=conditions
ALL=(hung-rdk hung-kp hung-kp-pair thung-kp hung-kp-eof hung-rdk-eof lossy-busy lossy-kp slowpath-busy nat-loose1 nat-loose0 flav-fwr flav-mtl
  restart-rdk restart-kp-term slow-reader)
SCENARIOS=("$@")
[[ ${#SCENARIOS[@]} -gt 0 ]] || SCENARIOS=("${ALL[@]}")

[[ $EUID -eq 0 ]] || { echo "needs root (network namespaces)" >&2; exit 1; }
PREFIX=kdmd V4=10.96 V6=fd96 MACID=96 IPV6=0 PORT=9092 LOG_TAG=set-d
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=steps.sh
source "$HERE/steps.sh"
CL="$HERE/client.py"
ACCT_TABLE="${PREFIX//-/_}_acct"

# capx NS IFACE FILE SNAPLEN : like cap, with a snaplen of choice (IFACE may be "any": tcpdump
# 4.99 writes Linux cooked v2, SLL2). pid in $LAST.
capx() {
  local ns=$1 ifc=$2 file=$3 snap=$4
  local err="$WORK/$(basename "$file").tcpdump.log"
  bg "$ns" "$err" tcpdump -Z root -U --immediate-mode -s "$snap" -B 16384 -n -i "$ifc" -w "$file" "tcp port $PORT"
  local i
  for i in $(seq 100); do grep -q "listening on" "$err" && return 0; sleep 0.05; done
  log "tcpdump did not start: $(cat "$err")"; return 1
}
# capd NS IFACE FILE : dumpcap (pcapng). pid in $LAST.
capd() {
  local ns=$1 ifc=$2 file=$3
  local err="$WORK/$(basename "$file").dumpcap.log"
  bg "$ns" "$err" dumpcap -q -i "$ifc" -f "tcp port $PORT" -w "$file"
  local i
  for i in $(seq 100); do grep -q "Capturing on" "$err" && return 0; sleep 0.05; done
  log "dumpcap did not start: $(cat "$err")"; return 1
}

# lossy PERCENT RATE : the router drops PERCENT % of forwarded packets at random (both ways) and
# rate-limits both of its interfaces (tbf, 200 ms queue). lossy off removes both. Counters: acct.
lossy() {
  in_ns $NF nft delete table inet $ACCT_TABLE 2>/dev/null || true
  local d
  for d in f0 f1; do in_ns $NF tc qdisc del dev $d root 2>/dev/null || true; done
  [[ $1 == off ]] && return 0
  in_ns $NF nft -f - <<EOF
table inet $ACCT_TABLE {
  chain forward {
    type filter hook forward priority -10; policy accept;
    meta l4proto tcp numgen random mod 100 < $1 counter drop
    meta l4proto tcp counter
  }
}
EOF
  for d in f0 f1; do in_ns $NF tc qdisc add dev $d root tbf rate "$2" burst 16kb latency 200ms; done
}
# ct_acct : count conntrack states of forwarded packets (new / established / invalid) in the router.
ct_acct() {
  in_ns $NF nft delete table inet $ACCT_TABLE 2>/dev/null || true
  in_ns $NF nft -f - <<EOF
table inet $ACCT_TABLE {
  chain forward {
    type filter hook forward priority -10; policy accept;
    ct state new counter
    ct state established counter
    ct state invalid counter
  }
}
EOF
}
acct_counters() { log "$CUR: router counters:"; in_ns $NF nft list table inet $ACCT_TABLE 2>/dev/null | grep counter >&2 || true; }

# ------------------------------------------------------------------ a hung broker

# stall_broker N AFTER SECONDS PID: once the broker logged N Produce requests, wait AFTER s, stop
# it (SIGSTOP) for SECONDS, continue it, then wait for the client PID and show its log.
stall_broker() {
  local n=$1 after=$2 secs=$3 pid=$4
  wait_broker_log "Produce .*acks=" "$n"
  sleep "$after"
  kill -STOP "$BRK"; log "$CUR: broker stopped"
  sleep "$secs"
  kill -CONT "$BRK"; log "$CUR: broker continued"
  wait "$pid" || log "p exited $?"; show "$WORK/$CUR.p.log"
}


# librdkafka produces; 0.3 s after the first Produce the broker is stopped (SIGSTOP) for 4.5 s.
# The next Produce is not answered; socket.timeout.ms 2000 (librdkafka's request timeout) expires, librdkafka closes the
# connection and reconnects (the kernel still completes the handshake: the listening socket is
# there), and retries once the broker runs again. A third capture at the client starts only
# after the first Produce (mid-connection).
sc_hung_rdk() {
  net none 0
  begin hung-rdk pair
  bg $NC "$WORK/$CUR.p.log" $PY "$RDK" "$(bs)" "$CUR" send,idle:1,send,idle:7,send --client-id "$CUR-p" \
    -X socket.timeout.ms=2000 -X message.timeout.ms=30000; local p=$LAST
  wait_broker_log "Produce .*acks=" 1
  capx $NC c0 "$WORK/$CUR-midstart-client.pcap" 2048; local tm=$LAST
  sleep 0.3
  kill -STOP "$BRK"; log "$CUR: broker stopped"
  sleep 4.5
  kill -CONT "$BRK"; log "$CUR: broker continued"
  wait "$p" || log "p exited $?"; show "$WORK/$CUR.p.log"
  stop $tm
  end $DIR
  save "$CUR-midstart-client.pcap"
}

# kafka-python, request_timeout_ms 2000, retries 3; the broker is stopped for 3.5 s 0.3 s after
# the first Produce. Client side only.
sc_hung_kp() {
  net none 0
  begin hung-kp client
  bg $NC "$WORK/$CUR.p.log" $PY "$KP" "$(bs)" "$CUR" producer send,idle:1,send,idle:6,send --client-id "$CUR-p" \
    --request-timeout-ms 2000 --retries 3; local p=$LAST
  stall_broker 1 0.3 3.5 "$p"
  end $DIR
}

# kafka-python, request_timeout_ms 3000, the broker stopped for 5 s after the second Produce;
# captured at both ends. The client retries on a new connection, which also waits.
sc_hung_kp_pair() {
  net none 0
  begin hung-kp-pair pair
  bg $NC "$WORK/$CUR.p.log" $PY "$KP" "$(bs)" "$CUR" producer send,idle:0.5,send,idle:0.5,send,idle:8,send --client-id "$CUR-p" \
    --request-timeout-ms 3000 --retries 5; local p=$LAST
  stall_broker 2 0.2 5 "$p"
  end $DIR
}

# The same over TLS (the stand-in's TLS listener on this port): kafka-python, request_timeout_ms
# 2000, the broker stopped 4 s after the first Produce; the client's TLS key log is kept.
sc_thung_kp() {
  net none 0
  tls_cert
  begin thung-kp pair --tls "$TLSDIR/cert.pem,$TLSDIR/key.pem"
  bg $NC "$WORK/$CUR.p.log" $PY "$KP" "$(bs)" "$CUR" producer send,idle:1,send,idle:6,send --client-id "$CUR-p" \
    --request-timeout-ms 2000 --retries 3 --ssl-cafile "$TLSDIR/cert.pem" --ssl-keylog "$WORK/$CUR.keys"; local p=$LAST
  stall_broker 1 0.3 4 "$p"
  end $DIR
  cp "$WORK/$CUR.keys" "$BASE/$DIR/$CUR.keys"; log "wrote $BASE/$DIR/$CUR.keys"
}

# The hung broker as real Kafka behaves on resuming: the client's EOF, read together with the
# request it gave up on, closes the channel and drops the answer (stand-in --eof-drops). Five
# Produces are answered first (the broker's usual latency), the sixth goes to the stopped broker.
# kafka-python, request_timeout_ms 2000, retries 3; the broker stopped for 4 s. Both sides.
sc_hung_kp_eof() {
  net none 0
  begin hung-kp-eof pair --eof-drops
  bg $NC "$WORK/$CUR.p.log" $PY "$KP" "$(bs)" "$CUR" producer send,idle:0.3,send,idle:0.3,send,idle:0.3,send,idle:0.3,send,idle:1,send,idle:7,send --client-id "$CUR-p" \
    --request-timeout-ms 2000 --retries 3; local p=$LAST
  stall_broker 5 0.3 4 "$p"
  end $DIR
}

# The same with librdkafka (socket.timeout.ms 2000: its request timeout), the broker stopped for 4.5 s.
sc_hung_rdk_eof() {
  net none 0
  begin hung-rdk-eof pair --eof-drops
  bg $NC "$WORK/$CUR.p.log" $PY "$RDK" "$(bs)" "$CUR" send,idle:0.3,send,idle:0.3,send,idle:0.3,send,idle:0.3,send,idle:1,send,idle:8,send --client-id "$CUR-p" \
    -X socket.timeout.ms=2000 -X message.timeout.ms=30000; local p=$LAST
  stall_broker 5 0.3 4.5 "$p"
  end $DIR
}

# ------------------------------------------------------------------ lossy but healthy paths

# Busy traffic over a path that drops 3 % of the packets at random and is limited to 4 Mbit/s:
# two librdkafka producers, a kafka-python producer and consumer, a kcat consumer, a kcat
# producer of 400 x 2 kB messages. Retransmissions, no fault: nothing at warning or above.
sc_lossy_busy() {
  net none 0; lossy 3 4mbit
  begin lossy-busy pair
  local pids=() i
  bg $NC "$WORK/$CUR.rdk1.log" $PY "$RDK" "$(bs)" busy-a send,idle:1,send,idle:1,send,idle:1,send,idle:1,send,idle:1,send --client-id busy-rdk1; pids+=($LAST)
  bg $NC "$WORK/$CUR.rdk2.log" $PY "$RDK" "$(bs)" busy-b send,idle:1.5,send,idle:1.5,send,idle:1.5,send --client-id busy-rdk2; pids+=($LAST)
  bg $NC "$WORK/$CUR.kp1.log" $PY "$KP" "$(bs)" busy-a producer send,idle:0.7,send,idle:0.7,send,idle:0.7,send,idle:0.7,send --client-id busy-kp1; pids+=($LAST)
  bg $NC "$WORK/$CUR.kc1.log" $PY "$KP" "$(bs)" busy-a consumer poll:7 --client-id busy-kpc1 --fetch-max-wait-ms 500; pids+=($LAST)
  bg $NC "$WORK/$CUR.kcat-c.log" kcat -C -b "$(bs)" -t busy-b -p 0 -o end -q -X client.id=busy-kcatc -X fetch.wait.max.ms=800; local kc=$LAST
  sleep 1
  $PY -c "for i in range(400): print(f'bulk-{i:04d}-' + 'x' * 2000)" |
    in_ns $NC kcat -P -b "$(bs)" -t busy-c -X client.id=busy-bulk 2>"$WORK/$CUR.bulk.log" || log "bulk producer failed"
  for i in "${pids[@]}"; do wait "$i" || log "busy client $i exited $?"; done
  sleep 1
  stop $kc
  for i in rdk1 rdk2 kp1 kc1; do show "$WORK/$CUR.$i.log"; done
  acct_counters
  end $DIR
  lossy off
}

# kafka-python producer and consumer over a path dropping 5 % at random, 1 Mbit/s (client side).
sc_lossy_kp() {
  net none 0; lossy 5 1mbit
  begin lossy-kp client
  bg $NC "$WORK/$CUR.kc.log" $PY "$KP" "$(bs)" "$CUR" consumer poll:8 --client-id "$CUR-c" --fetch-max-wait-ms 1000; local c=$LAST
  kp p producer send,idle:0.5,send,idle:0.5,send,idle:0.5,send,idle:0.5,send,idle:0.5,send,idle:0.5,send
  wait "$c" || log "consumer exited $?"; show "$WORK/$CUR.kc.log"
  acct_counters
  end $DIR
  lossy off
}

# A slow path without loss: 512 kbit/s each way with a 300 ms queue (tbf), so every bulk
# transfer queues; kcat producer of 150 x 2 kB, kafka-python consumer (long polls), librdkafka
# producer. Client side.
sc_slowpath_busy() {
  net none 0
  in_ns $NF tc qdisc add dev f0 root tbf rate 512kbit burst 8kb latency 300ms
  in_ns $NF tc qdisc add dev f1 root tbf rate 512kbit burst 8kb latency 300ms
  begin slowpath-busy client
  bg $NC "$WORK/$CUR.kc.log" $PY "$KP" "$(bs)" "$CUR" consumer poll:9 --client-id "$CUR-c" --fetch-max-wait-ms 500; local c=$LAST
  bg $NC "$WORK/$CUR.rdk.log" $PY "$RDK" "$(bs)" "$CUR" send,idle:1,send,idle:1,send,idle:1,send,idle:1,send --client-id "$CUR-rdk"; local r=$LAST
  sleep 1
  $PY -c "for i in range(150): print(f'slow-{i:04d}-' + 'z' * 2000)" |
    in_ns $NC kcat -P -b "$(bs)" -t "$CUR" -X client.id="$CUR-bulk" 2>"$WORK/$CUR.bulk.log" || log "bulk producer failed"
  wait "$r" || log "rdk exited $?"; wait "$c" || log "consumer exited $?"
  show "$WORK/$CUR.rdk.log"; show "$WORK/$CUR.kc.log"
  end $DIR
  in_ns $NF tc qdisc del dev f0 root 2>/dev/null || true
  in_ns $NF tc qdisc del dev f1 root 2>/dev/null || true
}

# ------------------------------------------------------------------ NAT conntrack expiry

# nat_expire NAME LOOSE CLIENT... : masquerade in the router, no filtering rule; the router's
# conntrack established timeout is 4 s; nf_conntrack_tcp_loose LOOSE. The client idles 7 s.
nat_expire() {
  local name=$1 loose=$2; shift 2
  net none 0 nat
  in_ns $NF sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established=4 net.netfilter.nf_conntrack_tcp_loose="$loose"
  in_ns $NF conntrack -F 2>/dev/null || true
  ct_acct
  begin "$name" pair
  "$@"
  in_ns $NF conntrack -L 2>/dev/null >&2 || true
  acct_counters
  end $DIR
  in_ns $NF sysctl -qw net.netfilter.nf_conntrack_tcp_loose=1
  in_ns $NF nft delete table inet $ACCT_TABLE 2>/dev/null || true
}
sc_nat_loose1() { nat_expire nat-loose1 1 rdk p send,idle:7,send; }
sc_nat_loose0() { nat_expire nat-loose0 0 kp p producer send,idle:7,send --request-timeout-ms 10000; }

# ------------------------------------------------------------------ capture flavours

# The firewall forgets idle sessions after 4 s (forged RST); librdkafka idles 6 s. Captured at the
# client three ways at once: tcpdump -i any (SLL2), tcpdump -s 96, dumpcap (pcapng).
sc_flav_fwr() {
  net reset 4
  begin flav-fwr none
  capx $NC any "$WORK/$CUR-any-client.pcap" 2048; local t1=$LAST
  capx $NC c0 "$WORK/$CUR-snap96-client.pcap" 96; local t2=$LAST
  capd $NC c0 "$WORK/$CUR-dumpcap-client.pcapng"; local t3=$LAST
  sleep 0.5
  rdk p send,idle:6,send
  sleep 0.5; fw_counters
  stop $t1 $t2 $t3 "$BRK"
  OUT="$BASE/$DIR"
  save "$CUR-any-client.pcap"; save "$CUR-snap96-client.pcap"; save "$CUR-dumpcap-client.pcapng"
}

# message.max.bytes 30000, kafka-python acks=1: 5 kB accepted, 60 kB answered MESSAGE_TOO_LARGE.
# Captured with snaplen 128 at the client and with -i any (SLL2) at the broker.
sc_flav_mtl() {
  net none 0
  begin flav-mtl none --message-max-bytes 30000
  capx $NC c0 "$WORK/$CUR-snap128-client.pcap" 128; local t1=$LAST
  capx $NB any "$WORK/$CUR-any-broker.pcap" 2048; local t2=$LAST
  sleep 0.3
  in_ns $NC $PY "$CL" kafka-python "$(bs)" "$CUR" send:5000,idle:0.3,send:60000,idle:0.5 \
    --acks 1 --client-id "$CUR-kp" 2>"$WORK/$CUR.p.log" || true
  show "$WORK/$CUR.p.log"
  sleep 0.5
  stop $t1 $t2 "$BRK"
  OUT="$BASE/$DIR"
  save "$CUR-snap128-client.pcap"; save "$CUR-any-broker.pcap"
}

# ------------------------------------------------------------------ broker restart

# librdkafka produces every ~0.3 s; after 2 s the broker is killed (SIGKILL), restarted 2.5 s
# later on the same port. Meanwhile the reconnects are refused (RST to SYN); then accepted.
sc_restart_rdk() {
  net none 0
  begin restart-rdk pair
  local plan=send i
  for i in $(seq 1 25); do plan+=",idle:0.3,send"; done
  bg $NC "$WORK/$CUR.p.log" $PY "$RDK" "$(bs)" "$CUR" "$plan" --client-id "$CUR-p" \
    -X reconnect.backoff.ms=300 -X reconnect.backoff.max.ms=600 -X message.timeout.ms=20000; local p=$LAST
  wait_broker_log "Produce .*acks=" 5
  kill -KILL "$BRK"; wait "$BRK" 2>/dev/null || true; log "$CUR: broker killed"
  sleep 2.5
  standin "$CUR-2" --host "$(bhost)"; BRK=$LAST; log "$CUR: broker restarted"
  wait "$p" || log "p exited $?"; show "$WORK/$CUR.p.log"
  end $DIR
  cp "$WORK/$CUR-2.broker.log" "$WORK/$CUR.broker2.log" 2>/dev/null || true
}

# kafka-python produces every ~0.4 s; after 3 Produce requests the broker is shut down in order
# (SIGTERM: it closes its connections, FIN) and started again 2 s later. kafka-python's reconnect
# backoff (50 ms doubling to 1 s) meets refusals (RST to SYN) until then.
sc_restart_kp_term() {
  net none 0
  begin restart-kp-term pair
  local plan=send i
  for i in $(seq 1 14); do plan+=",idle:0.4,send"; done
  bg $NC "$WORK/$CUR.p.log" $PY "$KP" "$(bs)" "$CUR" producer "$plan" --client-id "$CUR-p" --retries 10; local p=$LAST
  wait_broker_log "Produce .*acks=" 3
  kill -TERM "$BRK"; wait "$BRK" 2>/dev/null || true; log "$CUR: broker stopped (SIGTERM)"
  cp "$WORK/$CUR.broker.log" "$WORK/$CUR.broker1.log"
  sleep 2
  standin "$CUR" --host "$(bhost)"; BRK=$LAST; log "$CUR: broker restarted"
  wait "$p" || log "p exited $?"; show "$WORK/$CUR.p.log"
  end $DIR
}

# ------------------------------------------------------------------ a slow reader

# 600 x 3 kB messages are produced; then a kcat consumer (-e: exit at the end of the partition)
# with a small receive buffer reads them over a 2 Mbit/s link and is stopped (SIGSTOP) for 4 s
# after 1 s: its receive window closes, the broker probes the zero window; it goes on and exits.
sc_slow_reader() {
  net none 0
  begin slow-reader pair
  $PY -c "for i in range(600): print(f'row-{i:04d}-' + 'y' * 3000)" |
    in_ns $NC kcat -P -b "$(bs)" -t "$CUR" -X client.id="$CUR-fill" 2>"$WORK/$CUR.fill.log"
  in_ns $NF tc qdisc add dev f0 root tbf rate 2mbit burst 16kb latency 400ms
  in_ns $NC sysctl -qw net.ipv4.tcp_rmem="4096 8192 16384"
  bg $NC "$WORK/$CUR.c.log" sh -c "exec kcat -C -e -q -b $(bs) -t $CUR -p 0 -o beginning -X client.id=$CUR-c \
    -X socket.receive.buffer.bytes=8192 >$WORK/$CUR.c.out"; local c=$LAST
  sleep 1
  kill -STOP "$c"; log "$CUR: consumer stopped"
  sleep 4
  kill -CONT "$c"; log "$CUR: consumer continued"
  local i
  for i in $(seq 200); do kill -0 "$c" 2>/dev/null || break; sleep 0.1; done
  wait "$c" || log "consumer exited $?"
  log "$CUR: consumer read $(wc -l <"$WORK/$CUR.c.log" || true) stderr lines"
  in_ns $NC sysctl -qw net.ipv4.tcp_rmem="4096 131072 6291456"
  in_ns $NF tc qdisc del dev f0 root 2>/dev/null || true
  end $DIR
}

mkdir -p "$BASE/$DIR"
topo_up
for s in "${SCENARIOS[@]}"; do
  log "scenario $s"
  "sc_${s//-/_}"
done
log "done"
