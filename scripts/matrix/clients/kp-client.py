#!/usr/bin/python3
"""A kafka-python (Debian python3-kafka 2.0.2) producer or consumer that follows a plan, for the
scenario-matrix captures (scripts/matrix/make-set-b.sh). Real client, real reconnect logic.

  kp-client.py BOOTSTRAP TOPIC ROLE PLAN [--client-id ID] [--keepalive] [--request-timeout-ms N]
               [--fetch-max-wait-ms N] [--api-version X.Y.Z] [--retries N] [--no-close]
               [--ssl-cafile CA.pem [--ssl-keylog FILE]]

ROLE is producer or consumer (the consumer is group-less: assign() partition 0, offsets from the
end, so the stand-in broker needs no group APIs). PLAN is a comma-separated list of steps:
  send      (producer) produce one small message and wait for the result (up to 30 s)
  idle:S    do nothing for S seconds (producer: its I/O thread keeps the connection open, idle;
            consumer: no poll() at all, no Fetch)
  poll:S    (consumer) poll() for S seconds: long-poll Fetch requests (fetch_max_wait_ms)
  hang      sleep forever (the script kills the process)
At the end the client is closed (FIN) unless --no-close (os._exit without closing sockets: the
kernel closes them). --keepalive sets SO_KEEPALIVE (timing from the namespace's sysctls).
--ssl-cafile connects over TLS (security_protocol SSL, the broker's certificate checked against
CA.pem); --ssl-keylog makes Python's ssl module write the TLS secrets there (NSS key log format,
for kdiag --tls-keylog / Wireshark).
Everything is logged to stderr with a timestamp.
"""
import argparse
import logging
import os
import socket
import sys
import time

T0 = time.time()


def say(msg: str) -> None:
    print(f"% {time.time() - T0:7.3f}s {msg}", file=sys.stderr, flush=True)


def tls_context(cafile: str, keylog: "str | None"):
    """A client TLS context that trusts CA.pem; with keylog, the session secrets go to that file."""
    import ssl
    ctx = ssl.create_default_context(cafile=cafile)
    if keylog:
        ctx.keylog_filename = keylog
    return ctx


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("bootstrap")
    ap.add_argument("topic")
    ap.add_argument("role", choices=["producer", "consumer"])
    ap.add_argument("plan")
    ap.add_argument("--client-id", default="kafka-python-matrix")
    ap.add_argument("--keepalive", action="store_true")
    ap.add_argument("--request-timeout-ms", type=int, default=30000)
    ap.add_argument("--fetch-max-wait-ms", type=int, default=500)
    ap.add_argument("--api-version", default="2.0.0")
    ap.add_argument("--retries", type=int, default=3)
    ap.add_argument("--no-close", action="store_true")
    ap.add_argument("--debug", action="store_true")
    ap.add_argument("--ssl-cafile")
    ap.add_argument("--ssl-keylog")
    a = ap.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if a.debug else logging.INFO,
                        format="%(relativeCreated)9.0fms %(name)s %(levelname)s %(message)s")
    opts = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
    if a.keepalive:
        opts.append((socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1))
    common = dict(bootstrap_servers=a.bootstrap, client_id=a.client_id, socket_options=opts,
                  api_version=tuple(int(x) for x in a.api_version.split(".")),
                  request_timeout_ms=a.request_timeout_ms)
    if a.ssl_cafile:
        common.update(security_protocol="SSL", ssl_context=tls_context(a.ssl_cafile, a.ssl_keylog))
    say(f"{a.role} {common}")
    if a.role == "producer":
        from kafka import KafkaProducer
        c = KafkaProducer(acks=1, linger_ms=5, retries=a.retries, max_block_ms=30000, **common)
    else:
        from kafka import KafkaConsumer, TopicPartition
        c = KafkaConsumer(group_id=None, enable_auto_commit=False, auto_offset_reset="latest",
                          fetch_max_wait_ms=a.fetch_max_wait_ms,
                          session_timeout_ms=max(10000, a.request_timeout_ms - 1),
                          **common)
        tp = TopicPartition(a.topic, 0)
        c.assign([tp])
        c.seek_to_end(tp)
    n = 0
    for step in a.plan.split(","):
        if step == "send":
            n += 1
            t = time.time()
            try:
                md = c.send(a.topic, key=f"send-{n}".encode(), value=f"message {n} from {a.client_id}".encode()).get(timeout=30)
                say(f"send-{n}: delivered at offset {md.offset} after {time.time() - t:.3f}s")
            except Exception as e:  # noqa: BLE001 - report whatever the client raises
                say(f"send-{n}: failed after {time.time() - t:.3f}s: {e!r}")
        elif step.startswith("idle:"):
            say(f"idle {step[5:]}s")
            time.sleep(float(step[5:]))
        elif step.startswith("poll:"):
            end = time.time() + float(step[5:])
            say(f"poll {step[5:]}s")
            got = 0
            while time.time() < end:
                recs = c.poll(timeout_ms=int(max(1, (end - time.time()) * 1000)))
                got += sum(len(v) for v in recs.values())
            say(f"poll done: {got} record(s)")
        elif step == "hang":
            say("hang")
            while True:
                time.sleep(3600)
        else:
            sys.exit(f"unknown plan step {step!r}")
    if a.no_close:
        say("exit without close")
        os._exit(0)
    c.close()
    say("closed")


if __name__ == "__main__":
    main()
