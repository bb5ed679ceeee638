#!/usr/bin/python3
"""What really happened per TCP connection in a capture, from tshark (for the matrix scripts'
checks and READMEs).

  conns.py CAPTURE PORT [--json] [--tls]

Per connection (tshark's tcp.stream): the client's address, whether the SYN is in the capture,
bytes each way, and how it ended: every FIN and RST with its frame number, time and sender
("client" or "broker": the side whose port is PORT), and the idle gap before the first of them (since the last data segment before it).
--tls decodes PORT as TLS and lists, per connection, the TLS 1.3 alert records (an encrypted
record of 19 bytes: 2 bytes of alert, the inner content type, a 16-byte AEAD tag; in practice
close_notify) with their sender: who started the TLS close.
"""
import json
import subprocess
import sys


def summarise(path: str, port: int, tls: bool = False) -> list[dict]:
    fields = ["tcp.stream", "frame.number", "frame.time_relative", "ip.src", "ipv6.src", "tcp.srcport",
              "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.reset", "tcp.len",
              "ip.ttl", "ipv6.hlim", "tls.record.length"]
    decode = ["-d", f"tcp.port=={port},tls"] if tls else []
    out = subprocess.run(["tshark", "-r", path, "-n", *decode, "-T", "fields", "-E", "separator=\t",
                          *[x for f in fields for x in ("-e", f)]], capture_output=True, text=True, check=True).stdout
    streams: dict[int, dict] = {}
    for line in out.splitlines():
        v = dict(zip(fields, line.split("\t")))
        if not v["tcp.stream"]:
            continue
        s = int(v["tcp.stream"])
        frame, t = int(v["frame.number"]), float(v["frame.time_relative"])
        src = v["ip.src"] or v["ipv6.src"]
        by = "broker" if int(v["tcp.srcport"]) == port else "client"
        st = streams.setdefault(s, {
            "stream": s, "client": None, "syn": False, "first_frame": frame, "t0": t, "last_t": t,
            "bytes": {"client": 0, "broker": 0}, "segments": {"client": 0, "broker": 0},
            "ends": [], "last_data_t": None, "ttl": {}, "tls_alerts": [],
        })
        if tls and "19" in v["tls.record.length"].split(","):
            st["tls_alerts"].append({"by": by, "frame": frame, "t": round(t, 3)})
        if by == "client" and st["client"] is None:
            st["client"] = f"{src}:{v['tcp.srcport']}" if ":" not in src else f"[{src}]:{v['tcp.srcport']}"
        if v["tcp.flags.syn"] == "1" and v["tcp.flags.ack"] == "0":
            st["syn"] = True
        n = int(v["tcp.len"] or 0)
        st["bytes"][by] += n
        if n > 0:
            st["segments"][by] += 1
            if not st["ends"]:
                st["last_data_t"] = t
        st["last_t"] = t
        ttl = v["ip.ttl"] or v["ipv6.hlim"]
        if v["tcp.flags.fin"] == "1" or v["tcp.flags.reset"] == "1":
            kind = "RST" if v["tcp.flags.reset"] == "1" else "FIN"
            st["ends"].append({"by": by, "kind": kind, "frame": frame, "t": round(t, 3), "t_raw": t, "ttl": ttl})
    res = []
    for st in streams.values():
        first = st["ends"][0] if st["ends"] else None
        st["idle_before_end_s"] = max(0.0, round(first["t_raw"] - st["last_data_t"], 3)) if first and st["last_data_t"] is not None else None
        st["ended_by"] = f"{first['kind']} from {first['by']}" if first else "open at capture end"
        res.append(st)
    return res


def text(conns: list[dict]) -> str:
    lines = []
    for c in conns:
        ends = ", ".join(f"{e['kind']} from {e['by']} (frame {e['frame']}, {e['t']} s)" for e in c["ends"][:4])
        more = f" +{len(c['ends']) - 4} more" if len(c["ends"]) > 4 else ""
        start = f"SYN at frame {c['first_frame']}" if c["syn"] else f"already open at frame {c['first_frame']} (no SYN)"
        idle = f", {c['idle_before_end_s']} s after the last data" if c["idle_before_end_s"] is not None else ""
        if c["tls_alerts"]:
            idle += "; TLS alerts (close_notify): " + ", ".join(f"from {a['by']} (frame {a['frame']})" for a in c["tls_alerts"])
        lines.append(f"connection {c['stream']} {c['client']}: {start}; client sent {c['bytes']['client']} B, "
                     f"broker {c['bytes']['broker']} B; ends: {ends or 'none (open at capture end)'}{more}{idle}")
    return "\n".join(lines)


def main() -> None:
    conns = summarise(sys.argv[1], int(sys.argv[2]), "--tls" in sys.argv)
    if "--json" in sys.argv:
        print(json.dumps(conns))
    else:
        print(text(conns))


if __name__ == "__main__":
    main()
