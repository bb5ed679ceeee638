#!/usr/bin/env bash
# Regenerates the kcat captures in test/fixtures/kcat/ (see the README there): real librdkafka
# traffic (kcat) against the protocol-level stand-in broker (scripts/kafka-standin/broker.ts),
# captured with tcpdump on the loopback interface of a private network namespace, so nothing else
# on the machine (other brokers, other port 9092 users) ends up in the captures.
#
#   sudo scripts/kafka-standin/make-captures.sh [--out DIR] [scenario ...]
#
# Scenarios: codecs too-large-acks1 too-large-acks0 too-large-acks0-kcat socket-too-large port36399
# (default: all). Needs root, iproute2, tcpdump, kcat, python3-confluent-kafka (Debian, for
# /usr/bin/python3), node (tsx from node_modules), gzip.
# Everything it creates (the namespace, processes, temporary files) is removed on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="$REPO/test/fixtures/kcat"
if [[ "${1:-}" == "--out" ]]; then OUT="$2"; shift 2; fi
SCENARIOS=("$@")
if [[ ${#SCENARIOS[@]} -eq 0 ]]; then
  SCENARIOS=(codecs too-large-acks1 too-large-acks0 too-large-acks0-kcat socket-too-large port36399)
fi
mkdir -p "$OUT"

NS=kdiag-kcat
WORK="$(mktemp -d /tmp/kdiag-kcat.XXXXXX)"
# kcat's output and the broker's log are copied here at the end (KCAT_LOGS=DIR to keep them).
LOGS="${KCAT_LOGS:-}"
BROKER_PID=""
TCPDUMP_PID=""

log() { echo "[make-kcat-captures] $*" >&2; }

cleanup() {
  set +e
  # Only the processes this script started, by pid.
  [[ -n "$TCPDUMP_PID" ]] && kill -TERM "$TCPDUMP_PID" 2>/dev/null && wait "$TCPDUMP_PID" 2>/dev/null
  [[ -n "$BROKER_PID" ]] && kill "$BROKER_PID" 2>/dev/null && wait "$BROKER_PID" 2>/dev/null
  ip netns del "$NS" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

in_ns() { ip netns exec "$NS" "$@"; }

ip netns del "$NS" 2>/dev/null || true
ip netns add "$NS"
in_ns ip link set lo up

# The stand-in runs under plain node with tsx's loader, so $! is the broker itself.
BROKERS=0
start_broker() { # NAME PORT [broker options]
  local name=$1 port=$2; shift 2
  BROKERS=$((BROKERS + 1))
  BROKER_LOG="$WORK/broker-$BROKERS-$name.log"
  (cd "$REPO" && exec ip netns exec "$NS" node --import tsx scripts/kafka-standin/broker.ts --port "$port" "$@") \
    2>"$BROKER_LOG" &
  BROKER_PID=$!
  for _ in $(seq 100); do
    grep -q "listening on 127.0.0.1:$port" "$BROKER_LOG" 2>/dev/null && return 0
    sleep 0.1
  done
  log "broker did not start"; cat "$BROKER_LOG" >&2; exit 1
}
stop_broker() {
  kill "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true; BROKER_PID=""
}

# -U --immediate-mode: without immediate mode a stopped tcpdump loses the last ring block.
# -B 65536 (KiB): with the default 2 MB buffer, a 2 MB Produce in 64 kB loopback frames makes the
# kernel drop frames ("packets dropped by kernel"); the captures must hold every segment.
start_capture() { # FILE PORT
  # Not through in_ns: $! must be tcpdump itself (ip netns exec execs it), not a subshell.
  ip netns exec "$NS" tcpdump -i lo -s 262144 -B 65536 -U --immediate-mode -w "$1" "tcp port $2" 2>>"$WORK/tcpdump.log" &
  TCPDUMP_PID=$!
  for _ in $(seq 50); do
    grep -q "listening on lo" "$WORK/tcpdump.log" 2>/dev/null && break
    sleep 0.1
  done
  sleep 0.3
}
stop_capture() {
  sleep 0.5
  # SIGTERM: a background job of a non-interactive shell starts with SIGINT ignored.
  kill -TERM "$TCPDUMP_PID"; wait "$TCPDUMP_PID" 2>/dev/null || true; TCPDUMP_PID=""
  if grep -E "^[1-9][0-9]* packets? dropped by kernel" "$WORK/tcpdump.log" >&2; then
    log "tcpdump dropped packets: $1 is incomplete"; exit 1
  fi
  : >"$WORK/tcpdump.log"
}

# 20 keyed JSON orders, "key:value" per line for kcat -K:.
for i in $(seq 1 20); do
  printf 'order-%02d:{"id":%d,"item":"widget-%d","qty":%d}\n' "$i" "$i" "$i" $((i * 3))
done >"$WORK/orders.txt"

# One key and a big, compressible value (2 MB or 3 MB of a repeated line, no newline inside).
big_message() { # BYTES
  printf 'big-1:'
  python3 -c "import sys; n=int(sys.argv[1]); s=b'kdiag message-too-large payload. '; sys.stdout.buffer.write((s*(n//len(s)+1))[:n])" "$1"
  printf '\n'
}

KCAT_CONSUME=(-f 'offset %o key %k headers %h value %s\n')

codecs() {
  local codec
  for codec in none gzip snappy lz4 zstd; do
    log "codec $codec"
    start_broker "$codec" 9092
    start_capture "$OUT/produce-$codec.pcap" 9092
    in_ns kcat -P -b 127.0.0.1:9092 -t orders -K: -H source=kdiag -z "$codec" \
      -X client.id=kcat-producer -X linger.ms=100 <"$WORK/orders.txt"
    stop_capture
    start_capture "$OUT/consume-$codec.pcap" 9092
    in_ns kcat -C -b 127.0.0.1:9092 -t orders -p 0 -o beginning -e \
      -X client.id=kcat-consumer "${KCAT_CONSUME[@]}" >"$WORK/consume-$codec.txt"
    stop_capture
    stop_broker
    log "consumed $(wc -l <"$WORK/consume-$codec.txt") messages"
  done
}

too_large_acks1() {
  log "message-too-large-acks1"
  big_message 2000000 >"$WORK/big2m.txt"
  start_broker too-large-acks1 9092 --message-max-bytes 1048588
  start_capture "$WORK/message-too-large-acks1.pcap" 9092
  in_ns kcat -P -b 127.0.0.1:9092 -t orders -K: -X client.id=kcat-big-producer \
    -X message.max.bytes=10000000 -X acks=1 <"$WORK/big2m.txt" 2>&1 | tee "$WORK/too-large-acks1.kcat.log" >&2 || true
  stop_capture
  stop_broker
  gzip -9 -n -c "$WORK/message-too-large-acks1.pcap" >"$OUT/message-too-large-acks1.pcap.gz"
}

too_large_acks0() {
  # A long-lived librdkafka producer (see long-lived-producer.py): the incident's shape, the
  # broker's FIN right after the Produce, librdkafka logging "Disconnected", then reconnecting.
  log "message-too-large-acks0"
  start_broker too-large-acks0 9092 --message-max-bytes 1048588
  start_capture "$WORK/message-too-large-acks0.pcap" 9092
  in_ns /usr/bin/python3 "$HERE/long-lived-producer.py" 127.0.0.1:9092 orders 2000000 1.5 2>&1 |
    tee "$WORK/too-large-acks0.producer.log" >&2 || true
  stop_capture
  stop_broker
  gzip -9 -n -c "$WORK/message-too-large-acks0.pcap" >"$OUT/message-too-large-acks0.pcap.gz"
}

too_large_acks0_kcat() {
  # The same with kcat: kcat hands its input to librdkafka only at end of input and exits as soon
  # as the acks=0 Produce is written, so its FIN leaves with the request's last segment, before
  # the broker's.
  log "message-too-large-acks0-kcat"
  big_message 2000000 >"$WORK/big2m.txt"
  start_broker too-large-acks0-kcat 9092 --message-max-bytes 1048588
  start_capture "$WORK/message-too-large-acks0-kcat.pcap" 9092
  in_ns kcat -P -b 127.0.0.1:9092 -t orders -K: -X client.id=kcat-big-producer \
    -X message.max.bytes=10000000 -X acks=0 <"$WORK/big2m.txt" 2>&1 | tee "$WORK/too-large-acks0-kcat.kcat.log" >&2 || true
  stop_capture
  stop_broker
  gzip -9 -n -c "$WORK/message-too-large-acks0-kcat.pcap" >"$OUT/message-too-large-acks0-kcat.pcap.gz"
}

socket_too_large() {
  log "socket-request-too-large"
  big_message 3000000 >"$WORK/big3m.txt"
  start_broker socket-too-large 9092 --socket-request-max-bytes 2097152 --message-max-bytes 10000000
  start_capture "$WORK/socket-request-too-large.pcap" 9092
  in_ns kcat -P -b 127.0.0.1:9092 -t orders -K: -X client.id=kcat-big-producer \
    -X message.max.bytes=10000000 -X acks=1 <"$WORK/big3m.txt" 2>&1 | tee "$WORK/socket-too-large.kcat.log" >&2 || true
  stop_capture
  stop_broker
  gzip -9 -n -c "$WORK/socket-request-too-large.pcap" >"$OUT/socket-request-too-large.pcap.gz"
}

port36399() {
  log "port 36399"
  start_broker port36399 36399
  start_capture "$OUT/produce-consume-port36399.pcap" 36399
  in_ns kcat -P -b 127.0.0.1:36399 -t payments -K: -H source=kdiag -z snappy \
    -X client.id=kcat-producer -X linger.ms=100 <"$WORK/orders.txt"
  in_ns kcat -C -b 127.0.0.1:36399 -t payments -p 0 -o beginning -e \
    -X client.id=kcat-consumer "${KCAT_CONSUME[@]}" >"$WORK/consume-36399.txt"
  stop_capture
  stop_broker
}

for s in "${SCENARIOS[@]}"; do
  case "$s" in
    codecs) codecs ;;
    too-large-acks1) too_large_acks1 ;;
    too-large-acks0) too_large_acks0 ;;
    too-large-acks0-kcat) too_large_acks0_kcat ;;
    socket-too-large) socket_too_large ;;
    port36399) port36399 ;;
    *) log "unknown scenario $s"; exit 2 ;;
  esac
done
if [[ -n "$LOGS" ]]; then
  mkdir -p "$LOGS"
  cp "$WORK"/*.txt "$WORK"/*.log "$LOGS"/ 2>/dev/null || true
  rm -f "$LOGS"/big*.txt
fi
ls -l "$OUT" >&2
