#!/usr/bin/python3
"""Bookkeeping for the matrix capture scripts (scripts/matrix/make-set-*.sh).

  record.py brokerlog LOG
      What the stand-in broker (scripts/kafka-standin/broker.ts) logged, as JSON: Produce request
      sizes accepted and refused (the whole request, size prefix excluded, as the broker read it;
      for a socket.request.max.bytes refusal the size prefix's value), the connections it closed
      for a size refusal, for idleness, and the number of connections it accepted.
  record.py header OUTDIR HEADER_FILE
      Replaces OUTDIR/README.md's text before the first capture section with HEADER_FILE's.
  record.py upsert OUTDIR ENTRY_JSON SECTION_FILE
      Puts ENTRY into OUTDIR/expected.json (replacing the entry for the same file) and the text of
      SECTION_FILE into OUTDIR/README.md as that capture's section (between
      "<!-- capture FILE -->" and "<!-- end FILE -->", replaced in place when it exists).
"""
import json
import os
import re
import sys


def brokerlog(path: str) -> dict:
    accepted, refused = [], []
    size_closed, idle_closed, conns, refused_conns = set(), set(), set(), set()
    pending = {}  # connection -> size of the last Produce read
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.search(r"#(\d+) <- Produce v\d+ corr \d+ .*\((\d+) bytes\)$", line)
        if m:
            pending[m[1]] = int(m[2])
            continue
        m = re.search(r"#(\d+) connection from", line)
        if m:
            conns.add(m[1])
            continue
        m = re.search(r"#(\d+) Produce \S+ .*(MESSAGE_TOO_LARGE|bytes at offset)", line)
        if m:
            size = pending.pop(m[1], None)
            if m[2] == "MESSAGE_TOO_LARGE":
                refused_conns.add(m[1])
            if size is not None:
                (refused if m[2] == "MESSAGE_TOO_LARGE" else accepted).append(size)
            continue
        m = re.search(r"#(\d+) closing \(([^)]*)\): (.*)$", line)
        if m:
            why = m[3]
            if "socket.request.max.bytes" in why:
                size_closed.add(m[1])
                refused_conns.add(m[1])
                refused.append(int(re.search(r"request size (\d+)", why)[1]))
            elif "acks=0 Produce" in why:
                size_closed.add(m[1])
            elif "idle for" in why:
                idle_closed.add(m[1])
    return {
        "largest_accepted_request": max(accepted) if accepted else None,
        "smallest_refused_request": min(refused) if refused else None,
        "accepted_requests": accepted,
        "refused_requests": refused,
        "connections": len(conns),
        "refused_connections": len(refused_conns),
        "size_refusal_closes": len(size_closed),
        "idle_closes": len(idle_closed),
    }


def upsert(outdir: str, entry_json: str, section_file: str) -> None:
    entry = json.loads(entry_json)
    ej = os.path.join(outdir, "expected.json")
    entries = json.load(open(ej)) if os.path.exists(ej) else []
    for i, e in enumerate(entries):
        if e["file"] == entry["file"]:
            entries[i] = entry
            break
    else:
        entries.append(entry)
    with open(ej, "w") as f:
        f.write("[\n" + ",\n".join("  " + json.dumps(e) for e in entries) + "\n]\n")
    rd = os.path.join(outdir, "README.md")
    text = open(rd).read() if os.path.exists(rd) else ""
    start, end = f"<!-- capture {entry['file']} -->", f"<!-- end {entry['file']} -->"
    section = f"{start}\n{open(section_file).read().rstrip()}\n{end}"
    if start in text and end in text:
        a, b = text.index(start), text.index(end) + len(end)
        text = text[:a] + section + text[b:]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    with open(rd, "w") as f:
        f.write(text.rstrip() + "\n")


def main() -> None:
    if sys.argv[1] == "brokerlog":
        print(json.dumps(brokerlog(sys.argv[2])))
    elif sys.argv[1] == "header":
        rd = os.path.join(sys.argv[2], "README.md")
        text = open(rd).read() if os.path.exists(rd) else ""
        i = text.find("<!-- capture ")
        rest = text[i:] if i >= 0 else ""
        with open(rd, "w") as f:
            f.write(open(sys.argv[3]).read().rstrip() + "\n\n" + rest)
    elif sys.argv[1] == "upsert":
        upsert(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
