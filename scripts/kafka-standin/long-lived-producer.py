#!/usr/bin/python3
"""A long-lived librdkafka producer (python3-confluent-kafka, Debian's, over the same librdkafka
2.0.2 as kcat) for the acks=0 "message too large" capture.

kcat cannot show that incident: it only hands its input to librdkafka at end of input, and with
acks=0 a message counts as delivered once written, so kcat exits (client FIN) in the same
millisecond as its last Produce and always beats the broker's FIN. A real application producer
stays up; this one does:

  t=0     produce one big message (key big-1) with acks=0, flush (= written to the socket)
  t=0..W  keep polling: the broker closes the connection, librdkafka logs "Disconnected"
  t=W     produce a small message (key after-1): librdkafka reconnects to send it
  t=W+1   exit

usage: long-lived-producer.py BOOTSTRAP TOPIC VALUE_BYTES [WAIT_S]
"""
import sys
import time

from confluent_kafka import Producer


def main() -> None:
    bootstrap, topic, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    wait = float(sys.argv[4]) if len(sys.argv) > 4 else 2.0
    unit = b"kdiag message-too-large payload. "
    value = (unit * (size // len(unit) + 1))[:size]
    p = Producer({
        "bootstrap.servers": bootstrap,
        "client.id": "librdkafka-app-producer",
        "acks": 0,
        "message.max.bytes": 10000000,
        "linger.ms": 5,
    })
    # Metadata first, so the Produce goes out on an established connection.
    p.list_topics(topic, timeout=5)
    p.produce(topic, key=b"big-1", value=value)
    left = p.flush(5)
    print(f"% big message: {size} bytes, acks=0, {left} left in queue after flush", file=sys.stderr)
    end = time.time() + wait
    while time.time() < end:
        p.poll(0.1)
    p.produce(topic, key=b"after-1", value=b"sent after the broker closed the connection")
    left = p.flush(5)
    print(f"% second message: {left} left in queue after flush", file=sys.stderr)
    p.poll(0.5)


if __name__ == "__main__":
    main()
