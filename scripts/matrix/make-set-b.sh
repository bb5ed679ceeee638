#!/usr/bin/env bash
# Set B of the scenario matrix (test/fixtures/matrix/README.md): real captures of real Kafka
# clients for the path and client causes (firewall idle timeout with RST or silent drop, keepalive
# slower than the firewall) and negative controls (keepalive fast enough, a busy host with many
# clients, clean exits, killed clients, long-poll fetches, request timeouts against a slow broker,
# a non-Kafka service). Writes test/fixtures/matrix/path-causes/ and test/fixtures/matrix/controls/
# (captures only; README.md and expected.json there are written from the verified captures).
#
#   sudo scripts/matrix/make-set-b.sh [--out DIR] [scenario ...]      (default: all, into the fixtures)
#
# With --out DIR the captures go to DIR/path-causes and DIR/controls (e.g. to check repeatability).
# KEEP_LOGS=DIR keeps every client's, broker's and tcpdump's log. Topology: scripts/matrix/lib.sh
# (namespaces kdmb-client -- kdmb-fw -- kdmb-broker, 10.99.1.1 / fd99:1::1 -> 10.99.2.2 / fd99:2::2,
# every packet routed: TTL/hop limit 64 from the sender's own side, 63 after the router; a RST forged
# by the firewall carries 64 at the client). Clients:
#   rdk  scripts/kafka-standin/idle-producer.py (python3-confluent-kafka 1.7.0 / librdkafka 2.0.2)
#   kcat kcat 1.7.1 (librdkafka 2.0.2)
#   kp   scripts/matrix/clients/kp-client.py (kafka-python 2.0.2)
#   kjs  scripts/matrix/clients/kjs-producer.mjs (kafkajs 2.2.4, Node 20)
# Everything created (namespaces, processes, temporary files) is removed on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BASE="$REPO/test/fixtures/matrix"
if [[ "${1:-}" == "--out" ]]; then BASE="$2"; shift 2; fi
ALL=(fwr-rdk fwr-kp-v6 fwr-kjs-nat fwr-rdk-midstart fwd-rdk fwd-kp-v6 fwd-kjs-nat kam-rdk-v6 kam-kp-drop
  kam-kjs ka-ok-rdk ka-ok-kjs busy-one-host clean-exit kill-idle kill-unread longpoll-kcat-v6
  longpoll-kp slow-broker-kp slow-broker-rdk nonkafka-8080)
SCENARIOS=("$@")
[[ ${#SCENARIOS[@]} -gt 0 ]] || SCENARIOS=("${ALL[@]}")

[[ $EUID -eq 0 ]] || { echo "needs root (network namespaces)" >&2; exit 1; }
PREFIX=kdmb V4=10.99 V6=fd99 MACID=99 IPV6=1 PORT=9092 LOG_TAG=set-b
# shellcheck source=lib.sh
source "$HERE/lib.sh"

# shellcheck source=steps.sh
source "$HERE/steps.sh"

# ------------------------------------------------------------------ path causes

# Firewall forgets idle sessions after 4 s and forges a RST; librdkafka, keepalive off (default).
# Idles of 2 s and 3 s survive, 6 s and 7 s are killed (each on a new connection).
sc_fwr_rdk() {
  net reset 4
  begin fwr-rdk pair
  rdk p send,idle:2,send,idle:6,send,idle:3,send,idle:7,send
  end path-causes
}

# Same with kafka-python over IPv6, timeout 2 s: idles 1 s and 1.2 s survive, 3 s and 4 s killed.
sc_fwr_kp_v6() {
  net reset 2 v6
  begin fwr-kp-v6 pair
  kp p producer send,idle:1,send,idle:3,send,idle:1.2,send,idle:4,send
  end path-causes
}

# kafkajs (SO_KEEPALIVE at 60 s, its default: no probe within these idles) through source NAT,
# timeout 9 s: the 5 s idle survives, the 14 s idle is killed.
sc_fwr_kjs_nat() {
  net reset 9 nat
  begin fwr-kjs-nat pair
  kjs p send,idle:5,send,idle:14,send
  end path-causes
}

# The capture starts mid-connection: tcpdump is started after the first Produce was answered,
# during a 2 s idle (survives the 3 s timeout); the 5 s idle is killed.
sc_fwr_rdk_midstart() {
  net reset 3
  CUR=fwr-rdk-midstart
  standin $CUR --host "$(bhost)"; BRK=$LAST; TB=""
  bg $NC "$WORK/$CUR.p.log" $PY "$RDK" "$(bs)" "$CUR" send,idle:2,send,idle:5,send --client-id "$CUR-p"; local p=$LAST
  wait_broker_log "Produce .*acks=1"
  sleep 0.3
  cap $NC c0 "$WORK/$CUR-client.pcap" "tcp port $PORT"; TC=$LAST
  wait "$p" || true; show "$WORK/$CUR.p.log"
  end path-causes
}

# Firewall drops packets of forgotten sessions (timeout 4 s); client tcp_retries2=3: the kernel
# gives up on the unanswered Produce after a few seconds, librdkafka reconnects and resends.
sc_fwd_rdk() {
  net drop 4; retries2 3
  begin fwd-rdk pair
  rdk p send,idle:2.5,send,idle:6,send
  end path-causes
}

# kafka-python over IPv6, drop, timeout 6 s, tcp_retries2=4: 3 s idle survives, 9 s idle killed.
sc_fwd_kp_v6() {
  net drop 6 v6; retries2 4
  begin fwd-kp-v6 pair
  kp p producer send,idle:3,send,idle:9,send
  end path-causes
}

# kafkajs through NAT, drop, timeout 3 s, tcp_retries2=5: 1.5 s idle survives, 5 s killed.
sc_fwd_kjs_nat() {
  net drop 3 nat; retries2 5
  begin fwd-kjs-nat pair
  kjs p send,idle:1.5,send,idle:5,send
  end path-causes
}

# Keepalive on (librdkafka socket.keepalive.enable) but its first probe (tcp_keepalive_time 5 s)
# comes after the firewall's 3 s: the probe draws the forged RST. IPv6.
sc_kam_rdk_v6() {
  net reset 3 v6; keepalive 5 1 3
  begin kam-rdk-v6 pair
  rdk p send,idle:8,send -X socket.keepalive.enable=true
  end path-causes
}

# kafka-python with SO_KEEPALIVE, tcp_keepalive_time 5 s > timeout 3 s, firewall drops: the
# probes go unanswered (intvl 1 s, 2 probes) and the kernel aborts the connection; kafka-python
# reconnects at once and the next send (7.6 s) goes out on the new connection.
sc_kam_kp_drop() {
  net drop 3; keepalive 5 1 2; retries2 5
  begin kam-kp-drop client
  kp p producer send,idle:7.6,send --keepalive
  end path-causes
}

# kafkajs with a socket factory that sets a 7 s keepalive delay; timeout 5 s: RST to the probe.
sc_kam_kjs() {
  net reset 5; keepalive 7200 1 3
  begin kam-kjs client
  kjs p send,idle:11,send --keepalive-ms 7000
  end path-causes
}

# ------------------------------------------------------------------ negative controls

# Keepalive fast enough: probes every 2 s (time 2, intvl 2) keep a 6 s firewall entry fresh over
# a 14 s idle. librdkafka.
sc_ka_ok_rdk() {
  net reset 6; keepalive 2 2 3
  begin ka-ok-rdk pair
  rdk p send,idle:14,send -X socket.keepalive.enable=true
  end controls
}

# kafkajs with a 1.5 s keepalive delay, timeout 4 s, idle 10 s.
sc_ka_ok_kjs() {
  net reset 4; keepalive 7200 1 3
  begin ka-ok-kjs client
  kjs p send,idle:10,send --keepalive-ms 1500
  end controls
}

# One busy, healthy host: librdkafka, kafka-python and kafkajs producers and two consumers at
# once, each its own client id, plus short-lived kcat producers that connect, produce, exit.
sc_busy_one_host() {
  net reset 30
  begin busy-one-host client
  local pids=() i
  bg $NC "$WORK/$CUR.rdk1.log" $PY "$RDK" "$(bs)" busy-a send,idle:1,send,idle:1,send,idle:1,send,idle:1,send,idle:1,send,idle:1,send,idle:1,send,idle:1,send,idle:1,send,idle:1,send --client-id busy-rdk1; pids+=($LAST)
  bg $NC "$WORK/$CUR.rdk2.log" $PY "$RDK" "$(bs)" busy-b send,idle:1.7,send,idle:1.7,send,idle:1.7,send,idle:1.7,send,idle:1.7,send,idle:1.7,send --client-id busy-rdk2; pids+=($LAST)
  bg $NC "$WORK/$CUR.kp1.log" $PY "$KP" "$(bs)" busy-a producer send,idle:0.8,send,idle:0.8,send,idle:0.8,send,idle:0.8,send,idle:0.8,send,idle:0.8,send,idle:0.8,send,idle:0.8,send,idle:0.8,send --client-id busy-kp1; pids+=($LAST)
  bg $NC "$WORK/$CUR.kc1.log" $PY "$KP" "$(bs)" busy-a consumer poll:12 --client-id busy-kpc1 --fetch-max-wait-ms 500; pids+=($LAST)
  (cd "$REPO" && exec ip netns exec $NC node "$KJS" "$(bs)" busy-b send,idle:1.3,send,idle:1.3,send,idle:1.3,send,idle:1.3,send,idle:1.3,send,idle:1.3,send --client-id busy-kjs1) 2>"$WORK/$CUR.kjs1.log" & PIDS+=($!); pids+=($!)
  bg $NC "$WORK/$CUR.kcat-c.log" kcat -C -b "$(bs)" -t busy-b -p 0 -o end -q -X client.id=busy-kcatc -X fetch.wait.max.ms=800; local kc=$LAST
  for i in 1 2 3 4; do
    sleep 2
    echo "short-lived $i" | in_ns $NC kcat -P -b "$(bs)" -t busy-a -X client.id="busy-short$i" 2>"$WORK/$CUR.short$i.log" || log "short $i failed"
  done
  for i in "${pids[@]}"; do wait "$i" || log "busy client $i exited $?"; done
  stop $kc
  for i in rdk1 rdk2 kp1 kc1 kjs1; do show "$WORK/$CUR.$i.log"; done
  end controls
}

# Clients that finish their work and close normally, one after another: librdkafka, kafka-python,
# kafkajs, kcat -P.
sc_clean_exit() {
  net reset 8
  begin clean-exit client
  rdk rdk send,idle:0.4,send,idle:0.4,send
  kp kp producer send,idle:0.4,send
  kjs kjs send,idle:0.4,send
  printf 'a\nb\n' | in_ns $NC kcat -P -b "$(bs)" -t "$CUR" -X client.id="$CUR-kcat" 2>"$WORK/$CUR.kcat.log"
  end controls
}

# Clients killed with SIGKILL while idle (nothing in flight, nothing unread): kafka-python, then
# librdkafka. The kernel closes their sockets.
sc_kill_idle() {
  net reset 10
  begin kill-idle pair
  bg $NC "$WORK/$CUR.kp.log" $PY "$KP" "$(bs)" "$CUR" producer send,hang --client-id "$CUR-kp"; local p=$LAST
  wait_broker_log "Produce .*acks=1" 1; sleep 2.5
  kill -KILL "$p"; wait "$p" 2>/dev/null || true; show "$WORK/$CUR.kp.log"
  sleep 1
  bg $NC "$WORK/$CUR.rdk.log" $PY "$RDK" "$(bs)" "$CUR" send,idle:60 --client-id "$CUR-rdk"; p=$LAST
  wait_broker_log "Produce .*acks=1" 2; sleep 3.5
  kill -KILL "$p"; wait "$p" 2>/dev/null || true; show "$WORK/$CUR.rdk.log"
  end controls
}

# A kafka-python consumer long-polling (fetch_max_wait 3 s) is frozen (SIGSTOP) right after it
# sent a Fetch; the broker's empty answer arrives and stays unread in the socket; then SIGKILL:
# the kernel closes a socket with unread data with a RST.
sc_kill_unread() {
  net reset 12
  begin kill-unread pair
  bg $NC "$WORK/$CUR.kc.log" $PY "$KP" "$(bs)" "$CUR" consumer poll:60 --fetch-max-wait-ms 3000 --client-id "$CUR-kc"; local p=$LAST
  wait_broker_log "<- Fetch" 2; sleep 0.5
  kill -STOP "$p"
  wait_broker_log "Fetch v.*bytes of records" 2; sleep 1
  kill -KILL "$p"; wait "$p" 2>/dev/null || true; show "$WORK/$CUR.kc.log"
  end controls
}

# Long-poll fetches: kcat (librdkafka) consumer with fetch.wait.max.ms=4000 on an empty partition
# for 13 s, then SIGTERM (kcat stops and closes). IPv6.
sc_longpoll_kcat_v6() {
  net reset 20 v6
  begin longpoll-kcat-v6 pair
  bg $NC "$WORK/$CUR.kcat.log" kcat -C -b "$(bs)" -t "$CUR" -p 0 -o end -X client.id="$CUR-kcat" -X fetch.wait.max.ms=4000; local k=$LAST
  sleep 13
  stop "$k"
  end controls
}

# kafka-python consumer, fetch_max_wait 1500 ms, polls 8 s, closes.
sc_longpoll_kp() {
  net reset 20
  begin longpoll-kp client
  kp kc consumer poll:8 --fetch-max-wait-ms 1500
  end controls
}

# A slow broker (Produce answered after 5 s) and kafka-python with request_timeout_ms 2000 and no
# retries: the client gives up on the request and closes the connection.
sc_slow_broker_kp() {
  net reset 20
  begin slow-broker-kp pair --delay-ms Produce=5000
  kp p producer send,idle:4 --request-timeout-ms 2000 --retries 0
  end controls
}

# The same with librdkafka: request.timeout.ms 1500, Produce answered after 4 s, no retries.
sc_slow_broker_rdk() {
  net reset 20
  begin slow-broker-rdk pair --delay-ms Produce=4000
  rdk p send,idle:4 -X request.timeout.ms=1500 -X message.timeout.ms=3000 -X retries=0
  end controls
}

# Not Kafka: a small TCP request/response service on port 8080 (socat, one process per connection)
# and 10 short connections from one host within 5 s (curl).
sc_nonkafka_8080() {
  net reset 10
  CUR=nonkafka-8080 TB=""
  # An HTTP/1.0 responder: read the request head up to the empty line, answer, close.
  cat >"$WORK/http.sh" <<'EOS'
#!/bin/sh
while IFS= read -r l; do [ -z "$(printf %s "$l" | tr -d '\r')" ] && break; done
printf 'HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n'
EOS
  chmod +x "$WORK/http.sh"
  bg $NB "$WORK/$CUR.socat.log" socat TCP-LISTEN:8080,bind=$B4,fork,reuseaddr EXEC:"$WORK/http.sh"; BRK=$LAST
  sleep 0.5
  cap $NC c0 "$WORK/$CUR-client.pcap" "tcp port 8080"; TC=$LAST
  sleep 0.3
  local i
  for i in $(seq 10); do
    in_ns $NC curl -s -m 3 "http://$B4:8080/item/$i" >/dev/null || log "curl $i failed"
    sleep 0.35
  done
  end controls
}

mkdir -p "$BASE/path-causes" "$BASE/controls"
topo_up
for s in "${SCENARIOS[@]}"; do
  log "scenario $s"
  "sc_${s//-/_}"
done
log "done"
