/**
 * Real librdkafka traffic: kcat 1.7.1 (librdkafka 2.0.2) against the protocol-level stand-in
 * broker (scripts/kafka-standin/), captured with tcpdump. How each capture was made and what it
 * holds: test/fixtures/kcat/README.md. This test runs the built CLI the way a user does and checks
 * what they would see; then it checks every Kafka frame against tshark where tshark decodes it.
 *
 * Record batch contents are not asserted here yet (the README lists what kcat sent).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DIR = fileURLToPath(new URL("../fixtures/kcat/", import.meta.url));
const CODECS = ["none", "gzip", "snappy", "lz4", "zstd"] as const;

interface Exchange {
  connection: number;
  api_key: number;
  api_name: string;
  api_version: number;
  correlation_id: number;
  client_id: string | null;
  topics: string[];
  status: "answered" | "no-response-expected" | "unanswered" | "orphan-response";
  request_packets: [number, number] | null;
  response_packets: [number, number] | null;
  request_size: number | null;
  latency_ms: number | null;
  acks: number | null;
  unanswered_reason: string | null;
  errors: { code: number; name: string }[];
}

interface Conn {
  id: number;
  server: { addr: string; port: number };
  close: { how: string; by: string; packet: number } | null;
  c2s: { payload_bytes: number };
}

function cli(args: string[]): string {
  const r = spawnSync("node", [join(ROOT, "bin/kdiag.js"), "--kafka-port", "36399", ...args], { encoding: "utf8", cwd: ROOT, maxBuffer: 64 << 20 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}
const exchanges = (file: string): Exchange[] => JSON.parse(cli(["kafka", "--json", join(DIR, file)])).exchanges;
const flows = (file: string): Conn[] => JSON.parse(cli(["flows", "--json", join(DIR, file)])).connections;
/** "ApiVersions v3 #1" per exchange, in capture order: what a user reads down the table. */
const outline = (ex: Exchange[]): string[] => ex.map((e) => `${e.connection}:${e.api_name} v${e.api_version} #${e.correlation_id}`);

describe("kcat produce, one capture per codec", () => {
  it.each(CODECS)("produce-%s.pcap: ApiVersions, Metadata, one acks=-1 Produce to orders, answered", (codec) => {
    const ex = exchanges(`produce-${codec}.pcap`);
    expect(ex.every((e) => e.client_id === "kcat-producer" && e.connection === 0)).toBe(true);
    expect(ex[0]).toMatchObject({ api_name: "ApiVersions", api_version: 3, correlation_id: 1, status: "answered" });
    expect(ex.slice(1, -1).every((e) => e.api_name === "Metadata" && e.api_version === 4 && e.status === "answered")).toBe(true);
    const produce = ex.at(-1)!;
    expect(produce).toMatchObject({ api_name: "Produce", api_version: 7, topics: ["orders"], acks: -1, status: "answered", errors: [] });
    expect(typeof produce.latency_ms).toBe("number");
    expect(produce.latency_ms!).toBeGreaterThan(0);
    expect(produce.latency_ms!).toBeLessThan(1000);
    // Every exchange answered, every latency a number.
    expect(ex.every((e) => e.status === "answered" && typeof e.latency_ms === "number")).toBe(true);
    const [conn] = flows(`produce-${codec}.pcap`);
    expect(conn!.server.port).toBe(9092);
    expect(conn!.close).toMatchObject({ how: "fin", by: "client" });
  });
});

describe("record batches as librdkafka compressed them", () => {
  // The README of the fixtures: one batch of the 20 records per Produce, in the chosen codec.
  it.each(CODECS.map((c, id) => [c, id] as const))("produce-%s.pcap: one batch, codec id %i, 20 records, CRC ok", (codec, id) => {
    const packets = JSON.parse(cli(["packets", "--json", join(DIR, `produce-${codec}.pcap`)])).packets as Array<{
      pdus?: Array<{ fields: Record<string, unknown>; summary: string }>;
    }>;
    const produce = packets.flatMap((p) => p.pdus ?? []).find((p) => p.fields["kafka.api_key"] === 0 && p.summary.includes("Request"))!;
    expect(produce.fields).toMatchObject({ "kafka.batch_codec": id, "kafka.record_count": 20, "kafka.batch_crc_ok": true });
    expect(produce.fields["kafka.batch_size"]).toHaveLength(1);
  });

  it.each(CODECS)("consume-%s.pcap: the Fetch response carries the same 20 records", (codec) => {
    const packets = JSON.parse(cli(["packets", "--json", join(DIR, `consume-${codec}.pcap`)])).packets as Array<{
      pdus?: Array<{ fields: Record<string, unknown>; summary: string }>;
    }>;
    const fetched = packets.flatMap((p) => p.pdus ?? []).filter((p) => p.fields["kafka.api_key"] === 1 && p.fields["kafka.record_count"] !== undefined);
    expect(fetched.map((p) => [p.fields["kafka.record_count"], p.fields["kafka.batch_crc_ok"]])).toEqual([[20, true]]);
  });
});

describe("kcat consume -p 0 -o beginning -e, one capture per codec", () => {
  it.each(CODECS)("consume-%s.pcap: ListOffsets, a Fetch with the batch, an empty long-poll, the last Fetch cut by kcat's exit", (codec) => {
    const ex = exchanges(`consume-${codec}.pcap`);
    expect(ex.every((e) => e.client_id === "kcat-consumer" && e.connection === 0)).toBe(true);
    expect(ex[0]).toMatchObject({ api_name: "ApiVersions", api_version: 3, status: "answered" });
    const names = ex.map((e) => e.api_name);
    const lo = names.indexOf("ListOffsets");
    expect(lo).toBeGreaterThan(1);
    expect(names.slice(1, lo).every((n) => n === "Metadata")).toBe(true);
    expect(ex[lo]).toMatchObject({ api_version: 2, topics: ["orders"], status: "answered", errors: [] });
    const fetches = ex.slice(lo + 1);
    expect(fetches.map((e) => e.api_name)).toEqual(["Fetch", "Fetch", "Fetch"]);
    expect(fetches.every((e) => e.api_version === 11 && e.topics.join() === "orders")).toBe(true);
    // 1: the stored batch; 2: nothing new, the broker holds it for max_wait_ms (500 ms);
    // 3: outstanding when kcat reached the end and closed.
    expect(fetches[0]).toMatchObject({ status: "answered", errors: [] });
    expect(fetches[0]!.latency_ms!).toBeLessThan(100);
    expect(fetches[1]!.status).toBe("answered");
    expect(fetches[1]!.latency_ms!).toBeGreaterThan(450);
    expect(fetches[1]!.latency_ms!).toBeLessThan(1000);
    expect(fetches[2]).toMatchObject({ status: "unanswered", unanswered_reason: "fin" });
    expect(flows(`consume-${codec}.pcap`)[0]!.close).toMatchObject({ how: "fin", by: "client" });
  });
});

describe("incident 1: message too large", () => {
  it("message-too-large-acks1: the 2 MB Produce is answered with MESSAGE_TOO_LARGE", () => {
    const ex = exchanges("message-too-large-acks1.pcap.gz");
    expect(outline(ex)).toEqual(["0:ApiVersions v3 #1", "0:Metadata v4 #2", "0:Produce v7 #3"]);
    const produce = ex[2]!;
    expect(produce).toMatchObject({ client_id: "kcat-big-producer", topics: ["orders"], acks: 1, status: "answered" });
    expect(produce.errors).toEqual([{ code: 10, name: "MESSAGE_TOO_LARGE" }]);
    expect(produce.request_size!).toBeGreaterThan(2_000_000);
    expect(typeof produce.latency_ms).toBe("number");
    // The whole request is in the capture (no lost segments: tcpdump ran with -B 65536).
    expect(flows("message-too-large-acks1.pcap.gz")[0]!.c2s.payload_bytes).toBeGreaterThan(2_000_000);
    const text = cli(["kafka", join(DIR, "message-too-large-acks1.pcap.gz")]);
    expect(text).toMatch(/Produce v7 +3 +kcat-big-producer +orders +2\.0M +58 .*MESSAGE_TOO_LARGE/);
  });

  it("message-too-large-acks0: acks=0 Produce, no response expected, then the broker's FIN; the client reconnects", () => {
    const ex = exchanges("message-too-large-acks0.pcap.gz");
    expect(outline(ex)).toEqual([
      "0:ApiVersions v3 #1",
      "0:Metadata v4 #2",
      "0:Metadata v4 #3",
      "0:Produce v7 #4",
      "1:ApiVersions v3 #5",
      "1:Produce v7 #6",
    ]);
    const big = ex[3]!;
    expect(big).toMatchObject({ client_id: "librdkafka-app-producer", topics: ["orders"], acks: 0, status: "no-response-expected", errors: [] });
    expect(big.request_size!).toBeGreaterThan(2_000_000);
    const [first, second] = flows("message-too-large-acks0.pcap.gz");
    // The broker closes first, right after the request's last segment.
    expect(first!.close).toMatchObject({ how: "fin", by: "server" });
    expect(first!.close!.packet).toBeGreaterThan(big.request_packets![1]);
    expect(first!.close!.packet - big.request_packets![1]).toBeLessThanOrEqual(3);
    expect(second!.close).toMatchObject({ by: "client" });
    expect(ex[5]).toMatchObject({ acks: 0, status: "no-response-expected", request_size: 187 });
  });

  it("message-too-large-acks0-kcat: kcat's own FIN leaves with the request, before the broker's", () => {
    const ex = exchanges("message-too-large-acks0-kcat.pcap.gz");
    expect(outline(ex)).toEqual(["0:ApiVersions v3 #1", "0:Metadata v4 #2", "0:Produce v7 #3"]);
    expect(ex[2]).toMatchObject({ client_id: "kcat-big-producer", acks: 0, status: "no-response-expected" });
    expect(flows("message-too-large-acks0-kcat.pcap.gz")[0]!.close).toMatchObject({ how: "fin", by: "client" });
  });

  it("socket-request-too-large: the broker resets the connection without reading the 3 MB request", () => {
    const ex = exchanges("socket-request-too-large.pcap.gz");
    expect(outline(ex.filter((e) => e.api_name !== "Produce")).slice(0, 2)).toEqual(["0:ApiVersions v3 #1", "0:Metadata v4 #2"]);
    const [conn] = flows("socket-request-too-large.pcap.gz");
    // Kafka reads only the size prefix, then closes with the rest unread: the kernel sends RST.
    expect(conn!.close).toMatchObject({ how: "rst", by: "server" });
    expect(conn!.c2s.payload_bytes).toBeLessThan(3_000_000);
  });

  // Fails today: kdiag reports nothing for a request whose size prefix and header were seen but
  // whose body was cut by the server's RST (only ~160 kB of 3 MB were sent). When it does, flip
  // this to it(): the user must see the Produce, unanswered, and why.
  it("socket-request-too-large: the cut Produce is reported, unanswered, connection reset by the server", () => {
    const ex = exchanges("socket-request-too-large.pcap.gz");
    const produce = ex.find((e) => e.api_name === "Produce");
    expect(produce).toMatchObject({ api_version: 7, correlation_id: 3, client_id: "kcat-big-producer", status: "unanswered", unanswered_reason: "rst" });
    // Its size is the one the client announced, though the broker reset the connection first.
    expect(produce!.request_size).toBe(3_000_142);
  });
});

describe("the same incident in a capture that lost segments (tcpdump's default buffer)", () => {
  const LOSSY = "message-too-large-acks1-lossy.pcap.gz";

  it("message-too-large-acks1-lossy: MESSAGE_TOO_LARGE is still visible, the hole is flagged", () => {
    const ex = exchanges(LOSSY);
    expect(ex.some((e) => e.api_name === "Produce" && e.correlation_id === 3 && e.errors.some((x) => x.name === "MESSAGE_TOO_LARGE"))).toBe(true);
    // Frames 26/27: ~100 kB of the request were never captured (tshark: lost_segment at 27).
    const [conn] = flows(LOSSY);
    expect(conn!.c2s.payload_bytes).toBeLessThan(2_000_000);
  });

  // The request's header (corr 3, packet 10) was captured, only body bytes are missing: the
  // response still pairs with it, and the request is flagged incomplete, not malformed.
  it("message-too-large-acks1-lossy: the response pairs with its request despite the hole", () => {
    const ex = exchanges(LOSSY);
    const produce = ex.filter((e) => e.api_name === "Produce");
    expect(produce).toHaveLength(1);
    expect(produce[0]).toMatchObject({ correlation_id: 3, status: "answered", errors: [{ code: 10, name: "MESSAGE_TOO_LARGE" }] });
  });
});

describe("Kafka on a port kdiag does not know (heuristic)", () => {
  it("produce-consume-port36399.pcap: found without --kafka-port", () => {
    const r = spawnSync("node", [join(ROOT, "bin/kdiag.js"), "kafka", "--json", join(DIR, "produce-consume-port36399.pcap")], { encoding: "utf8", cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
    const ex: Exchange[] = JSON.parse(r.stdout).exchanges;
    expect(outline(ex)).toEqual([
      "0:ApiVersions v3 #1",
      "0:Metadata v4 #2",
      "0:Produce v7 #3",
      "1:ApiVersions v3 #1",
      "1:Metadata v4 #2",
      "1:Metadata v4 #3",
      "1:ListOffsets v2 #4",
      "1:Fetch v11 #5",
      "1:Fetch v11 #6",
      "1:Fetch v11 #7",
    ]);
    expect(ex[2]).toMatchObject({ topics: ["payments"], acks: -1, status: "answered", client_id: "kcat-producer" });
    expect(ex.slice(3).every((e) => e.client_id === "kcat-consumer")).toBe(true);
  });
});

// ---- frame by frame against tshark -----------------------------------------------------------

const FIELDS = ["kafka.api_key", "kafka.api_version", "kafka.correlation_id", "kafka.client_id", "kafka.topic_name", "kafka.error"] as const;

function tsharkKafka(file: string): Map<number, Record<string, string[]>> {
  const args = ["-r", file, "-d", "tcp.port==36399,kafka", "-Y", "kafka", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"];
  for (const f of ["frame.number", ...FIELDS]) args.push("-e", f);
  const text = execFileSync("tshark", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 << 20 });
  const out = new Map<number, Record<string, string[]>>();
  for (const line of text.split("\n").filter(Boolean)) {
    const [frame, ...values] = line.split("\t");
    const rec: Record<string, string[]> = {};
    FIELDS.forEach((f, i) => (rec[f] = values[i] ? values[i]!.split(",") : []));
    out.set(Number(frame), rec);
  }
  return out;
}

interface PduJson {
  direction: string;
  fields: Record<string, unknown>;
}

function kdiagPdus(file: string): Map<number, PduJson[]> {
  const out = new Map<number, PduJson[]>();
  for (const p of JSON.parse(cli(["packets", "--json", file])).packets) if (p.pdus?.length) out.set(p.number, p.pdus);
  return out;
}

function ours(pdus: PduJson[], field: string): string[] {
  const values: string[] = [];
  for (const p of pdus) {
    const v = p.fields[field];
    if (v === undefined || v === null) continue;
    for (const x of Array.isArray(v) ? v : [v]) values.push(String(x));
  }
  return values;
}

const tsharkOk = spawnSync("tshark", ["-v"], { stdio: "ignore" }).status === 0;
const captures = readdirSync(DIR).filter((f) => /\.pcap(\.gz)?$/.test(f)).sort();

describe.skipIf(!tsharkOk)("kcat captures against tshark, frame by frame", () => {
  it("has the captures", () => expect(captures.length).toBeGreaterThanOrEqual(16));

  it.each(captures)("%s", (name) => {
    const file = join(DIR, name);
    const mine = kdiagPdus(file);
    const theirs = tsharkKafka(file);
    const mismatches: string[] = [];
    let agreed = 0;
    for (const [frame, fields] of theirs) {
      const pdus = mine.get(frame) ?? [];
      for (const f of FIELDS) {
        const want = fields[f]!;
        if (want.length === 0) continue;
        // tshark shows the client id on requests only.
        const got = f === "kafka.client_id" ? ours(pdus.filter((p) => p.direction === "c2s"), f) : ours(pdus, f);
        const same = f === "kafka.topic_name" || f === "kafka.error" ? new Set(got).size === new Set(want).size && want.every((w) => got.includes(w)) : JSON.stringify(got) === JSON.stringify(want);
        if (same) agreed++;
        else mismatches.push(`frame ${frame} ${f}: tshark ${JSON.stringify(want)}, kdiag ${JSON.stringify(got)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(agreed).toBeGreaterThan(0);
  });
});
