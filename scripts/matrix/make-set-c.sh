#!/usr/bin/env bash
# Set C of the scenario matrix (test/fixtures/matrix/README.md): the path, broker and client causes
# and the negative controls again, over TLS (the stand-in broker's TLS listener on port 9093, TLS
# 1.3, a self-signed EC certificate the clients verify). From the capture alone only the TCP and
# TLS record layers are visible; for some captures the client's TLS key log is kept too (*.keys,
# NSS format) so kdiag can also be run decrypted (kdiag --tls-keylog F analyze). Writes
# test/fixtures/matrix/tls-path/ (captures and key logs only; README.md and expected.json there
# are written from the verified captures and the broker's logs).
#
#   sudo scripts/matrix/make-set-c.sh [--out DIR] [scenario ...]      (default: all, into the fixtures)
#
# KEEP_LOGS=DIR keeps every client's, broker's and tcpdump's log. Topology: scripts/matrix/lib.sh
# (namespaces kdmc-client -- kdmc-fw -- kdmc-broker, 10.97.1.1 -> 10.97.2.2, IPv4 only, every
# packet routed; a RST forged by the firewall carries TTL 64 at the client). Clients:
#   rdk  scripts/kafka-standin/idle-producer.py (python3-confluent-kafka / librdkafka 2.0.2),
#        -X security.protocol=ssl -X ssl.ca.location=CERT
#   kcat kcat 1.7.1 (librdkafka 2.0.2), the same settings. librdkafka 2.0.2 has no
#        ssl.keylog.location (kcat -X list), so no key log from librdkafka clients.
#   kp   scripts/matrix/clients/kp-client.py (kafka-python 2.0.2), --ssl-cafile CERT
#        [--ssl-keylog F] (an ssl.SSLContext with keylog_filename)
#   client.py kafka-python (scripts/matrix/client.py) for the message-too-large capture
# Everything created (namespaces, processes, temporary files) is removed on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BASE="$REPO/test/fixtures/matrix"
if [[ "${1:-}" == "--out" ]]; then BASE="$2"; shift 2; fi
DIR=tls-path
ALL=(tfwr-kp tfwr-rdk tfwd-rdk tfwd-kp tkam-rdk tgone-busy tidle-kp tmtl-kp-acks1 tmtl-kp-acks0-fin
  tbusy tclean-exit tkill-idle tlongpoll-kcat)
SCENARIOS=("$@")
[[ ${#SCENARIOS[@]} -gt 0 ]] || SCENARIOS=("${ALL[@]}")

[[ $EUID -eq 0 ]] || { echo "needs root (network namespaces)" >&2; exit 1; }
PREFIX=kdmc V4=10.97 V6=fd97 MACID=97 IPV6=0 PORT=9093 LOG_TAG=set-c
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=steps.sh
source "$HERE/steps.sh"
CL="$HERE/client.py"

tls_cert
BTLS=(--tls "$TLSDIR/cert.pem,$TLSDIR/key.pem")
RDK_X=(-X security.protocol=ssl -X ssl.ca.location="$TLSDIR/cert.pem")
KP_X=(--ssl-cafile "$TLSDIR/cert.pem")
KCAT_X=(-X security.protocol=ssl -X ssl.ca.location="$TLSDIR/cert.pem")

# keylog : the kp clients of this scenario write their TLS secrets to $WORK/$CUR.keys;
# save_keys copies it beside the captures (plain text: a few hundred bytes).
keylog() { KP_X=(--ssl-cafile "$TLSDIR/cert.pem" --ssl-keylog "$WORK/$CUR.keys"); }
save_keys() {
  cp "$WORK/$CUR.keys" "$BASE/$DIR/$CUR.keys"
  log "wrote $BASE/$DIR/$CUR.keys ($(wc -l <"$WORK/$CUR.keys") lines)"
  KP_X=(--ssl-cafile "$TLSDIR/cert.pem")
}

# ------------------------------------------------------------------ path causes

# Firewall forgets idle sessions after 3 s and forges a RST; kafka-python, keepalive off (its
# default). The 1.5 s idle survives, the 5 s idle is killed. Key log kept.
sc_tfwr_kp() {
  net reset 3
  begin tfwr-kp pair "${BTLS[@]}"; keylog
  kp p producer send,idle:1.5,send,idle:5,send
  end $DIR; save_keys
}

# The same with librdkafka (keepalive off, its default), timeout 4 s: 2 s survives, 6 s killed.
sc_tfwr_rdk() {
  net reset 4
  begin tfwr-rdk pair "${BTLS[@]}"
  rdk p send,idle:2,send,idle:6,send
  end $DIR
}

# The firewall drops packets of forgotten sessions (timeout 4 s); client tcp_retries2=3: the
# kernel gives up on the unanswered Produce after a few seconds, librdkafka reconnects, resends.
sc_tfwd_rdk() {
  net drop 4; retries2 3
  begin tfwd-rdk pair "${BTLS[@]}"
  rdk p send,idle:2.5,send,idle:6,send
  end $DIR
}

# kafka-python, drop, timeout 3 s, tcp_retries2=4: the 1.5 s idle survives, the 6 s idle is killed.
sc_tfwd_kp() {
  net drop 3; retries2 4
  begin tfwd-kp client "${BTLS[@]}"
  kp p producer send,idle:1.5,send,idle:6,send
  end $DIR
}

# librdkafka with socket.keepalive.enable, first probe after 5 s (tcp_keepalive_time), firewall
# timeout 3 s: the probe draws the forged RST.
sc_tkam_rdk() {
  net reset 3; keepalive 5 1 3
  begin tkam-rdk pair "${BTLS[@]}"
  rdk p send,idle:8,send -X socket.keepalive.enable=true
  end $DIR
}

# ------------------------------------------------------------------ broker causes

# The broker is killed (SIGKILL) while librdkafka produces a message every ~50 ms; the capture
# ends 0.8 s later, before librdkafka's reconnect (reconnect.backoff.ms 10000).
sc_tgone_busy() {
  net none 0
  begin tgone-busy pair "${BTLS[@]}"
  local plan=send i
  for i in $(seq 1 60); do plan+=",idle:0.05,send"; done
  bg $NC "$WORK/$CUR.p.log" $PY "$RDK" "$(bs)" "$CUR" "$plan" --client-id "$CUR-p" "${RDK_X[@]}" \
    -X reconnect.backoff.ms=10000 -X reconnect.backoff.max.ms=10000 -X message.timeout.ms=2000; local p=$LAST
  wait_broker_log "Produce .*acks=1" 8
  kill -KILL "$BRK"; wait "$BRK" 2>/dev/null || true
  log "$CUR: broker killed"
  sleep 0.8
  stop $TC $TB
  stop "$p"; show "$WORK/$CUR.p.log"
  OUT="$BASE/$DIR"
  cap_check "$WORK/$CUR-client.pcap"; save "$CUR-client.pcap"
  cap_check "$WORK/$CUR-broker.pcap"; save "$CUR-broker.pcap"
}

# The broker's idle reaper (connections.max.idle.ms 2500): kafka-python sends, idles 4 s, sends
# again on a new connection. Key log kept.
sc_tidle_kp() {
  net none 0
  begin tidle-kp pair "${BTLS[@]}" --idle-close-ms 2500; keylog
  kp p producer send,idle:4,send
  end $DIR; save_keys
}

# message.max.bytes 30000, kafka-python acks=1: 5, 12 kB accepted, 60 kB answered
# MESSAGE_TOO_LARGE (the connection stays open). Key log kept.
sc_tmtl_kp_acks1() {
  net none 0
  begin tmtl-kp-acks1 pair "${BTLS[@]}" --message-max-bytes 30000
  in_ns $NC $PY "$CL" kafka-python "$(bs)" "$CUR" send:5000,idle:0.3,send:12000,idle:0.3,send:60000,idle:0.5 \
    --acks 1 --client-id "$CUR-kp" --ssl-cafile "$TLSDIR/cert.pem" --ssl-keylog "$WORK/$CUR.keys" 2>"$WORK/$CUR.p.log" || true
  show "$WORK/$CUR.p.log"
  end $DIR; save_keys
}

# message.max.bytes 30000, kafka-python acks=0: 5, 12 kB accepted, then 60 kB: the broker reads
# it, sends close_notify and closes (FIN); kafka-python reconnects for its next small message.
sc_tmtl_kp_acks0_fin() {
  net none 0
  begin tmtl-kp-acks0-fin pair "${BTLS[@]}" --message-max-bytes 30000 --refuse-close fin
  in_ns $NC $PY "$CL" kafka-python "$(bs)" "$CUR" send:5000,idle:0.3,send:12000,idle:0.3,send:60000,idle:1,send:300,idle:0.5 \
    --acks 0 --client-id "$CUR-kp" --ssl-cafile "$TLSDIR/cert.pem" 2>"$WORK/$CUR.p.log" || true
  show "$WORK/$CUR.p.log"
  end $DIR
}

# ------------------------------------------------------------------ negative controls

# Healthy busy traffic: two librdkafka and one kafka-python producer, a kafka-python consumer and
# a kcat consumer (long polls), short-lived kcat producers.
sc_tbusy() {
  net reset 30
  begin tbusy client "${BTLS[@]}"
  local pids=() i
  bg $NC "$WORK/$CUR.rdk1.log" $PY "$RDK" "$(bs)" busy-a send,idle:1,send,idle:1,send,idle:1,send,idle:1,send,idle:1,send,idle:1,send --client-id busy-rdk1 "${RDK_X[@]}"; pids+=($LAST)
  bg $NC "$WORK/$CUR.rdk2.log" $PY "$RDK" "$(bs)" busy-b send,idle:1.7,send,idle:1.7,send,idle:1.7,send,idle:1.7,send --client-id busy-rdk2 "${RDK_X[@]}"; pids+=($LAST)
  bg $NC "$WORK/$CUR.kp1.log" $PY "$KP" "$(bs)" busy-a producer send,idle:0.8,send,idle:0.8,send,idle:0.8,send,idle:0.8,send,idle:0.8,send,idle:0.8,send --client-id busy-kp1 "${KP_X[@]}"; pids+=($LAST)
  bg $NC "$WORK/$CUR.kc1.log" $PY "$KP" "$(bs)" busy-a consumer poll:7 --client-id busy-kpc1 --fetch-max-wait-ms 500 "${KP_X[@]}"; pids+=($LAST)
  bg $NC "$WORK/$CUR.kcat-c.log" kcat -C -b "$(bs)" -t busy-b -p 0 -o end -q -X client.id=busy-kcatc -X fetch.wait.max.ms=800 "${KCAT_X[@]}"; local kc=$LAST
  for i in 1 2 3; do
    sleep 1.5
    echo "short-lived $i" | in_ns $NC kcat -P -b "$(bs)" -t busy-a -X client.id="busy-short$i" "${KCAT_X[@]}" 2>"$WORK/$CUR.short$i.log" || log "short $i failed"
  done
  for i in "${pids[@]}"; do wait "$i" || log "busy client $i exited $?"; done
  stop $kc
  for i in rdk1 rdk2 kp1 kc1; do show "$WORK/$CUR.$i.log"; done
  end $DIR
}

# Clients that finish and close normally: librdkafka, kafka-python, kcat -P.
sc_tclean_exit() {
  net reset 8
  begin tclean-exit client "${BTLS[@]}"
  rdk rdk send,idle:0.4,send,idle:0.4,send
  kp kp producer send,idle:0.4,send
  printf 'a\nb\n' | in_ns $NC kcat -P -b "$(bs)" -t "$CUR" -X client.id="$CUR-kcat" "${KCAT_X[@]}" 2>"$WORK/$CUR.kcat.log"
  end $DIR
}

# Clients killed with SIGKILL while idle (nothing in flight, nothing unread): kafka-python, then
# librdkafka. The kernel closes their sockets (FIN, no close_notify).
sc_tkill_idle() {
  net reset 10
  begin tkill-idle pair "${BTLS[@]}"
  bg $NC "$WORK/$CUR.kp.log" $PY "$KP" "$(bs)" "$CUR" producer send,hang --client-id "$CUR-kp" "${KP_X[@]}"; local p=$LAST
  wait_broker_log "Produce .*acks=1" 1; sleep 2
  kill -KILL "$p"; wait "$p" 2>/dev/null || true; show "$WORK/$CUR.kp.log"
  sleep 1
  bg $NC "$WORK/$CUR.rdk.log" $PY "$RDK" "$(bs)" "$CUR" send,idle:60 --client-id "$CUR-rdk" "${RDK_X[@]}"; p=$LAST
  wait_broker_log "Produce .*acks=1" 2; sleep 2.5
  kill -KILL "$p"; wait "$p" 2>/dev/null || true; show "$WORK/$CUR.rdk.log"
  end $DIR
}

# Long-poll fetches: kcat consumer, fetch.wait.max.ms=3000 on an empty partition for 10 s, SIGTERM.
sc_tlongpoll_kcat() {
  net reset 20
  begin tlongpoll-kcat pair "${BTLS[@]}"
  bg $NC "$WORK/$CUR.kcat.log" kcat -C -b "$(bs)" -t "$CUR" -p 0 -o end -X client.id="$CUR-kcat" -X fetch.wait.max.ms=3000 "${KCAT_X[@]}"; local k=$LAST
  sleep 10
  stop "$k"
  end $DIR
}

mkdir -p "$BASE/$DIR"
topo_up
for s in "${SCENARIOS[@]}"; do
  log "scenario $s"
  "sc_${s//-/_}"
done
log "done"
