#!/usr/bin/env bash
# Set E of the scenario matrix (test/fixtures/matrix/README.md): negative controls with real,
# healthy consumer groups against the stand-in broker's group coordinator (broker.ts --groups):
# two members join (the first rebalance waits group.initial.rebalance.delay.ms, 3 s), a third
# joins (the others learn REBALANCE_IN_PROGRESS from their heartbeats and rejoin), the third
# leaves properly (LeaveGroup), then a member is killed with SIGKILL (the broker's session timeout,
# 6 s, removes it and the last member rebalances alone), and the last member closes (LeaveGroup).
# A producer writes to the group's topic (3 partitions) all the while; the members long-poll
# (fetch max wait 500 ms) and commit offsets every second. Writes test/fixtures/matrix/controls/
# (captures only; README.md and expected.json there are written from the verified captures).
#
#   sudo scripts/matrix/make-set-e.sh [--out DIR] [scenario ...]     (default: all, into the fixtures)
#
# Scenarios: group-kp (kafka-python 2.0.2 members and producer; JoinGroup v2), group-rdk
# (python3-confluent-kafka 1.7.0 / librdkafka 2.0.2 members and producer; JoinGroup v5, so each
# member's first join is answered MEMBER_ID_REQUIRED), group-kjs (kafkajs 2.2.4 members and producer,
# Node 20; JoinGroup v5, its own RoundRobinAssigner protocol), group-mixed (a: librdkafka, b and c:
# kafka-python, one group: both offer the range assignor); churn-kp, churn-rdk, churn-kjs (the same
# libraries: members killed, or closed, one second after they join, while the broker holds their
# JoinGroup for the rebalance they started; see churn_life). Each is captured at the client (c0)
# and at the broker (b0) in the same run. Topology: scripts/matrix/lib.sh, namespaces kdme-client --
# kdme-fw -- kdme-broker, 10.95.1.1 -> 10.95.2.2:9092 (the firewall is there as in set B, with a
# 60 s timeout, longer than any idle here). KEEP_LOGS=DIR keeps every client's, broker's and
# tcpdump's log. Member clients: scripts/matrix/clients/group-consumer.py (kp, rdk),
# scripts/matrix/clients/kjs-group-consumer.mjs (kjs).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BASE="$REPO/test/fixtures/matrix"
if [[ "${1:-}" == "--out" ]]; then BASE="$2"; shift 2; fi
ALL=(group-kp group-rdk group-kjs group-mixed churn-kp churn-rdk churn-kjs)
SCENARIOS=("$@")
[[ ${#SCENARIOS[@]} -gt 0 ]] || SCENARIOS=("${ALL[@]}")

[[ $EUID -eq 0 ]] || { echo "needs root (network namespaces)" >&2; exit 1; }
PREFIX=kdme V4=10.95 V6=fd95 MACID=95 IPV6=0 PORT=9092 LOG_TAG=set-e
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=steps.sh
source "$HERE/steps.sh"

GC="$HERE/clients/group-consumer.py"
KJSG="$HERE/clients/kjs-group-consumer.mjs"

# member TAG LIB [options]: a group member in the background (pid in $LAST: the client process
# itself, so SIGKILL kills the client, not a wrapper).
member() {
  local tag=$1 lib=$2; shift 2
  if [[ $lib == kjs ]]; then
    bg $NC "$WORK/$CUR.$tag.log" node "$KJSG" "$(bs)" "$CUR" "$CUR-group" --client-id "$CUR-$tag" "$@"
  else
    bg $NC "$WORK/$CUR.$tag.log" $PY "$GC" "$(bs)" "$CUR" "$CUR-group" "$lib" --client-id "$CUR-$tag" "$@"
  fi
}

# producer LIB: a producer in the background (pid in $LAST): 50 small messages, 0.5 s apart, then
# a clean close.
producer() {
  local plan="send" i
  for i in $(seq 49); do plan+=",idle:0.5,send"; done
  if [[ $1 == kp ]]; then
    bg $NC "$WORK/$CUR.p.log" $PY "$KP" "$(bs)" "$CUR" producer "$plan" --client-id "$CUR-p"
  elif [[ $1 == kjs ]]; then
    bg $NC "$WORK/$CUR.p.log" node "$KJS" "$(bs)" "$CUR" "$plan" --client-id "$CUR-p"
  else
    bg $NC "$WORK/$CUR.p.log" $PY "$RDK" "$(bs)" "$CUR" "$plan" --client-id "$CUR-p"
  fi
}


# stable_after PATTERN: waits until the group became Stable after the first log line matching
# PATTERN (counting from the log, so a rebalance quicker than the polling is not missed).
stable_after() {
  local i
  for i in $(seq 300); do
    awk -v pat="$1" 'seen && /-> Stable/ { found = 1 } !seen && $0 ~ pat { seen = 1 } END { exit !found }' \
      "$WORK/$CUR.broker.log" && return 0
    sleep 0.05
  done
  log "$CUR: the group never became Stable after $1"; return 1
}

# The group's life, the same for every library. Waits on the broker's log, not on fixed sleeps:
# kafka-python may need an extra round (a member whose commit met REBALANCE_IN_PROGRESS rejoins
# as a new member, and its old id is removed only at its session timeout).
# group_life NAME LIB_A LIB_B LIB_C (the producer uses LIB_A).
group_life() {
  local name=$1 la=$2 lb=$3 lc=$4 p a b c
  net reset 60
  begin "group-$name" pair --groups --partitions 3
  producer "$la"; p=$LAST
  member a "$la"; a=$LAST
  member b "$lb"; b=$LAST
  wait_broker_log "-> Stable" 1; sleep 2
  log "$CUR: a third member joins, polls 5 s, leaves"
  member c "$lc" --poll-s 5; c=$LAST
  wait "$c" || log "member c exited $?"
  wait_broker_log "removed: left the group" 1
  stable_after "removed: left the group"; sleep 2
  log "$CUR: SIGKILL member b"
  kill -KILL "$b"; wait "$b" 2>/dev/null || true
  wait_broker_log "no heartbeat within the session timeout" 1
  stable_after "no heartbeat within the session timeout"; sleep 2
  wait "$p" || log "producer exited $?"
  log "$CUR: member a closes"
  stop "$a"
  wait_broker_log "removed: left the group" 2
  local t
  for t in p a b c; do show "$WORK/$CUR.$t.log"; done
  grep -E 'group "|closed$|connection from' "$WORK/$CUR.broker.log" | grep -v 'OffsetCommit\|OffsetFetch' >&2 || true
  end controls
}

# Short-lived members, healthy churn (a crash-looping or quickly rolled-back consumer): members a
# and b (heartbeat every 3 s, Kafka's default) are stable; c joins and is killed (SIGKILL) 1 s
# later, while its JoinGroup is still held (a and b learn of the rebalance only at their next
# heartbeat): the broker completes the join with c in it, its answer to c's closed connection is
# dropped (as Kafka drops answers to a closed channel), and c is removed at its session timeout
# (6 s), so a and b rebalance again. Then (not kafka-python, whose poll() blocks until the join
# completes) d joins and is stopped (SIGTERM: close()) while its JoinGroup is held: librdkafka's
# LeaveGroup makes the broker answer the held JoinGroup UNKNOWN_MEMBER_ID, as Kafka's
# removeMemberAndUpdateGroup does, then the LeaveGroup; kafkajs 2.2.4 sends no LeaveGroup before
# it is in a generation, so d is removed at its session timeout. Then a and b close.
churn_life() {
  local lib=$1 p a b c d n
  net reset 60
  begin "churn-$lib" pair --groups --partitions 3
  producer "$lib"; p=$LAST
  member a "$lib" --heartbeat-interval-ms 3000; a=$LAST
  member b "$lib" --heartbeat-interval-ms 3000; b=$LAST
  wait_broker_log "-> Stable" 1; sleep 1
  n=$(grep -c "join complete" "$WORK/$CUR.broker.log" || true)
  member c "$lib" --heartbeat-interval-ms 3000; c=$LAST
  wait_broker_log "new member $CUR-c-" 1; sleep 1
  (( $(grep -c "join complete" "$WORK/$CUR.broker.log" || true) == n )) || log "$CUR: the join completed before c was killed"
  log "$CUR: SIGKILL member c (its JoinGroup held)"
  kill -KILL "$c"; wait "$c" 2>/dev/null || true
  wait_broker_log "$CUR-c-.* removed: no heartbeat" 1
  stable_after "$CUR-c-.* removed: no heartbeat"; sleep 1
  if [[ $lib != kp ]]; then
    n=$(grep -c "join complete" "$WORK/$CUR.broker.log" || true)
    member d "$lib" --heartbeat-interval-ms 3000; d=$LAST
    wait_broker_log "new member $CUR-d-" 1; sleep 1
    (( $(grep -c "join complete" "$WORK/$CUR.broker.log" || true) == n )) || log "$CUR: the join completed before d was stopped"
    log "$CUR: member d closes (its JoinGroup held)"
    stop "$d"
    # librdkafka sends LeaveGroup (its held JoinGroup is answered UNKNOWN_MEMBER_ID); kafkajs 2.2.4
    # just disconnects, so d goes at its session timeout, as c did.
    wait_broker_log "$CUR-d-.* removed: " 1
    stable_after "$CUR-d-.* removed: "; sleep 1
  fi
  wait "$p" || log "producer exited $?"
  log "$CUR: members a and b close"
  stop "$a" "$b"
  sleep 0.5
  local t
  for t in p a b c d; do [[ -f "$WORK/$CUR.$t.log" ]] && show "$WORK/$CUR.$t.log"; done
  grep -E 'group "|closed$|connection from' "$WORK/$CUR.broker.log" | grep -v 'OffsetCommit\|OffsetFetch' >&2 || true
  end controls
}

sc_group_kp() { group_life kp kp kp kp; }
sc_group_rdk() { group_life rdk rdk rdk rdk; }
sc_group_kjs() { group_life kjs kjs kjs kjs; }
# One group of two libraries that share the "range" assignor: a librdkafka member (JoinGroup v5) and
# kafka-python members (JoinGroup v2), b (kafka-python) killed.
sc_group_mixed() { group_life mixed rdk kp kp; }
sc_churn_kp() { churn_life kp; }
sc_churn_rdk() { churn_life rdk; }
sc_churn_kjs() { churn_life kjs; }

mkdir -p "$BASE/controls"
topo_up
for s in "${SCENARIOS[@]}"; do
  log "scenario $s"
  "sc_${s//-/_}"
done
log "done"
