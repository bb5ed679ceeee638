#!/usr/bin/python3
"""A scripted Kafka producer for the matrix captures (scripts/matrix/make-set-*.sh). Run with
Debian's /usr/bin/python3 (python3-kafka = kafka-python, python3-confluent-kafka = librdkafka).

  client.py feed PLAN                        print the plan's messages as "key:value" lines on
                                             stdout, sleeping between them (for kcat -P -K:)
  client.py kafka-python|confluent BOOTSTRAP TOPIC PLAN [--acks A] [--max N] [--client-id ID]
                                             [-X key=value ...]   (librdkafka settings)
                                             [--ssl-cafile CA.pem [--ssl-keylog FILE]]
                                             (kafka-python over TLS; the key log in NSS format)

PLAN is a comma-separated list of steps:
  send:N     one message with an N-byte value; N followed by z: a highly compressible value
             (one repeated line), otherwise random-ish text (words drawn from a small vocabulary
             with a fixed seed: the capture reflects the size, gzip still shrinks it ~4x)
  idle:S     sleep S seconds (the producer keeps polling)
  meta       ask for the topic's metadata (opens the connection before the first send)

Each message is sent and then waited for (flush) before the next step, so each goes in its own
Produce request. Outcomes are logged on stderr as "% ..." lines.
"""
import random
import sys
import time

VOCAB = [w.encode() for w in (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
    "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu order "
    "invoice payment widget gadget sprocket").split()]


def value(spec: str, n: int) -> bytes:
    if spec.endswith("z"):
        unit = b"kdiag message-too-large payload. "
        return (unit * (n // len(unit) + 1))[:n]
    rnd = random.Random(n)
    out = bytearray()
    while len(out) < n:
        out += rnd.choice(VOCAB)
        out += b" "
    return bytes(out[:n])


def steps(plan: str):
    for step in plan.split(","):
        kind, _, arg = step.partition(":")
        yield kind, arg


def err(msg: str) -> None:
    print(f"% {time.strftime('%H:%M:%S')}.{int(time.time() * 1000) % 1000:03d} {msg}", file=sys.stderr, flush=True)


def feed(plan: str) -> None:
    i = 0
    for kind, arg in steps(plan):
        if kind == "send":
            i += 1
            n = int(arg.rstrip("z"))
            sys.stdout.buffer.write(b"m-%d:" % i + value(arg, n) + b"\n")
            sys.stdout.flush()
            err(f"fed message m-{i}: {n} bytes")
        elif kind == "idle":
            time.sleep(float(arg))


def main() -> None:
    if sys.argv[1] == "feed":
        feed(sys.argv[2])
        return
    lib, bootstrap, topic, plan = sys.argv[1:5]
    rest = sys.argv[5:]
    acks, maxb, cid, extra, tls = "1", 10000000, f"matrix-{lib}", {}, {}
    while rest:
        o = rest.pop(0)
        if o == "--acks": acks = rest.pop(0)
        elif o == "--max": maxb = int(rest.pop(0))
        elif o == "--client-id": cid = rest.pop(0)
        elif o == "--ssl-cafile": tls["cafile"] = rest.pop(0)
        elif o == "--ssl-keylog": tls["keylog"] = rest.pop(0)
        elif o == "-X":
            k, _, v = rest.pop(0).partition("=")
            extra[k] = v
        else: raise SystemExit(f"unknown option {o}")
    if lib == "kafka-python":
        import logging
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
        from kafka import KafkaProducer
        if tls:
            import ssl
            ctx = ssl.create_default_context(cafile=tls["cafile"])
            if "keylog" in tls:
                ctx.keylog_filename = tls["keylog"]
            extra_tls = dict(security_protocol="SSL", ssl_context=ctx)
        else:
            extra_tls = {}
        p = KafkaProducer(**extra_tls, bootstrap_servers=bootstrap, client_id=cid,
                          acks=("all" if acks in ("all", "-1") else int(acks)),
                          max_request_size=maxb, linger_ms=0, retries=0, **{k: int(v) for k, v in extra.items()})
        i = 0
        for kind, arg in steps(plan):
            if kind == "send":
                i += 1
                n = int(arg.rstrip("z"))
                f = p.send(topic, key=b"m-%d" % i, value=value(arg, n))
                try:
                    md = f.get(timeout=10)
                    err(f"m-{i} ({n} bytes): delivered, offset {md.offset}")
                except Exception as e:  # noqa: BLE001
                    err(f"m-{i} ({n} bytes): failed: {type(e).__name__}: {e}")
            elif kind == "idle":
                time.sleep(float(arg))
            elif kind == "meta":
                p.partitions_for(topic)
        p.close(timeout=5)
        err("closed")
        return
    from confluent_kafka import Producer
    conf = {"bootstrap.servers": bootstrap, "client.id": cid, "acks": acks,
            "message.max.bytes": maxb, "linger.ms": 5}
    conf.update(extra)
    p = Producer(conf)
    i = 0

    def report(e, m) -> None:
        err(f"{m.key().decode()} ({len(m.value())} bytes): " + (f"failed: {e}" if e else f"delivered, offset {m.offset()}"))

    for kind, arg in steps(plan):
        if kind == "send":
            i += 1
            n = int(arg.rstrip("z"))
            p.produce(topic, key=b"m-%d" % i, value=value(arg, n), on_delivery=report)
            p.flush(10)
        elif kind == "idle":
            end = time.time() + float(arg)
            while time.time() < end:
                p.poll(0.1)
        elif kind == "meta":
            p.list_topics(topic, timeout=5)
    left = p.flush(5)
    err(f"done, {left} left in queue")


if __name__ == "__main__":
    main()
