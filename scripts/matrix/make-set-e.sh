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
# member's first join is answered MEMBER_ID_REQUIRED). Each is captured at the client (c0) and at
# the broker (b0) in the same run. Topology: scripts/matrix/lib.sh, namespaces kdme-client --
# kdme-fw -- kdme-broker, 10.95.1.1 -> 10.95.2.2:9092 (the firewall is there as in set B, with a
# 60 s timeout, longer than any idle here). KEEP_LOGS=DIR keeps every client's, broker's and
# tcpdump's log. Member client: scripts/matrix/clients/group-consumer.py.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BASE="$REPO/test/fixtures/matrix"
if [[ "${1:-}" == "--out" ]]; then BASE="$2"; shift 2; fi
ALL=(group-kp group-rdk)
SCENARIOS=("$@")
[[ ${#SCENARIOS[@]} -gt 0 ]] || SCENARIOS=("${ALL[@]}")

[[ $EUID -eq 0 ]] || { echo "needs root (network namespaces)" >&2; exit 1; }
PREFIX=kdme V4=10.95 V6=fd95 MACID=95 IPV6=0 PORT=9092 LOG_TAG=set-e
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=steps.sh
source "$HERE/steps.sh"

GC="$HERE/clients/group-consumer.py"

# member TAG LIB [options]: a group member in the background (pid in $LAST).
member() {
  local tag=$1 lib=$2; shift 2
  bg $NC "$WORK/$CUR.$tag.log" $PY "$GC" "$(bs)" "$CUR" "$CUR-group" "$lib" --client-id "$CUR-$tag" "$@"
}

# producer LIB: a producer in the background (pid in $LAST): 50 small messages, 0.5 s apart, then
# a clean close.
producer() {
  local plan="send" i
  for i in $(seq 49); do plan+=",idle:0.5,send"; done
  if [[ $1 == kp ]]; then
    bg $NC "$WORK/$CUR.p.log" $PY "$KP" "$(bs)" "$CUR" producer "$plan" --client-id "$CUR-p"
  else
    bg $NC "$WORK/$CUR.p.log" $PY "$RDK" "$(bs)" "$CUR" "$plan" --client-id "$CUR-p"
  fi
}

# stable_count: how many times the group has become Stable so far (the broker's log).
stable_count() { grep -c -- "-> Stable" "$WORK/$CUR.broker.log" || true; }

# The group's life, the same for every library. Waits on the broker's log, not on fixed sleeps:
# kafka-python may need an extra round (a member whose commit met REBALANCE_IN_PROGRESS rejoins
# as a new member, and its old id is removed only at its session timeout).
group_life() {
  local lib=$1 p a b c n
  net reset 60
  begin "group-$lib" pair --groups --partitions 3
  producer "$lib"; p=$LAST
  member a "$lib"; a=$LAST
  member b "$lib"; b=$LAST
  wait_broker_log "-> Stable" 1; sleep 2
  log "$CUR: a third member joins, polls 5 s, leaves"
  n=$(stable_count)
  member c "$lib" --poll-s 5; c=$LAST
  wait "$c" || log "member c exited $?"
  wait_broker_log "removed: left the group" 1
  wait_broker_log "-> Stable" $((n + 2)); sleep 2
  log "$CUR: SIGKILL member b"
  n=$(stable_count)
  kill -KILL "$b"; wait "$b" 2>/dev/null || true
  wait_broker_log "no heartbeat within the session timeout" 1
  wait_broker_log "-> Stable" $((n + 1)); sleep 2
  wait "$p" || log "producer exited $?"
  log "$CUR: member a closes"
  stop "$a"
  wait_broker_log "removed: left the group" 2
  local t
  for t in p a b c; do show "$WORK/$CUR.$t.log"; done
  grep -E 'group "|closed$|connection from' "$WORK/$CUR.broker.log" | grep -v 'OffsetCommit\|OffsetFetch' >&2 || true
  end controls
}

sc_group_kp() { group_life kp; }
sc_group_rdk() { group_life rdk; }

mkdir -p "$BASE/controls"
topo_up
for s in "${SCENARIOS[@]}"; do
  log "scenario $s"
  "sc_${s//-/_}"
done
log "done"
