# shellcheck shell=bash
# Scenario steps shared by the scenario-matrix scripts that work one scenario at a time
# (make-set-b.sh, make-set-c.sh): per-scenario network settings, a fresh broker with tcpdump on one
# or both sides, the clients in the foreground, waiting on the broker's log. Source after lib.sh;
# needs $HERE (scripts/matrix) and $REPO. $BASE is where `end DIR` saves the captures.
#
# Over TLS a script fills RDK_X (extra idle-producer.py arguments, e.g. -X security.protocol=ssl)
# and KP_X (extra kp-client.py arguments, e.g. --ssl-cafile F): every rdk/kp call appends them.
RDK_X=()
KP_X=()

RDK="$REPO/scripts/kafka-standin/idle-producer.py"
KP="$HERE/clients/kp-client.py"
KJS="$HERE/clients/kjs-producer.mjs"
PY=/usr/bin/python3
FAM=4   # address family of the current scenario (4|6)

bs() { if [[ $FAM == 6 ]]; then echo "[$B6]:$PORT"; else echo "$B4:$PORT"; fi; }
bhost() { if [[ $FAM == 6 ]]; then echo "$B6"; else echo "$B4"; fi; }

# net MODE TIMEOUT [nat] [v6] : firewall, NAT, address family; keepalive and retries back to
# the kernel defaults (a scenario sets its own after this).
net() {
  firewall "$1" "$2"
  if [[ " ${*:3} " == *" nat "* ]]; then nat on; else nat off; fi
  if [[ " ${*:3} " == *" v6 "* ]]; then FAM=6; else FAM=4; fi
  keepalive 7200 75 9
  in_ns $NC sysctl -qw net.ipv4.tcp_retries2=15
}
retries2() { in_ns $NC sysctl -qw net.ipv4.tcp_retries2="$1"; }

# begin NAME SIDES [broker options] : fresh broker, tcpdump at the client (SIDES client|pair) and
# at the broker (pair). Sets $BRK $TC $TB; the capture files are $WORK/NAME-{client,broker}.pcap.
begin() {
  local name=$1 sides=$2; shift 2
  CUR=$name
  standin "$name" --host "$(bhost)" "$@"; BRK=$LAST
  TC="" TB=""
  if [[ $sides == client || $sides == pair ]]; then cap $NC c0 "$WORK/$name-client.pcap" "tcp port $PORT"; TC=$LAST; fi
  if [[ $sides == pair ]]; then cap $NB b0 "$WORK/$name-broker.pcap" "tcp port $PORT"; TB=$LAST; fi
  sleep 0.3
}
# end DIR : stop the captures, then the broker (its exit would close the connections it still
# holds), save the captures into $BASE/DIR.
end() {
  local dir=$1
  sleep 0.5
  log "$CUR: firewall counters:"; fw_counters
  # shellcheck disable=SC2086
  stop $TC $TB
  stop "$BRK"
  OUT="$BASE/$dir"
  if [[ -n "$TC" ]]; then cap_check "$WORK/$CUR-client.pcap"; save "$CUR-client.pcap"; fi
  if [[ -n "$TB" ]]; then cap_check "$WORK/$CUR-broker.pcap"; save "$CUR-broker.pcap"; fi
}

# Clients, in the foreground; their logs in $WORK/CUR.TAG.log ('%' lines echoed).
show() { grep -h '^%' "$1" >&2 || true; }
rdk() { # TAG PLAN [-X k=v ...]
  local tag=$1 plan=$2; shift 2
  local l="$WORK/$CUR.$tag.log"
  in_ns $NC $PY "$RDK" "$(bs)" "$CUR" "$plan" --client-id "$CUR-$tag" "${RDK_X[@]}" "$@" 2>"$l" || log "$tag exited $?"
  show "$l"
}
kp() { # TAG ROLE PLAN [options]
  local tag=$1 role=$2 plan=$3; shift 3
  local l="$WORK/$CUR.$tag.log"
  in_ns $NC $PY "$KP" "$(bs)" "$CUR" "$role" "$plan" --client-id "$CUR-$tag" "${KP_X[@]}" "$@" 2>"$l" || log "$tag exited $?"
  show "$l"
}
kjs() { # TAG PLAN [options]
  local tag=$1 plan=$2; shift 2
  local l="$WORK/$CUR.$tag.log"
  (cd "$REPO" && in_ns $NC node "$KJS" "$(bs)" "$CUR" "$plan" --client-id "$CUR-$tag" "$@") 2>"$l" || log "$tag exited $?"
  show "$l"
}
# wait_broker_log PATTERN [N] : until the broker's log has N (default 1) lines matching PATTERN.
wait_broker_log() {
  local pat=$1 n=${2:-1} i
  for i in $(seq 300); do
    (( $(grep -c -- "$pat" "$WORK/$CUR.broker.log" || true) >= n )) && return 0
    sleep 0.05
  done
  log "$CUR: broker never logged $pat"; return 1
}
