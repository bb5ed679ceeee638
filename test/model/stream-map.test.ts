/**
 * The map from stream bytes back to frames, and the byte offsets of the Kafka tree: every field
 * the tree places must hold, in the captured frames, the value its label shows. Checked on real
 * captures with single-segment and multi-segment messages, loss, and roles the dissector turned.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyseCapture } from "../../src/model/analyse.js";
import type { AnalysedCapture, StoredPdu } from "../../src/model/analysed-capture.js";
import { redissectConnection } from "../../src/model/redissect.js";
import { StreamMap } from "../../src/model/stream-map.js";
import type { TreeNode } from "../../src/plugins/api.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { tsharkAvailable } from "../helpers/tshark.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures");

describe("StreamMap", () => {
  it("places stream bytes in the frames that delivered them, trimmed retransmissions and gaps included", () => {
    const m = new StreamMap();
    // packet 1: payload at frame offsets 54..154 carries stream 0..100
    m.add("c2s", 0, 100, 1, 154);
    // packet 2 retransmitted 80..150 (payload 54..124); only 100..150 was new: the tail of its payload
    m.add("c2s", 100, 50, 2, 124);
    // stream 150..200 never captured (a gap); packet 4 carries 200..260 at 66..126
    m.add("c2s", 200, 60, 4, 126);
    expect(m.locate("c2s", 90, 20)).toEqual([
      { packet: 1, offset: 144, length: 10 },
      { packet: 2, offset: 74, length: 10 },
    ]);
    expect(m.locate("c2s", 140, 70)).toEqual([
      { packet: 2, offset: 114, length: 10 },
      { packet: 4, offset: 66, length: 10 },
    ]);
    expect(m.locate("c2s", 160, 10)).toEqual([]);
    expect(m.locate("s2c", 0, 10)).toEqual([]);
    expect(m.locate("c2s", 0, 260, 2)).toHaveLength(2);
    m.swapDirections();
    expect(m.locate("s2c", 0, 1)).toEqual([{ packet: 1, offset: 54, length: 1 }]);
  });
});

interface Checked {
  numbers: number;
  strings: number;
  /** Record keys and values (uncompressed batches) read back. */
  recordBytes: number;
  multiSegment: number;
}

/** The frame bytes of stream range [start, start+length) of `dir`, or null when not all captured. */
function bytesAt(capture: AnalysedCapture, streams: StreamMap, pdu: StoredPdu, offset: number, length: number): Uint8Array | null {
  const pieces = streams.locate(pdu.dir, pdu.ref.streamOffset + offset, length, 100_000);
  const out = new Uint8Array(length);
  let fill = 0;
  for (const piece of pieces) {
    const p = capture.packets;
    const frame = capture.bytes.view(p.fileOffset[piece.packet - 1]!, p.capLen[piece.packet - 1]!);
    out.set(frame.subarray(piece.offset, piece.offset + piece.length), fill);
    fill += piece.length;
  }
  return fill === length ? out : null;
}

function readInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  const bits = BigInt(b.length * 8);
  return v >= 1n << (bits - 1n) ? v - (1n << bits) : v;
}

/**
 * Every placed leaf whose label is `name: <integer>` on 1, 2, 4 or 8 bytes must read back as that
 * integer from the frames; every `name: "text"` must end with that text's UTF-8 bytes.
 */
function checkTree(capture: AnalysedCapture, streams: StreamMap, pdu: StoredPdu, nodes: readonly TreeNode[] | undefined, out: Checked): void {
  for (const n of nodes ?? []) {
    checkTree(capture, streams, pdu, n.children, out);
    if (n.offset === undefined || !n.length) continue;
    expect(n.offset + n.length, `${n.label} inside its PDU`).toBeLessThanOrEqual(pdu.length);
    const pieces = streams.locate(pdu.dir, pdu.ref.streamOffset + n.offset, n.length, 100_000);
    if (new Set(pieces.map((p) => p.packet)).size > 1) out.multiSegment++;
    const keyOrValue = /^(?:Key|Value) \((\d+) bytes\): "([ -~]*)"$/.exec(n.label);
    if (keyOrValue && Number(keyOrValue[1]) === keyOrValue[2]!.length) {
      const bytes = bytesAt(capture, streams, pdu, n.offset, n.length);
      if (bytes) {
        expect(Buffer.from(bytes).toString("latin1"), `${n.label} at PDU offset ${n.offset}`).toBe(keyOrValue[2]);
        out.recordBytes++;
      }
      continue;
    }
    if (n.children) continue;
    const number = /^[a-z_]+: (-?\d+)$/.exec(n.label);
    const text = /^[a-z_]+: "([ -!#-[\]-~]*)"$/.exec(n.label);
    if (!number && !text) continue;
    const bytes = bytesAt(capture, streams, pdu, n.offset, n.length);
    if (!bytes) continue; // not all captured (loss, snap length)
    if (number && [1, 2, 4, 8].includes(n.length) && /^-?\d+$/.test(number[1]!) && n.label.split(":")[0] !== "length") {
      // Fixed-width integers only; a 1-byte field may be a varint or a boolean-like int8: both read the same when small.
      if (n.length === 1 && Number(number[1]) > 63) continue;
      expect(readInt(bytes), `${n.label} at PDU offset ${n.offset}`).toBe(BigInt(number[1]!));
      out.numbers++;
    } else if (text) {
      const want = new TextEncoder().encode(text[1]!);
      expect(Buffer.from(bytes.subarray(bytes.length - want.length)).toString("latin1"), `${n.label} at PDU offset ${n.offset}`).toBe(Buffer.from(want).toString("latin1"));
      // What precedes the text is its length: int16, or a compact uvarint of length + 1.
      const prefix = bytes.subarray(0, bytes.length - want.length);
      const declared = prefix.length === 2 ? (prefix[0]! << 8) | prefix[1]! : prefix.length === 1 ? prefix[0]! - 1 : -1;
      expect(declared, `${n.label}: length prefix`).toBe(want.length);
      out.strings++;
    }
  }
}

async function checkCapture(file: string): Promise<Checked> {
  const registry = createRegistry();
  const capture = await analyseCapture(file, { registry });
  const out: Checked = { numbers: 0, strings: 0, recordBytes: 0, multiSegment: 0 };
  const conns = new Set(capture.pdus.map((p) => p.connId));
  for (const connId of conns) {
    const { pdus, streams } = redissectConnection(capture, connId, registry);
    for (const pdu of pdus) checkTree(capture, streams, pdu, pdu.tree, out);
  }
  return out;
}

describe("Kafka tree fields in the frames", () => {
  it.each([
    ["kcat/produce-lz4.pcap", 20],
    ["kcat/consume-zstd.pcap", 20],
    ["kcat/produce-consume-port36399.pcap", 20],
    ["real/normal.pcap", 20],
    ["kcat/message-too-large-acks1-lossy.pcap.gz", 10],
    ["incidents/normal-produce.pcap", 20],
  ])("%s: every placed integer and string reads back from the captured bytes", async (name, atLeast) => {
    const checked = await checkCapture(join(FIXTURES, name));
    expect(checked.numbers).toBeGreaterThanOrEqual(atLeast);
    expect(checked.strings).toBeGreaterThanOrEqual(1);
  });

  it.each(["kcat/produce-none.pcap", "kcat/consume-none.pcap"])("%s: the keys and values of an uncompressed batch are placed on their bytes", async (name) => {
    const checked = await checkCapture(join(FIXTURES, name));
    expect(checked.recordBytes).toBeGreaterThanOrEqual(20);
  });

  it("follows a message over many segments (a 1 MB Produce split at the MTU)", async () => {
    const checked = await checkCapture(join(FIXTURES, "kcat", "message-too-large-acks1.pcap.gz"));
    expect(checked.multiSegment).toBeGreaterThan(0);
    expect(checked.numbers).toBeGreaterThan(10);
  });
});

/**
 * tshark as the oracle for where Kafka fields lie in the frame: every field of a common set that
 * tshark places (in a packet holding whole messages) is placed by kdiag's tree at the same frame
 * bytes, in the same packet.
 */
const TSHARK_FIELDS = new Set([
  "kafka.len",
  "kafka.api_key",
  "kafka.api_version",
  "kafka.correlation_id",
  "kafka.client_id",
  "kafka.required_acks",
  "kafka.timeout",
  "kafka.topic_name",
  "kafka.partition_id",
  "kafka.error",
  "kafka.throttle_time",
]);

interface Placed {
  frame: number;
  pos: number;
  size: number;
  name: string;
}

function tsharkPlaced(file: string): Placed[] {
  const pdml = execFileSync("tshark", ["-r", file, "-T", "pdml", "-d", "tcp.port==9092,kafka", "-d", "tcp.port==36333,kafka", "-o", "tcp.desegment_tcp_streams:TRUE"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"] });
  const out: Placed[] = [];
  for (const packet of pdml.split("<packet>").slice(1)) {
    // Reassembled messages are placed in tshark's reassembly buffer, not the frame: skipped.
    if (packet.includes('name="tcp.segments"') || !packet.includes('<proto name="kafka"')) continue;
    const frame = Number(/name="frame.number"[^>]* show="(\d+)"/.exec(packet)![1]);
    for (const m of packet.matchAll(/<field name="(kafka\.[a-z_]+)"[^>]* size="(\d+)" pos="(\d+)"/g)) {
      if (TSHARK_FIELDS.has(m[1]!) && Number(m[2]) > 0) out.push({ frame, name: m[1]!, size: Number(m[2]), pos: Number(m[3]) });
    }
  }
  return out;
}

async function kdiagPlaced(file: string): Promise<Set<string>> {
  const registry = createRegistry();
  const capture = await analyseCapture(file, { registry });
  const out = new Set<string>();
  for (const connId of new Set(capture.pdus.map((p) => p.connId))) {
    const { pdus, streams } = redissectConnection(capture, connId, registry);
    const walk = (pdu: StoredPdu, nodes: readonly TreeNode[] | undefined) => {
      for (const n of nodes ?? []) {
        walk(pdu, n.children);
        if (n.offset === undefined || !n.length) continue;
        for (const piece of streams.locate(pdu.dir, pdu.ref.streamOffset + n.offset, n.length)) out.add(`${piece.packet}:${piece.offset}:${piece.length}`);
      }
    };
    for (const pdu of pdus) walk(pdu, pdu.tree);
  }
  return out;
}

describe.skipIf(!tsharkAvailable())("Kafka field bytes against tshark", () => {
  const files = [
    ...readdirSync(join(FIXTURES, "public", "deepflow-kafka"))
      .filter((f) => f.endsWith(".pcap"))
      .map((f) => join("public", "deepflow-kafka", f)),
    "kcat/produce-lz4.pcap",
    "kcat/consume-gzip.pcap",
    "real/normal.pcap",
  ];
  it.each(files)("%s", async (name) => {
    const file = join(FIXTURES, name);
    const theirs = tsharkPlaced(file);
    const ours = await kdiagPlaced(file);
    const missing = theirs.filter((t) => !ours.has(`${t.frame}:${t.pos}:${t.size}`));
    expect(missing).toEqual([]);
    expect(theirs.length).toBeGreaterThan(0);
  });
});
