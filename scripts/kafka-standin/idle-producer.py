#!/usr/bin/python3
"""A long-lived librdkafka producer that sends, sits idle, and sends again, for the firewall
idle-timeout / keepalive captures (scripts/incidents/make-incidents.sh). Debian's
python3-confluent-kafka over librdkafka 2.0.2: the real client, real socket options
(socket.keepalive.enable sets SO_KEEPALIVE; the timing comes from the namespace's
net.ipv4.tcp_keepalive_* sysctls), real reconnect logic.

  idle-producer.py BOOTSTRAP TOPIC PLAN [-X key=value ...] [--client-id ID]

PLAN is a comma-separated list of steps:
  send      produce one small message (key send-N) and wait until it is delivered or failed
            (flush, up to 60 s), then report the outcome
  idle:S    poll librdkafka for S seconds without producing (the connection stays open, idle)

e.g. "send,idle:6,send". -X sets any librdkafka property (socket.keepalive.enable=true,
request.timeout.ms=3000, ...). Everything librdkafka logs goes to stderr with a timestamp.
"""
import argparse
import logging
import sys
import time

from confluent_kafka import Producer

T0 = time.time()


def stamp() -> str:
    return f"{time.time() - T0:7.3f}s"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("bootstrap")
    ap.add_argument("topic")
    ap.add_argument("plan")
    ap.add_argument("-X", dest="props", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--client-id", default="librdkafka-idle-producer")
    a = ap.parse_args()

    logger = logging.getLogger("librdkafka")
    h = logging.StreamHandler(sys.stderr)
    h.setFormatter(logging.Formatter("%(relativeCreated)9.0fms librdkafka %(message)s"))
    logger.addHandler(h)
    logger.setLevel(logging.DEBUG)

    conf = {
        "bootstrap.servers": a.bootstrap,
        "client.id": a.client_id,
        "acks": 1,
        "linger.ms": 5,
    }
    for kv in a.props:
        k, _, v = kv.partition("=")
        conf[k] = v
    print(f"% {stamp()} config {conf}", file=sys.stderr)
    p = Producer(conf, logger=logger)

    # Metadata first, so the first Produce goes out on an established connection.
    p.list_topics(a.topic, timeout=10)
    n = 0
    for step in a.plan.split(","):
        if step == "send":
            n += 1
            result = {}

            def report(err, msg, n=n, result=result) -> None:
                result["err"] = err
                where = "" if err else f" at offset {msg.offset()}"
                print(f"% {stamp()} message send-{n}: {err or 'delivered'}{where}", file=sys.stderr)

            started = time.time()
            p.produce(a.topic, key=f"send-{n}".encode(), value=f"message {n} of the idle producer".encode(),
                      on_delivery=report)
            left = p.flush(60)
            print(f"% {stamp()} send-{n}: flush took {time.time() - started:.3f}s, {left} left in queue",
                  file=sys.stderr)
        elif step.startswith("idle:"):
            secs = float(step[5:])
            print(f"% {stamp()} idle {secs}s", file=sys.stderr)
            end = time.time() + secs
            while time.time() < end:
                p.poll(min(0.1, max(0.0, end - time.time())))
        else:
            sys.exit(f"unknown plan step {step!r}")
    print(f"% {stamp()} done", file=sys.stderr)
    # The Producer is destroyed at exit: librdkafka closes its connections (client FIN).


if __name__ == "__main__":
    main()
