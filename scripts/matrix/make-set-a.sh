#!/usr/bin/env bash
# Set A of the scenario matrix: broker-side causes (message-too-large, broker-idle-close,
# broker-gone), real clients against the stand-in broker (scripts/kafka-standin/broker.ts), in the
# three-namespace topology of scripts/matrix/lib.sh, captured with tcpdump at the client and/or
# the broker. Writes test/fixtures/matrix/broker-causes/: the captures (gzip -9 -n), expected.json
# and README.md (per capture: how it was made and what tshark shows really happened).
#
#   sudo scripts/matrix/make-set-a.sh [--out DIR] [scenario ...]     (default: all; --list)
#
# Re-running a subset replaces only those captures' entries in expected.json and sections in
# README.md. Every scenario checks the capture against the broker's own log (the number of
# connections it refused for size or closed for idleness, which side closed first); a run that
# did not behave as intended fails instead of being written. KEEP_LOGS=DIR keeps the logs.
# Needs root, iproute2, nftables, conntrack, tcpdump, tshark, editcap, kcat, openssl, jq, node
# (tsx from node_modules), /usr/bin/python3 with python3-kafka and python3-confluent-kafka.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="$REPO/test/fixtures/matrix/broker-causes"
if [[ "${1:-}" == "--out" ]]; then OUT="$2"; shift 2; fi
ALL=(mtl-kcat-acks1 mtl-kcat-acksall-default mtl-kcat-acks0-fin mtl-rdkafka-acks0-rst mtl-kpy-acks1-topic
  mtl-kpy-acks0-fin mtl-kpy-acksall-nat mtl-kcat-acks1-v6 mtl-rdkafka-acks1-pcapng mtl-socket-request-rst
  mtl-socket-request-kpy-acks0
  mtl-kafkajs-acks1 mtl-kafkajs-acks0-rst idle-2000-rdkafka idle-3500-kpy idle-7000-rdkafka idle-midstream tls-mtl-acks0 tls-idle
  gone-idle-kill gone-busy-kill gone-refused)
if [[ "${1:-}" == "--list" ]]; then printf '%s\n' "${ALL[@]}"; exit 0; fi
SCENARIOS=("$@")
[[ ${#SCENARIOS[@]} -gt 0 ]] || SCENARIOS=("${ALL[@]}")

PREFIX=kdma V4=10.98 V6=fd98 MACID=98 IPV6=1 PORT=9092 LOG_TAG=make-set-a
# shellcheck source=lib.sh
source "$HERE/lib.sh"
CL="$HERE/client.py"
PY=/usr/bin/python3
TOPIC=orders

# ------------------------------------------------------------------ one scenario's building blocks

# begin NAME SIDES(client|broker|both) [broker options]: fresh broker on $BHOST:$PORT, captures.
BHOST="" BOOT="" NAME="" SIDES="" BPID="" TC="" TB="" BOPTS="" CLIENT_DESC=""
begin() {
  NAME=$1 SIDES=$2; shift 2
  BHOST=${BHOST:-$B4}
  if [[ "$BHOST" == *:* ]]; then BOOT="[$BHOST]:$PORT"; else BOOT="$BHOST:$PORT"; fi
  BOPTS="$*"
  log "== $NAME: broker $BHOST:$PORT $*"
  standin "$NAME" --host "$BHOST" "$@"; BPID=$LAST
  TC="" TB=""
  if [[ $SIDES != broker ]]; then cap $NC c0 "$WORK/$NAME-client.pcap"; TC=$LAST; fi
  if [[ $SIDES != client ]]; then cap $NB b0 "$WORK/$NAME-broker.pcap"; TB=$LAST; fi
  sleep 0.3
}

# finish_caps: stop the captures (the broker after them: its exit would close what it holds).
finish_caps() {
  sleep 0.5
  stop $TC $TB
  stop $BPID
  local f
  for f in "$WORK/$NAME"-*.pcap; do cap_check "$f"; done
}

# kcat_p PLAN ACKS [kcat options]: kcat -P fed by client.py feed (one "key:value" line per message).
kcat_p() {
  local plan=$1 acks=$2; shift 2
  CLIENT_DESC="kcat -P -b $BOOT -t $TOPIC -K: -X client.id=kcat-$NAME -X message.max.bytes=10000000 -X acks=$acks $*, fed by client.py feed $plan"
  log "$NAME: $CLIENT_DESC"
  $PY "$CL" feed "$plan" 2>"$WORK/$NAME.feed.log" |
    in_ns $NC kcat -P -b "$BOOT" -t $TOPIC -K: -X client.id="kcat-$NAME" -X message.max.bytes=10000000 \
      -X acks="$acks" "$@" 2>"$WORK/$NAME.client.log" || true
}

# py_p LIB PLAN [client.py options]: kafka-python or confluent-kafka (librdkafka) producer.
py_p() {
  local lib=$1 plan=$2; shift 2
  CLIENT_DESC="client.py $lib $BOOT $TOPIC $plan --client-id $lib-$NAME $*"
  log "$NAME: $CLIENT_DESC"
  in_ns $NC $PY "$CL" "$lib" "$BOOT" $TOPIC "$plan" --client-id "$lib-$NAME" "$@" 2>"$WORK/$NAME.client.log" || true
}

# The broker log's numbers (record.py brokerlog), as shell variables B_*.
broker_facts() {
  local j
  j=$($PY "$HERE/record.py" brokerlog "$WORK/$NAME.broker.log")
  BL_JSON=$j
  B_ACC=$(jq -r .largest_accepted_request <<<"$j")
  B_REF=$(jq -r .smallest_refused_request <<<"$j")
  B_REFCONNS=$(jq -r .refused_connections <<<"$j")
  B_SIZECLOSES=$(jq -r .size_refusal_closes <<<"$j")
  B_IDLE=$(jq -r .idle_closes <<<"$j")
  B_CONNS=$(jq -r .connections <<<"$j")
}

# first_ends FILE: one word per connection in the capture: how it ended first (FIN-broker,
# RST-client, open ...), sorted. Over TLS ($TLS=1) the first close_notify counts (ALERT-broker).
TLS=0
first_ends() {
  local t=(); [[ $TLS == 1 ]] && t=(--tls)
  $PY "$HERE/conns.py" "$1" $PORT --json "${t[@]}" |
    jq -r '.[] | if (.tls_alerts|length)>0 and ((.ends|length)==0 or .tls_alerts[0].frame < .ends[0].frame) then "ALERT-\(.tls_alerts[0].by)"
      elif (.ends|length)==0 then "open" else "\(.ends[0].kind)-\(.ends[0].by)" end' | sort | tr '\n' ' '
}
count_ends() { # FILE WORD: how many connections first ended with WORD (e.g. FIN-broker)
  first_ends "$1" | tr ' ' '\n' | grep -cx "$2" || true
}
nconns() { $PY "$HERE/conns.py" "$1" $PORT --json | jq length; }

must() { # must DESCRIPTION CONDITION...: a check on what really happened; fails the run
  local what=$1; shift
  if ! "$@"; then
    log "$NAME: CHECK FAILED: $what"
    local f; for f in "$WORK/$NAME"-*.pcap; do log "$f:"; $PY "$HERE/conns.py" "$f" $PORT >&2; done
    exit 1
  fi
  log "$NAME: ok: $what"
}
eq() { [[ "$1" == "$2" ]]; }
ge() { (( $1 >= $2 )); }

# record SCENARIO PARAMS_JSON EXPECT_JSON NOTES [pcapng]: save the captures of $NAME, write their
# expected.json entries and README sections.
record() {
  local scenario=$1 params=$2 expect=$3 notes=$4 fmt=${5:-pcap}
  local sides=() side other f pair
  [[ $SIDES != broker ]] && sides+=(client)
  [[ $SIDES != client ]] && sides+=(broker)
  for side in "${sides[@]}"; do
    f="$NAME-$side.$fmt"
    if [[ $fmt == pcapng ]]; then editcap -F pcapng "$WORK/$NAME-$side.pcap" "$WORK/$f"; fi
    save "$f"
    pair=null
    if [[ ${#sides[@]} == 2 ]]; then
      other=client; [[ $side == client ]] && other=broker
      pair="\"$NAME-$other.$fmt.gz\""
    fi
    local entry
    entry=$(jq -cn --arg file "$f.gz" --arg side "$side" --argjson pair "$pair" --arg sc "$scenario" \
      --argjson params "$params" --argjson expect "$expect" --arg notes "$notes" \
      '{file:$file, side:$side} + (if $pair then {pair:$pair} else {} end) + {scenario:$sc, params:$params, expect:$expect, notes:$notes}')
    {
      echo "### $f.gz"
      echo
      echo "Side: $side$([[ $pair != null ]] && echo "; the same traffic from the other side: ${pair//\"/}"). Scenario \`$scenario\`; expect \`$expect\`."
      echo
      echo "$notes"
      echo
      echo "- broker: \`broker.ts --host $BHOST --port $PORT $BOPTS\`"
      echo "- client: \`$CLIENT_DESC\`"
      echo "- params: \`$params\`"
      echo
      echo "What tshark shows (scripts/matrix/conns.py; frames of this file):"
      echo
      echo '```'
      $PY "$HERE/conns.py" "$WORK/$NAME-$side.pcap" $PORT $([[ $TLS == 1 ]] && echo --tls)
      tshark -r "$WORK/$NAME-$side.pcap" -n -d tcp.port==$PORT,kafka -Y 'kafka.request_key==0 || kafka.error > 0' \
        -T fields -e frame.number -e kafka.request_key -e kafka.correlation_id -e kafka.error -e kafka.len 2>/dev/null |
        awk -F'\t' '$2=="0" {print "frame " $1 ": Produce request, correlation id " $3 ", " $5 " bytes"} $2=="" && $4!="" {print "frame " $1 ": response to correlation id " $3 ", error code " $4}' || true
      echo '```'
      echo
      echo "Broker log (stand-in, key lines) and client log:"
      echo
      echo '```'
      grep -E "connection from|closing|<- Produce|MESSAGE_TOO_LARGE|killed" "$WORK/$NAME.broker.log" | sed -E 's/ client "[^"]*"//' | head -30 || true
      grep -hE "^%|Disconnected|ERROR|Error" "$WORK/$NAME.client.log" 2>/dev/null | sed -E 's/^%[0-9]\|[0-9.]+\|/%|/' | head -12 || true
      echo '```'
    } | sed "s|$WORK|\$TMP|g" >"$WORK/section.md"
    $PY "$HERE/record.py" upsert "$OUT" "$entry" "$WORK/section.md"
  done
}

# params JSON from key=value words (numbers stay numbers).
params() {
  local a k v out="{}"
  for a in "$@"; do
    k=${a%%=*} v=${a#*=}
    if [[ $v =~ ^-?[0-9]+(\.[0-9]+)?$ || $v == null || $v == true || $v == false ]]; then
      out=$(jq -c --arg k "$k" --argjson v "$v" '. + {($k): $v}' <<<"$out")
    else
      out=$(jq -c --arg k "$k" --arg v "$v" '. + {($k): $v}' <<<"$out")
    fi
  done
  echo "$out"
}

# mtl_record SCENARIO_PARAMS... : the message-too-large bookkeeping shared by the mtl-* scenarios:
# checks the broker refused at least one request and that the capture(s) hold as many
# connections as the broker accepted; expects message-too-large once per connection the broker
# refused a request on.
mtl_record() {
  local limit=$1 client=$2 acks=$3 close=$4 notes=$5 fmt=${6:-pcap}
  shift 5; [[ $# -gt 0 ]] && shift
  broker_facts
  must "the broker refused a request" ge "$B_REFCONNS" 1
  if [[ $close != none ]]; then must "the broker closed the connection(s) it refused on" eq "$B_SIZECLOSES" "$B_REFCONNS"; fi
  must "it accepted smaller ones first" eq "$([[ $B_ACC != null ]] && echo y)" y
  local f
  for f in "$WORK/$NAME"-*.pcap; do
    must "$(basename "$f"): every broker connection captured ($B_CONNS)" eq "$(nconns "$f")" "$B_CONNS"
  done
  record message-too-large \
    "$(params limit=$limit "$@" client=$client acks=$acks refuse_close=$close largest_accepted_request=$B_ACC smallest_refused_request=$B_REF)" \
    "{\"message-too-large\": $B_REFCONNS}" "$notes" "$fmt"
}

# ------------------------------------------------------------------ scenarios

sc_mtl_kcat_acks1() {
  BHOST=$B4; begin mtl-kcat-acks1 both --message-max-bytes 100000
  kcat_p send:20000,idle:0.4,send:45000,idle:0.4,send:90000,idle:0.4,send:300000,idle:0.6 1
  finish_caps
  mtl_record 100000 kcat 1 none "kcat (librdkafka) with acks=1 sends 20, 45 and 90 kB messages, accepted, then one of 300 kB: the broker (message.max.bytes 100000) answers MESSAGE_TOO_LARGE (error 10) and keeps the connection; kcat reports the failed delivery and exits (client FIN)."
}

sc_mtl_kcat_acksall_default() {
  BHOST=$B4; begin mtl-kcat-acksall-default client
  kcat_p send:150000z,idle:0.4,send:400000z,idle:0.4,send:1000000z,idle:0.4,send:2600000z,idle:0.6 all
  finish_caps
  mtl_record 1048588 kcat -1 none "Kafka's default message.max.bytes (1048588): kcat with acks=all (-1) sends 150 kB, 400 kB and 1 MB messages (accepted), then 2.6 MB: answered MESSAGE_TOO_LARGE, connection kept; kcat exits. The values are one repeated line (no codec), so the capture compresses well."
}

sc_mtl_kcat_acks0_fin() {
  BHOST=$B4; begin mtl-kcat-acks0-fin both --message-max-bytes 60000 --refuse-close fin
  kcat_p send:8000,idle:0.4,send:25000,idle:0.4,send:55000,idle:0.4,send:240000,idle:0.4,send:300,idle:1.5 0
  finish_caps
  mtl_record 60000 kcat 0 fin "kcat with acks=0 against message.max.bytes 60000: 8, 25 and 55 kB accepted, then a 240 kB message; with acks=0 the broker cannot answer, it closes the connection (close(2), FIN) right after reading the request. kcat hands a long input line to librdkafka only at end of input, so the 240 kB message and the 300 B one after it go out together in the last Produce, and kcat, done with acks=0, exits at once: its FIN follows the request immediately and the broker's FIN (the refusal) comes a few ms later. The broker's log is the ground truth here; the capture shows a close race."
}

sc_mtl_rdkafka_acks0_rst() {
  BHOST=$B4; begin mtl-rdkafka-acks0-rst both --message-max-bytes 300000 --refuse-close rst
  py_p confluent meta,send:40000,idle:0.3,send:120000,idle:0.3,send:290000,idle:0.3,send:1100000z,idle:1.5,send:500,idle:0.5 --acks 0
  finish_caps
  mtl_record 300000 confluent-kafka 0 rst "A long-lived librdkafka producer (confluent-kafka-python) with acks=0 against message.max.bytes 300000: 40, 120 and 290 kB accepted, then 1.1 MB; the broker refuses it and aborts the connection with a RST (as a real broker's close(2) does when unread bytes remain). The producer reconnects for its next small message."
}

sc_mtl_kpy_acks1_topic() {
  BHOST=$B4; begin mtl-kpy-acks1-topic client --topic-max-bytes $TOPIC=75000
  py_p kafka-python send:10000,idle:0.3,send:30000,idle:0.3,send:70000,idle:0.3,send:220000,idle:0.3 --acks 1
  finish_caps
  mtl_record 75000 kafka-python 1 none "Topic-level max.message.bytes 75000 on topic $TOPIC (the broker's own limit is the default 1048588): kafka-python with acks=1 sends 10, 30 and 70 kB, accepted, then 220 kB, answered MESSAGE_TOO_LARGE (error 10); kafka-python raises MessageSizeTooLargeError and closes. (kafka-python's first connection, for bootstrap metadata, is closed by the client itself after ~0.3 s: normal.)" pcap limit_kind=topic
}

sc_mtl_kpy_acks0_fin() {
  BHOST=$B4; begin mtl-kpy-acks0-fin both --message-max-bytes 120000 --refuse-close fin
  py_p kafka-python send:15000,idle:0.3,send:50000,idle:0.3,send:110000,idle:0.3,send:400000,idle:1,send:200,idle:0.5 --acks 0
  finish_caps
  mtl_record 120000 kafka-python 0 fin "kafka-python with acks=0 against message.max.bytes 120000: 15, 50 and 110 kB accepted, then 400 kB: the broker closes the connection (FIN) after reading it; kafka-python reconnects to send its next small message. (kafka-python's first connection, for bootstrap metadata, is closed by the client itself after ~0.3 s: normal.)"
}

sc_mtl_kpy_acksall_nat() {
  BHOST=$B4; nat on; begin mtl-kpy-acksall-nat both --message-max-bytes 150000
  py_p kafka-python send:25000,idle:0.3,send:70000,idle:0.3,send:140000,idle:0.3,send:520000,idle:0.3 --acks all
  finish_caps; nat off
  mtl_record 150000 kafka-python -1 none "Through source NAT (masquerade fully-random on the router): at the broker the client is $R4B with a random port, so the two captures share no address/port pair. kafka-python with acks=all: 25, 70 and 140 kB accepted, then 520 kB answered MESSAGE_TOO_LARGE. (kafka-python's first connection, for bootstrap metadata, is closed by the client itself after ~0.3 s: normal.)"
}

sc_mtl_kcat_acks1_v6() {
  BHOST=$B6; begin mtl-kcat-acks1-v6 client --message-max-bytes 80000
  kcat_p send:12000,idle:0.4,send:36000,idle:0.4,send:75000,idle:0.4,send:260000,idle:0.6 1
  finish_caps; BHOST=""
  mtl_record 80000 kcat 1 none "IPv6 (client $C6, broker $B6, through the router): kcat with acks=1 against message.max.bytes 80000: 12, 36 and 75 kB accepted, 260 kB answered MESSAGE_TOO_LARGE."
}

sc_mtl_rdkafka_acks1_pcapng() {
  BHOST=$B4; begin mtl-rdkafka-acks1-pcapng client --message-max-bytes 200000
  py_p confluent meta,send:30000,idle:0.3,send:90000,idle:0.3,send:190000,idle:0.3,send:700000z,idle:0.5 --acks 1
  finish_caps
  mtl_record 200000 confluent-kafka 1 none "Saved as pcapng (editcap -F pcapng). librdkafka (confluent-kafka-python) with acks=1 against message.max.bytes 200000: 30, 90 and 190 kB accepted, 700 kB answered MESSAGE_TOO_LARGE." pcapng
}

sc_mtl_socket_request_rst() {
  BHOST=$B4; begin mtl-socket-request-rst both --socket-request-max-bytes 250000 --message-max-bytes 10000000 --refuse-close rst
  py_p confluent meta,send:30000,idle:0.3,send:90000,idle:0.3,send:200000,idle:0.3,send:600000z,idle:1.5,send:400,idle:0.5 --acks 1 \
    -X message.timeout.ms=1200
  finish_caps
  mtl_record 250000 confluent-kafka 1 rst "socket.request.max.bytes 250000 (message.max.bytes 10 MB): librdkafka (confluent-kafka-python, acks=1, message.timeout.ms 1200) sends 30, 90 and 200 kB (accepted), then a 600 kB request; the broker reads its size prefix, stops reading and closes with the rest unread: a RST while the request is still arriving. librdkafka resends the request on new connections (a request never fully written does not count as a retry), each reset the same way, until the message times out (1.2 s); its next small message goes on a new connection and is accepted. Each reset connection counts." pcap limit_kind=socket.request.max.bytes
}

sc_mtl_socket_request_kpy_acks0() {
  BHOST=$B4; begin mtl-socket-request-kpy-acks0 both --socket-request-max-bytes 200000 --message-max-bytes 10000000 --refuse-close rst
  py_p kafka-python send:2000,idle:0.3,send:5000,idle:0.3,send:9000,idle:0.3,send:700000z,idle:1,send:300,idle:0.5 --acks 0
  finish_caps
  local f
  for f in "$WORK/$NAME"-*.pcap; do
    must "$(basename "$f"): the 700 kB request was cut off: the client sent less than 400 kB on its connection" \
      eq "$($PY "$HERE/conns.py" "$f" $PORT --json | jq '[.[] | .bytes.client] | max < 400000')" true
  done
  mtl_record 200000 kafka-python 0 rst "socket.request.max.bytes 200000 (message.max.bytes 10 MB): kafka-python with acks=0 sends 2, 5 and 9 kB (accepted: small, so the broker's receive window stays small), then a 700 kB request; the broker reads its size prefix, stops reading and resets the connection: the window had closed with most of the request unsent. With acks=0 the client cannot tell; it reconnects for its next small message. The capture holds only part of the request: kdiag must not list it as delivered." pcap limit_kind=socket.request.max.bytes
}

sc_mtl_kafkajs_acks1() {
  [[ -d "$REPO/node_modules/kafkajs" ]] || { log "kafkajs not installed: skipped"; return 0; }
  BHOST=$B4; begin mtl-kafkajs-acks1 both --message-max-bytes 90000
  CLIENT_DESC="node scripts/matrix/kafkajs-producer.mjs $BOOT $TOPIC 1 10000,40000,85000,330000 (kafkajs $(jq -r .version "$REPO/node_modules/kafkajs/package.json"))"
  log "$NAME: $CLIENT_DESC"
  (cd "$REPO" && exec ip netns exec $NC node "$HERE/kafkajs-producer.mjs" "$BOOT" $TOPIC 1 10000,40000,85000,330000) 2>"$WORK/$NAME.client.log" || true
  finish_caps
  mtl_record 90000 kafkajs 1 none "kafkajs with acks=1 against message.max.bytes 90000: 10, 40 and 85 kB accepted, 330 kB answered MESSAGE_TOO_LARGE (kafkajs does not retry it); the producer disconnects."
}

sc_mtl_kafkajs_acks0_rst() {
  [[ -d "$REPO/node_modules/kafkajs" ]] || { log "kafkajs not installed: skipped"; return 0; }
  BHOST=$B4; begin mtl-kafkajs-acks0-rst both --message-max-bytes 90000 --refuse-close rst
  local sizes=10000,40000,85000,330000,500
  CLIENT_DESC="node scripts/matrix/kafkajs-producer.mjs $BOOT $TOPIC 0 $sizes 400 (kafkajs $(jq -r .version "$REPO/node_modules/kafkajs/package.json"))"
  log "$NAME: $CLIENT_DESC"
  (cd "$REPO" && exec ip netns exec $NC node "$HERE/kafkajs-producer.mjs" "$BOOT" $TOPIC 0 $sizes 400) 2>"$WORK/$NAME.client.log" || true
  finish_caps
  mtl_record 90000 kafkajs 0 rst "kafkajs with acks=0 against message.max.bytes 90000: 10, 40 and 85 kB accepted, then 330 kB: with acks=0 the broker cannot answer; it stops reading and aborts the connection (RST: unread request bytes remain). kafkajs does not see the loss; it reconnects for its last small message, then disconnects."
}

# idle_record MS CLIENT NOTES: expects broker-idle-close once per connection the broker closed for
# idleness (its log), and checks the capture shows that many connections ending with the broker's
# FIN first.
idle_record() {
  local ms=$1 client=$2 notes=$3 idle=$4 extra=${5:-}
  broker_facts
  must "the broker closed at least one idle connection" ge "$B_IDLE" 1
  local f first=FIN-broker
  [[ $TLS == 1 ]] && first=ALERT-broker
  for f in "$WORK/$NAME"-*.pcap; do
    must "$(basename "$f"): $B_IDLE connection(s) closed first by the broker ($first)" eq "$(count_ends "$f" $first)" "$B_IDLE"
  done
  record broker-idle-close "$(params idle_close_ms=$ms client=$client idle_s=$idle $extra)" "{\"broker-idle-close\": $B_IDLE}" "$notes"
}

sc_idle_2000_rdkafka() {
  BHOST=$B4; begin idle-2000-rdkafka client --idle-close-ms 2000
  py_p confluent meta,send:500,idle:3.2,send:800,idle:0.4 --acks 1
  finish_caps
  idle_record 2000 confluent-kafka "connections.max.idle.ms 2000: librdkafka (confluent-kafka-python, acks=1) sends one message, idles 3.2 s; the broker's reaper closes the idle connection with a FIN after 2 s; librdkafka reconnects for the next message." 3.2
}

sc_idle_3500_kpy() {
  BHOST=$B4; begin idle-3500-kpy both --idle-close-ms 3500
  py_p kafka-python send:700,idle:5,send:900,idle:0.3 --acks 1
  finish_caps
  idle_record 3500 kafka-python "connections.max.idle.ms 3500: kafka-python (acks=1) sends one message and idles 5 s; the broker closes the idle connection(s) with a FIN at 3.5 s; kafka-python reconnects for the next message. (kafka-python's first connection, for bootstrap metadata, is closed by the client itself after ~0.3 s: normal.)" 5
}

sc_idle_7000_rdkafka() {
  BHOST=$B4; begin idle-7000-rdkafka client --idle-close-ms 7000
  py_p confluent meta,send:1200,idle:0.5,send:1500,idle:8.2,send:600,idle:0.3 --acks all
  finish_caps
  idle_record 7000 confluent-kafka "connections.max.idle.ms 7000: librdkafka (acks=all) sends two messages, idles 8.2 s; the broker closes with a FIN at 7 s; librdkafka reconnects for the third." 8.2
}

sc_idle_midstream() {
  # The capture starts after the connection is established (no SYN in the file).
  BHOST=$B4; NAME=idle-midstream SIDES=client BOPTS="--idle-close-ms 4000"; BOOT="$B4:$PORT"
  log "== $NAME: broker $BHOST:$PORT $BOPTS (capture started mid-connection)"
  standin $NAME --host $BHOST --idle-close-ms 4000; BPID=$LAST; TB=""
  CLIENT_DESC="client.py confluent $BOOT $TOPIC meta,send:300,idle:1.2,send:400,idle:5.5,send:500,idle:0.3 --acks 1 (tcpdump started 1 s after it)"
  ip netns exec $NC $PY "$CL" confluent "$BOOT" $TOPIC meta,send:300,idle:1.2,send:400,idle:5.5,send:500,idle:0.3 --acks 1 \
    --client-id "confluent-$NAME" 2>"$WORK/$NAME.client.log" & local p=$!; PIDS+=("$p")
  sleep 1
  cap $NC c0 "$WORK/$NAME-client.pcap"; TC=$LAST
  wait $p || true
  finish_caps
  must "the capture starts mid-connection (no SYN in the first connection)" eq "$($PY "$HERE/conns.py" "$WORK/$NAME-client.pcap" $PORT --json | jq '.[0].syn')" false
  idle_record 4000 confluent-kafka "The capture starts mid-connection (tcpdump started 1 s after the producer connected; the first connection's SYN is not in the file, no request in flight at the start). connections.max.idle.ms 4000: the producer idles 5.5 s after its second message; the broker closes with a FIN at 4 s; librdkafka reconnects for the third message." 5.5 capture_start=mid-connection
}

sc_tls_mtl_acks0() {
  tls_cert
  local port0=$PORT; PORT=9093 TLS=1
  BHOST=$B4; begin tls-mtl-acks0 client --message-max-bytes 50000 --refuse-close fin --tls "$TLSDIR/cert.pem,$TLSDIR/key.pem"
  py_p confluent meta,send:3000,idle:0.3,send:12000,idle:0.3,send:45000,idle:0.3,send:150000,idle:1,send:300,idle:0.5 --acks 0 \
    -X security.protocol=ssl -X ssl.ca.location="$TLSDIR/cert.pem"
  finish_caps
  local f
  for f in "$WORK/$NAME"-*.pcap; do
    must "$(basename "$f"): the refused connection is closed first by the broker (its close_notify)" ge "$(count_ends "$f" ALERT-broker)" 1
  done
  mtl_record 50000 confluent-kafka 0 fin "TLS listener on port 9093 (TLS 1.3, self-signed EC certificate): no Kafka visible, the sizes only as TLS record sizes. librdkafka (confluent-kafka-python, security.protocol=ssl) with acks=0 against message.max.bytes 50000: 3, 12 and 45 kB accepted, then 150 kB: once it has read (and decrypted) it, the broker sends close_notify and closes the socket (FIN); librdkafka's own close_notify then draws a RST from the closed socket (as with Kafka's SslTransportLayer.close()). The producer reconnects (new handshake) for its next message. The producer's own close of its second connection at exit (its close_notify and FIN first, then a RST from it when the broker's close_notify reaches its closed socket) is the normal end of a librdkafka TLS connection, not an abort." pcap port=9093
  PORT=$port0 TLS=0
}

sc_tls_idle() {
  tls_cert
  local port0=$PORT; PORT=9093 TLS=1
  BHOST=$B4; begin tls-idle client --idle-close-ms 2500 --tls "$TLSDIR/cert.pem,$TLSDIR/key.pem"
  py_p confluent meta,send:1000,idle:4,send:1000,idle:0.3 --acks 1 -X security.protocol=ssl -X ssl.ca.location="$TLSDIR/cert.pem"
  finish_caps
  idle_record 2500 confluent-kafka "TLS listener on port 9093 (TLS 1.3): connections.max.idle.ms 2500; librdkafka over TLS sends one message and idles 4 s; the broker closes the idle connection: close_notify, then FIN ~1 ms later (a close_notify reply from the client reaching the closed socket draws a RST); the producer reconnects (new handshake) for the next message. The producer's own close of its second connection at exit (its close_notify and FIN first, then a RST from it when the broker's close_notify reaches its closed socket) is the normal end of a librdkafka TLS connection, not an abort." 4 port=9093
  PORT=$port0 TLS=0
}

# gone_kill NAME PLAN KILL_AFTER_S LIB [client options]: the broker is SIGKILLed while the client
# runs; the capture stops $LINGER s later (default 0.7: before librdkafka's next reconnect
# attempt, which with reconnect.backoff.ms 10000 comes 7.5 s or more after the connection was
# made), then the client is killed.
LINGER=0.7
gone_kill() {
  local plan=$1 after=$2 lib=$3; shift 3
  BHOST=$B4; begin "$NAME" both
  CLIENT_DESC="client.py $lib $BOOT $TOPIC $plan $* (broker SIGKILLed after $after s)"
  log "$NAME: $CLIENT_DESC"
  ip netns exec $NC $PY "$CL" "$lib" "$BOOT" $TOPIC "$plan" --client-id "$lib-$NAME" "$@" 2>"$WORK/$NAME.client.log" &
  local p=$!; PIDS+=("$p")
  sleep "$after"
  kill -KILL "$BPID"; wait "$BPID" 2>/dev/null || true
  echo "[script] broker killed (SIGKILL)" >>"$WORK/$NAME.broker.log"
  log "$NAME: broker killed"
  sleep "$LINGER"
  stop $TC $TB
  kill -KILL "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true
  local f; for f in "$WORK/$NAME"-*.pcap; do cap_check "$f"; done
}

# After a kill: no connection attempt in the capture (one connection per broker connection), and
# each ends by the broker's own FIN or RST.
gone_checks() {
  broker_facts
  local f ends
  for f in "$WORK/$NAME"-*.pcap; do
    ends=$(first_ends "$f")
    must "$(basename "$f"): no connection attempt after the kill (one connection per broker connection)" eq "$(nconns "$f")" "$B_CONNS"
    must "$(basename "$f"): the connection(s) end by the broker's FIN or RST: $ends" eq "$(( $(count_ends "$f" FIN-broker) + $(count_ends "$f" RST-broker) ))" "$B_CONNS"
  done
}

sc_gone_idle_kill() {
  NAME=gone-idle-kill
  gone_kill meta,send:800,idle:0.4,send:900,idle:8 2.5 confluent --acks 1 -X reconnect.backoff.ms=10000 -X reconnect.backoff.max.ms=10000
  gone_checks
  record broker-gone "$(params client=confluent-kafka kill_after_s=2.5 state=idle)" "{\"broker-gone\": $B_CONNS}" \
    "The broker process is killed (SIGKILL) while librdkafka (confluent-kafka-python) is connected and idle 2 s after its last message: the kernel closes the broker's socket(s) with a FIN (nothing unread); librdkafka logs the disconnect. The capture ends 0.7 s later, before the first reconnect attempt (reconnect.backoff.ms 10000)."
}

sc_gone_busy_kill() {
  NAME=gone-busy-kill
  local plan="meta" i
  for i in $(seq 1 40); do plan+=",send:$((30000 + i * 997)),idle:0.05"; done
  gone_kill "$plan" 1.8 confluent --acks 1 -X reconnect.backoff.ms=10000 -X reconnect.backoff.max.ms=10000
  gone_checks
  record broker-gone "$(params client=confluent-kafka kill_after_s=1.8 state=producing)" "{\"broker-gone\": $B_CONNS}" \
    "The broker process is killed (SIGKILL) while librdkafka (confluent-kafka-python, acks=1) produces 30-70 kB messages every ~50 ms; the kernel closes the broker's socket: FIN, or RST when request bytes were still unread (which one varies from run to run: see below); client segments arriving after that would draw RSTs. The capture ends 0.7 s later, before librdkafka's reconnect attempt (reconnect.backoff.ms 10000)."
}

sc_gone_refused() {
  NAME=gone-refused
  LINGER=4 gone_kill meta,send:800,idle:0.4,send:900,idle:12 2.5 confluent --acks 1 -X reconnect.backoff.ms=400 -X reconnect.backoff.max.ms=800
  broker_facts
  local f attempts="" n
  for f in "$WORK/$NAME"-*.pcap; do
    n=$(( $(nconns "$f") - B_CONNS ))
    must "$(basename "$f"): the broker's connection(s) end by its FIN or RST" eq "$(( $(count_ends "$f" FIN-broker) + $(count_ends "$f" RST-broker) ))" "$(( B_CONNS + n ))"
    must "$(basename "$f"): the client tried again after the kill and was refused ($n attempts, each answered by RST)" ge "$n" 1
    must "$(basename "$f"): both sides saw the same attempts" eq "${attempts:-$n}" "$n"
    attempts=$n
  done
  record broker-gone "$(params client=confluent-kafka kill_after_s=2.5 state=idle reconnects=refused)" "{\"broker-gone\": $B_CONNS, \"connection-refused\": $attempts}" \
    "The broker process is killed (SIGKILL) while librdkafka (confluent-kafka-python) is connected and idle 2 s after its last message: the kernel closes the broker's socket(s) with a FIN, as an idle reaper would. This time the capture goes on for 4 s: librdkafka reconnects every 0.4-0.8 s (reconnect.backoff.ms 400, max 800) and each SYN is answered by a RST, since nothing listens on the port any more. Each refused attempt is a connection of its own (expected: connection-refused) and the evidence that the broker is gone."
}

# ------------------------------------------------------------------ main

[[ $EUID -eq 0 ]] || { log "needs root (network namespaces)"; exit 1; }
$PY -c 'import confluent_kafka, kafka' || { log "needs python3-confluent-kafka and python3-kafka"; exit 1; }
mkdir -p "$OUT"
cat >"$WORK/header.md" <<EOF
# Scenario matrix, set A: broker-side causes

Real captures made by \`scripts/matrix/make-set-a.sh\` (run as root; \`--list\` lists the scenarios,
arguments re-make only those). Each scenario starts a fresh stand-in broker
(\`scripts/kafka-standin/broker.ts\`, a protocol-level Kafka broker built on kdiag's protocol table),
starts tcpdump (\`-U --immediate-mode -s 2048\`, filter \`tcp port 9092\`, 9093 for TLS) at the
client's and/or the broker's interface, runs a real client, and stops. The ground truth comes
from the broker's own log (which connection it refused a request on, closed for idleness, or was
killed with), checked by the script against the capture (which side closed first, how many
connections); each section below shows what tshark finds per connection.

Topology (\`scripts/matrix/lib.sh\`, namespaces kdma-client / kdma-fw / kdma-broker):

    kdma-client  c0 $C4/24, $C6/64      the client; every packet crosses the router
         |  veth (fixed MACs, static neighbours, gso_max_segs 1: MSS-sized frames)
    kdma-fw      router, no firewall rules in this set; NAT (masquerade fully-random) only
         |  veth                       for mtl-kpy-acksall-nat
    kdma-broker  b0 $B4/24, $B6/64      the stand-in broker on port 9092 (9093: TLS)

At the client the broker's packets have TTL / hop limit 63, at the broker the client's 63.
Message values: random-ish text (words from a small vocabulary) so the capture reflects the size
and still gzips ~4x; values marked \`z\` in a plan (client.py) are one repeated line.

Clients: kcat $(kcat -V 2>&1 | sed -n 's/^kcat - .*//; s/^Version \([^ ]*\).*/\1/p' | head -1) (librdkafka $($PY -c 'import confluent_kafka; print(confluent_kafka.libversion()[0])')), kafka-python
$($PY -c 'import kafka; print(kafka.__version__)') and confluent-kafka-python $($PY -c 'import confluent_kafka; print(confluent_kafka.version()[0])') (Debian python3-kafka, python3-confluent-kafka; the
scripted producer is \`scripts/matrix/client.py\`), kafkajs $(jq -r .version "$REPO/node_modules/kafkajs/package.json" 2>/dev/null || echo "(not installed)") (\`scripts/matrix/kafkajs-producer.mjs\`).
Tools: $(tcpdump --version 2>&1 | head -1), $(tcpdump --version 2>&1 | sed -n 2p), $(tshark --version | head -1 | sed 's/ (Wireshark)//; s/ (Git.*//; s/\.$//'),
node $(node --version), kernel $(uname -r), $(openssl version | cut -d' ' -f1-2).

params in expected.json: \`limit\` is the broker's message.max.bytes in bytes unless \`limit_kind\` says
\`topic\` (the topic's max.message.bytes) or \`socket.request.max.bytes\`;
\`largest_accepted_request\` / \`smallest_refused_request\` are Kafka request sizes (the 4-byte size
prefix's value) from the broker's log, so a limit lies between them (the record batch the limit
applies to is ~60-70 bytes smaller than its request); \`refuse_close\` is how the broker closed
after a refusal (\`none\`: it answered and kept the connection). \`\$TMP\` below is the script's
temporary folder (the TLS certificate: self-signed, EC P-256, made with openssl per run).

Expected causes (expected.json) count connections: \`message-too-large\` once per connection on
which the broker refused a request (it answered MESSAGE_TOO_LARGE, or closed: FIN, or RST),
\`broker-idle-close\` once per connection its idle reaper closed, \`broker-gone\` once per
connection open when the broker was killed. Every other connection ends normally (the client
closes it when it exits, or it is still open, idle, when the capture stops).

## Captures
EOF
$PY "$HERE/record.py" header "$OUT" "$WORK/header.md"
topo_up
for s in "${SCENARIOS[@]}"; do
  BHOST=""
  "sc_${s//-/_}"
done
log "done: $OUT"
