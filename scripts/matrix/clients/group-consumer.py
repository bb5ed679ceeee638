#!/usr/bin/python3
"""A consumer-group member (subscribe(), not assign()) for the healthy-group captures
(scripts/matrix/make-set-e.sh), with one of two real client libraries:

  group-consumer.py BOOTSTRAP TOPIC GROUP LIB [--client-id ID] [--session-timeout-ms N]
                    [--heartbeat-interval-ms N] [--fetch-max-wait-ms N] [--poll-s S]

LIB is kp (kafka-python 2.0.2, Debian python3-kafka; it speaks JoinGroup v2, so no
MEMBER_ID_REQUIRED) or rdk (python3-confluent-kafka 1.7.0 over librdkafka 2.0.2: JoinGroup v5,
so its first join is answered MEMBER_ID_REQUIRED, KIP-394). Offsets are committed automatically
every second; the group rebalances as members come and go (the client's own heartbeats learn
REBALANCE_IN_PROGRESS). It polls for --poll-s seconds (default: until SIGTERM or SIGKILL), then
close(): LeaveGroup, then the sockets closed (FIN). SIGTERM ends the poll loop the same way.
Every assignment change and record count is logged to stderr with a timestamp ('%' lines).
"""
import argparse
import signal
import sys
import time

T0 = time.time()
stop = False


def say(msg: str) -> None:
    print(f"% {time.time() - T0:7.3f}s {msg}", file=sys.stderr, flush=True)


def on_term(_sig, _frame) -> None:
    global stop
    stop = True


def run_kp(a) -> None:
    from kafka import KafkaConsumer
    from kafka.consumer.subscription_state import ConsumerRebalanceListener

    class Listener(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked):
            say(f"revoked {sorted(p.partition for p in revoked)}")

        def on_partitions_assigned(self, assigned):
            say(f"assigned {sorted(p.partition for p in assigned)}")

    c = KafkaConsumer(bootstrap_servers=a.bootstrap, client_id=a.client_id, group_id=a.group,
                      api_version=(2, 0, 0), enable_auto_commit=True, auto_commit_interval_ms=1000,
                      auto_offset_reset="earliest", session_timeout_ms=a.session_timeout_ms,
                      heartbeat_interval_ms=a.heartbeat_interval_ms, fetch_max_wait_ms=a.fetch_max_wait_ms)
    c.subscribe([a.topic], listener=Listener())
    got = 0
    end = time.time() + a.poll_s if a.poll_s > 0 else float("inf")
    while not stop and time.time() < end:
        recs = c.poll(timeout_ms=200)
        got += sum(len(v) for v in recs.values())
    say(f"poll done: {got} record(s); close")
    c.close()
    say("closed")


def run_rdk(a) -> None:
    from confluent_kafka import Consumer

    c = Consumer({"bootstrap.servers": a.bootstrap, "client.id": a.client_id, "group.id": a.group,
                  "enable.auto.commit": True, "auto.commit.interval.ms": 1000,
                  "auto.offset.reset": "earliest", "session.timeout.ms": a.session_timeout_ms,
                  "heartbeat.interval.ms": a.heartbeat_interval_ms,
                  "fetch.wait.max.ms": a.fetch_max_wait_ms})
    c.subscribe([a.topic],
                on_assign=lambda _c, ps: say(f"assigned {sorted(p.partition for p in ps)}"),
                on_revoke=lambda _c, ps: say(f"revoked {sorted(p.partition for p in ps)}"))
    got = 0
    end = time.time() + a.poll_s if a.poll_s > 0 else float("inf")
    while not stop and time.time() < end:
        m = c.poll(0.2)
        if m is not None and m.error() is None:
            got += 1
        elif m is not None:
            say(f"error: {m.error()}")
    say(f"poll done: {got} record(s); close")
    c.close()
    say("closed")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("bootstrap")
    ap.add_argument("topic")
    ap.add_argument("group")
    ap.add_argument("lib", choices=["kp", "rdk"])
    ap.add_argument("--client-id", default="group-consumer")
    ap.add_argument("--session-timeout-ms", type=int, default=6000)
    ap.add_argument("--heartbeat-interval-ms", type=int, default=2000)
    ap.add_argument("--fetch-max-wait-ms", type=int, default=500)
    ap.add_argument("--poll-s", type=float, default=0)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, on_term)
    say(f"{a.lib} member of {a.group}, session {a.session_timeout_ms} ms, heartbeat {a.heartbeat_interval_ms} ms")
    (run_kp if a.lib == "kp" else run_rdk)(a)


if __name__ == "__main__":
    main()
