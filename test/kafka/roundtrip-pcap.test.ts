/**
 * Round trip through a capture file: for every API key and every version in the generated table,
 * a sample request and response (test encoder) are sent over one TCP connection, written as
 * Ethernet/IPv4/TCP frames into a pcap, and read back by the real CLI. kdiag must decode the same
 * header values and topic names; tshark must agree wherever it decodes the same frame.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { APIS } from "../../dissectors/kafka/generated/protocol.js";
import { requestHeaderVersion, responseHeaderVersion } from "../../dissectors/kafka/schema/decode.js";
import { collectFacts } from "../../dissectors/kafka/facts.js";
import { concat, ethernet, ipv4, tcp } from "../decode/helpers/build.js";
import { writePcap } from "../decode/helpers/pcap.js";
import { encode, encodeRequestHeader, encodeResponseHeader, sample, Writer } from "./encoder.js";

const CLIENT = { addr: [10, 1, 0, 1], port: 50123 };
const SERVER = { addr: [10, 1, 0, 2], port: 9092 };
const SYN = 0x002;
const ACK = 0x010;
const PSH_ACK = 0x018;

interface Expected {
  corr: number;
  apiKey: number;
  apiVersion: number;
  topics: string[];
  requestFrame: number;
  responseFrame: number;
}

/** One TCP connection carrying every sample exchange, as a list of Ethernet frames. */
function buildConversation(): { frames: Uint8Array[]; expected: Expected[] } {
  const frames: Uint8Array[] = [];
  let cSeq = 1000;
  let sSeq = 5000;
  const send = (fromClient: boolean, flags: number, payload = new Uint8Array(0)) => {
    const src = fromClient ? CLIENT : SERVER;
    const dst = fromClient ? SERVER : CLIENT;
    const seg = tcp({ srcPort: src.port, dstPort: dst.port, seq: fromClient ? cSeq : sSeq, ack: fromClient ? sSeq : cSeq, flags, window: 65535, payload });
    frames.push(ethernet(0x0800, ipv4(seg, { src: src.addr, dst: dst.addr })));
    const used = payload.length + (flags & SYN ? 1 : 0);
    if (fromClient) cSeq += used;
    else sSeq += used;
  };
  send(true, SYN);
  send(false, SYN | ACK);
  send(true, ACK);
  const expected: Expected[] = [];
  let corr = 1;
  for (const api of APIS) {
    for (let v = api.valid[0]; v <= api.valid[1]; v++) {
      const flexible = api.flex !== null && v >= api.flex;
      const req = sample(api.req, v, flexible, "full");
      const res = sample(api.res, v, flexible, "full");
      // acks=0 Produce gets no response; keep every exchange answered here.
      if (api.key === 0) req.acks = 1;
      const reqBody = encode(api.req, req, v, flexible);
      const resBody = encode(api.res, res, v, flexible);
      const rq = new Writer();
      encodeRequestHeader(rq, requestHeaderVersion(api.key, v)!, api.key, v, corr, "roundtrip-client");
      rq.raw(reqBody.bytes);
      const rs = new Writer();
      encodeResponseHeader(rs, responseHeaderVersion(api.key, v)!, corr);
      rs.raw(resBody.bytes);
      send(true, PSH_ACK, sizePrefixed(rq.bytes()));
      const requestFrame = frames.length;
      send(false, PSH_ACK, sizePrefixed(rs.bytes()));
      const responseFrame = frames.length;
      const topics = [
        ...collectFacts(api.req, reqBody.expected, v).topics,
        ...collectFacts(api.res, resBody.expected, v).topics,
      ];
      expected.push({ corr, apiKey: api.key, apiVersion: v, topics: [...new Set(topics)], requestFrame, responseFrame });
      corr++;
    }
  }
  send(true, 0x011); // FIN, ACK
  send(false, 0x011);
  send(true, ACK);
  return { frames, expected };
}

function sizePrefixed(body: Uint8Array): Uint8Array {
  const size = new Uint8Array(4);
  new DataView(size.buffer).setInt32(0, body.length);
  return concat(size, body);
}

describe("every API and version through a pcap", () => {
  const dir = mkdtempSync(join(tmpdir(), "kdiag-roundtrip-"));
  const file = join(dir, "all-apis.pcap");
  let expected: Expected[] = [];
  let pdus = new Map<number, Array<{ direction: string; fields: Record<string, unknown>; malformed: string | null }>>();

  beforeAll(() => {
    const built = buildConversation();
    expected = built.expected;
    writePcap(file, 1, built.frames);
    const r = spawnSync("node", ["bin/kdiag.js", "packets", "--json", file], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    expect(r.status, r.stderr).toBe(0);
    for (const p of JSON.parse(r.stdout).packets) if (p.pdus) pdus.set(p.number, p.pdus);
  });

  it("kdiag decodes every request and response with the values that were encoded", () => {
    const problems: string[] = [];
    for (const e of expected) {
      const where = `api ${e.apiKey} v${e.apiVersion}`;
      for (const [frame, dir] of [
        [e.requestFrame, "c2s"],
        [e.responseFrame, "s2c"],
      ] as const) {
        const pdu = pdus.get(frame)?.find((p) => p.direction === dir);
        if (!pdu) {
          problems.push(`${where} ${dir}: no PDU at frame ${frame}`);
          continue;
        }
        const f = pdu.fields;
        if (f["kafka.api_key"] !== e.apiKey || f["kafka.api_version"] !== e.apiVersion || f["kafka.correlation_id"] !== e.corr) {
          problems.push(`${where} ${dir}: decoded ${f["kafka.api_key"]} v${f["kafka.api_version"]} corr ${f["kafka.correlation_id"]}`);
        }
        // ControlledShutdown v0 uses request header v0, which has no client id.
        const clientId = e.apiKey === 7 && e.apiVersion === 0 ? null : "roundtrip-client";
        if (f["kafka.client_id"] !== clientId) problems.push(`${where} ${dir}: client id ${f["kafka.client_id"]}`);
        if (pdu.malformed) problems.push(`${where} ${dir}: malformed ${pdu.malformed}`);
      }
      // The exchange's topics (request and response together) are the encoded ones.
      const got = new Set<string>();
      for (const frame of [e.requestFrame, e.responseFrame]) {
        for (const p of pdus.get(frame) ?? []) for (const t of (p.fields["kafka.topic_name"] as string[] | undefined) ?? []) got.add(t);
      }
      if ([...got].sort().join() !== [...e.topics].sort().join()) problems.push(`${where}: topics ${[...got]} != ${e.topics}`);
    }
    expect(problems).toEqual([]);
    // One exchange per (API, version) in the table: nothing was left out.
    expect(expected.length).toBe(APIS.reduce((n, a) => n + a.valid[1] - a.valid[0] + 1, 0));
  });

  it("tshark agrees on every frame it decodes", () => {
    const text = execFileSync(
      "tshark",
      ["-r", file, "-Y", "kafka", "-T", "fields", "-E", "separator=\t", "-e", "frame.number", "-e", "kafka.api_key", "-e", "kafka.api_version", "-e", "kafka.correlation_id"],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"] },
    );
    const byFrame = new Map<number, Expected & { dir: string }>();
    for (const e of expected) {
      byFrame.set(e.requestFrame, { ...e, dir: "c2s" });
      byFrame.set(e.responseFrame, { ...e, dir: "s2c" });
    }
    const disagreements: string[] = [];
    let agreed = 0;
    for (const line of text.split("\n").filter(Boolean)) {
      const [frame, key, version, corr] = line.split("\t");
      const e = byFrame.get(Number(frame));
      if (!e) continue;
      // tshark shows the version on requests only.
      if ((key && Number(key) !== e.apiKey) || (version && Number(version) !== e.apiVersion)) {
        disagreements.push(`frame ${frame}: tshark ${key} v${version}, encoded ${e.apiKey} v${e.apiVersion}`);
      } else if (corr && Number(corr) !== e.corr) {
        disagreements.push(`frame ${frame}: tshark corr ${corr}, encoded ${e.corr}`);
      } else if (key || corr) {
        agreed++;
      }
    }
    expect(disagreements).toEqual([]);
    // tshark 4.0 reads the header of every request and pairs most responses.
    expect(agreed).toBeGreaterThan(expected.length);
  });
});
