// The oracle is only worth something if it reads captures correctly: these tests pin what tshark
// says about the committed real captures (values checked by hand against `tshark -V`), so a
// helper that silently returns nothing, or mixes up directions, fails here first.
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_DIR, REAL_DIR } from "./fixtures.js";
import {
  formatConvBytes,
  kdiagJson,
  kdiagRun,
  tsharkAvailable,
  tsharkConversations,
  tsharkFrames,
  tsharkStreams,
  tsharkTcpPackets,
  type TcpEvent,
} from "./tshark.js";
import { makeVariants, tempDir } from "./variants.js";

const real = (f: string) => join(REAL_DIR, f);

function eventCounts(pkts: { events: Set<TcpEvent> }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of pkts) for (const e of p.events) out[e] = (out[e] ?? 0) + 1;
  return out;
}

function numbersWith(pkts: { number: number; events: Set<TcpEvent> }[], e: TcpEvent): number[] {
  return pkts.filter((p) => p.events.has(e)).map((p) => p.number);
}

describe("tshark oracle", () => {
  it("tshark is installed (the differential tests depend on it)", () => {
    expect(tsharkAvailable()).toBe(true);
  });

  it("formats byte counts as tshark 4.0's conversation table does", () => {
    expect(formatConvBytes(0)).toBe("0 bytes");
    expect(formatConvBytes(9999)).toBe("9999 bytes");
    expect(formatConvBytes(10_000)).toBe("10 kB");
    expect(formatConvBytes(107_920)).toBe("107 kB");
    expect(formatConvBytes(10_999_999)).toBe("10 MB");
    expect(formatConvBytes(9_999_999)).toBe("9999 kB");
  });

  it("normal.pcap: three conversations with exact frames and bytes each way", async () => {
    const convs = await tsharkConversations(real("normal.pcap"));
    const byStream = [...convs].sort((x, y) => x.stream - y.stream);
    expect(byStream.map((c) => c.stream)).toEqual([0, 1, 2]);
    expect(byStream[0]).toMatchObject({
      a: "10.99.1.1:57330",
      b: "10.99.2.2:9092",
      framesAtoB: 7,
      bytesAtoB: 526,
      framesBtoA: 5,
      bytesBtoA: 411,
      framesTotal: 12,
      bytesTotal: 937,
      relStart: 0,
    });
    // Stream 1 is the connection the server closes: same number of frames each way.
    expect(byStream[1]).toMatchObject({ a: "10.99.1.1:57346", framesAtoB: 5, bytesAtoB: 367, framesBtoA: 5, bytesBtoA: 376 });
    expect(byStream[2]).toMatchObject({ a: "10.99.1.1:57352", framesAtoB: 10, bytesAtoB: 758, framesBtoA: 6, bytesBtoA: 509 });
    expect(byStream[1]!.relStart).toBeCloseTo(0.201265, 6);
    expect(byStream[2]!.duration).toBeCloseTo(0.1563, 4);
  });

  it("loss.pcap: byte counts above 10 kB are exact, not the table's rounded kB", async () => {
    const [c] = await tsharkConversations(real("loss.pcap"));
    expect(c).toMatchObject({ a: "10.99.5.1:60198", b: "10.99.5.2:5001", framesAtoB: 76, bytesAtoB: 107_920, framesBtoA: 47, bytesBtoA: 3830 });
  });

  it("normal.pcap: per-packet fields and the two non-TCP packets", async () => {
    const frames = await tsharkFrames(real("normal.pcap"));
    expect(frames).toHaveLength(40);
    expect(frames.filter((f) => !f.tcp).map((f) => f.number)).toEqual([39, 40]); // UDP, then ICMP quoting it
    const pkts = await tsharkTcpPackets(real("normal.pcap"));
    expect(pkts).toHaveLength(38);
    expect(pkts[0]).toMatchObject({ number: 1, stream: 0, seq: 0, ack: 0, len: 0, flags: 0x002, length: 74, capturedLength: 74, src: "10.99.1.1", dst: "10.99.2.2", srcPort: 57330, dstPort: 9092, windowRaw: 64240 });
    expect(pkts[1]).toMatchObject({ number: 2, flags: 0x012, seq: 0, ack: 1, srcPort: 9092 });
    // The ApiVersions request: 26 bytes of payload at relative seq 1.
    expect(pkts[3]).toMatchObject({ number: 4, flags: 0x018, seq: 1, ack: 1, len: 26 });
    expect(pkts.find((p) => p.number === 37)).toMatchObject({ flags: 0x011, seq: 106, ack: 92, stream: 2 });
    expect(pkts.every((p) => p.events.size === 0)).toBe(true);
    expect(pkts[2]!.initialRtt).toBeGreaterThan(0);
  });

  it("keepalive.pcap: four keep-alives, each answered", async () => {
    const pkts = await tsharkTcpPackets(real("keepalive.pcap"));
    // Frames 14 and 15 are IPv6 neighbour discovery in the middle of the idle period.
    expect(numbersWith(pkts, "keep_alive")).toEqual([8, 10, 12, 16]);
    expect(numbersWith(pkts, "keep_alive_ack")).toEqual([9, 11, 13, 17]);
    expect(pkts.map((p) => p.number)).not.toContain(14);
    // A Linux keep-alive carries the sequence number one below the next byte to send.
    expect(pkts.find((p) => p.number === 8)).toMatchObject({ seq: 29, ack: 39, len: 0 });
  });

  it("zero-window.pcap: zero window, window full, probes shown as keep-alives, window update", async () => {
    const pkts = await tsharkTcpPackets(real("zero-window.pcap"));
    expect(eventCounts(pkts)).toEqual({ window_full: 28, zero_window: 3, keep_alive: 3, window_update: 1 });
    expect(numbersWith(pkts, "zero_window")).toEqual([9, 11, 14]);
    expect(numbersWith(pkts, "window_update")).toEqual([17]);
    expect(pkts.find((p) => p.number === 9)).toMatchObject({ srcPort: 5002, windowRaw: 0, window: 0 });
  });

  it("loss.pcap: retransmissions, out-of-order and lost segments", async () => {
    const pkts = await tsharkTcpPackets(real("loss.pcap"));
    expect(eventCounts(pkts)).toEqual({
      lost_segment: 21,
      window_update: 8,
      out_of_order: 32,
      duplicate_ack: 30,
      retransmission: 6,
      fast_retransmission: 3,
    });
    // tshark marks a fast retransmission as a retransmission too.
    for (const n of numbersWith(pkts, "fast_retransmission")) {
      expect(pkts.find((p) => p.number === n)!.events.has("retransmission")).toBe(true);
    }
    expect(numbersWith(pkts, "fast_retransmission")).toEqual([43, 80, 112]);
    expect(pkts.find((p) => p.initialRtt !== null)!.initialRtt).toBeCloseTo(0.02307, 5);
  });

  it("port-reuse.pcap: the same 4-tuple three times, the later SYNs flagged", async () => {
    const pkts = await tsharkTcpPackets(real("port-reuse.pcap"));
    expect(numbersWith(pkts, "reused_ports")).toEqual([11, 21]);
    expect(pkts.filter((p) => p.events.has("reused_ports")).map((p) => p.stream)).toEqual([1, 2]);
    const streams = await tsharkStreams(real("port-reuse.pcap"));
    expect(streams.map((s) => `${s.a.addr}:${s.a.port}>${s.b.addr}:${s.b.port}`)).toEqual(
      Array(3).fill("10.99.1.1:40000>10.99.2.2:9092"),
    );
  });

  it("firewall-idle-client.pcap: the firewall's two RSTs end streams 0 and 1", async () => {
    const pkts = await tsharkTcpPackets(real("firewall-idle-client.pcap"));
    const rst = pkts.filter((p) => p.flags & 0x004);
    expect(rst.map((p) => [p.number, p.stream, p.srcPort])).toEqual([
      [12, 0, 9092],
      [24, 1, 9092],
    ]);
  });

  it("snaplen-60.pcap: truncated TCP headers still get streams but no conversation rows", async () => {
    expect(await tsharkConversations(real("snaplen-60.pcap"))).toEqual([]);
    const streams = await tsharkStreams(real("snaplen-60.pcap"));
    expect(streams.map((s) => [s.stream, s.framesAtoB, s.bytesAtoB, s.framesBtoA, s.bytesBtoA])).toEqual([
      [0, 7, 526, 5, 411],
      [1, 5, 367, 5, 376],
      [2, 10, 758, 6, 509],
    ]);
    const pkts = await tsharkTcpPackets(real("snaplen-60.pcap"));
    expect(pkts.every((p) => p.capturedLength === 58 && p.length > 58)).toBe(true);
    // The 58 bytes end inside the TCP options, so tshark prints no analysis for any of them...
    expect(pkts.every((p) => !p.analysisShown && p.initialRtt === null)).toBe(true);
    expect(streams.every((s) => !s.analysisShown)).toBe(true);
    // ...while the same traffic captured whole has it.
    const whole = await tsharkTcpPackets(real("normal.pcap"));
    expect(whole.every((p) => p.analysisShown)).toBe(true);
  });

  it("ipv6.pcap: IPv6 addresses as tshark prints them", async () => {
    const convs = await tsharkConversations(real("ipv6.pcap"));
    expect(convs).toHaveLength(7);
    expect(convs.every((c) => c.a.startsWith("fd99:1::1:") && c.b.startsWith("fd99:2::2:"))).toBe(true);
    const pkts = await tsharkTcpPackets(real("ipv6.pcap"));
    expect(pkts[0]).toMatchObject({ src: "fd99:1::1", dst: "fd99:2::2", length: 94 });
  });

  it("cooked captures: frame bytes include the SLL (16) or SLL2 (20) header", async () => {
    const sll = await tsharkTcpPackets(real("cooked-any-sll.pcap"));
    const sll2 = await tsharkTcpPackets(real("cooked-any.pcap"));
    expect(sll[0]!.length).toBe(76); // 60-byte IPv4 SYN + 16
    expect(sll2[0]!.length).toBe(80); // + 20
  });

  it("public mqtt capture: ACKed-but-not-captured segments", async () => {
    const pkts = await tsharkTcpPackets(join(PUBLIC_DIR, "deepflow-other", "mqtt_roundtrip.pcap"));
    expect(eventCounts(pkts)).toEqual({ lost_segment: 6, ack_lost_segment: 6 });
  });

  it("conversation bytes agree with an independent pcap reader (pcap-parser)", async () => {
    const require = createRequire(import.meta.url);
    const pcapParser = require("pcap-parser") as { parse(f: string): NodeJS.EventEmitter };
    for (const f of ["normal.pcap", "loss.pcap", "zero-window.pcap"]) {
      const lengths: number[] = [];
      await new Promise<void>((res, rej) => {
        const p = pcapParser.parse(real(f));
        p.on("packet", (pkt: { header: { originalLength: number } }) => lengths.push(pkt.header.originalLength));
        p.on("end", () => res());
        p.on("error", rej);
      });
      const frames = await tsharkFrames(real(f));
      const convs = await tsharkConversations(real(f));
      const nonTcp = frames.filter((x) => !x.tcp).reduce((s, x) => s + x.length, 0);
      const inConvs = convs.reduce((s, c) => s + c.bytesTotal, 0);
      expect(lengths.length).toBe(frames.length);
      expect(inConvs + nonTcp).toBe(lengths.reduce((s, x) => s + x, 0));
    }
  });
});

describe("variants", () => {
  let tmp: { dir: string; remove: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(async () => {
    await tmp.remove();
  });

  it("writes pcapng, nanosecond pcap and gzip that tshark reads as the same packets", async () => {
    const orig = real("rst-abort.pcap");
    const v = await makeVariants(orig, tmp.dir);
    const magic = async (f: string) => (await readFile(f)).subarray(0, 4).toString("hex");
    expect(await magic(v.pcapng)).toBe("0a0d0d0a");
    expect(await magic(v.nsec)).toBe("4d3cb2a1");
    expect((await magic(v.gzip)).slice(0, 4)).toBe("1f8b");
    const strip = (ps: Awaited<ReturnType<typeof tsharkTcpPackets>>) =>
      ps.map((p) => ({ ...p, events: [...p.events].sort() }));
    const base = strip(await tsharkTcpPackets(orig));
    expect(base).toHaveLength(10);
    expect(strip(await tsharkTcpPackets(v.pcapng))).toEqual(base);
    expect(strip(await tsharkTcpPackets(v.nsec))).toEqual(base);
    expect(strip(await tsharkTcpPackets(v.gzip))).toEqual(base);
  });
});

describe("kdiag runner", () => {
  let tmp: { dir: string; remove: () => Promise<void> };
  let fake: string;
  beforeAll(async () => {
    tmp = await tempDir("kdiag-fake-cli-");
    // Stands in for bin/kdiag.js: echoes its arguments and stdin size; "fail" exits 3.
    fake = join(tmp.dir, "fake-cli.mjs");
    await writeFile(
      fake,
      `const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const args = process.argv.slice(2);
if (args[0] === "fail") { process.stderr.write("boom\\n"); process.exit(3); }
if (args[0] === "text") { process.stdout.write("not json"); process.exit(0); }
process.stdout.write(JSON.stringify({ args, stdin: Buffer.concat(chunks).length, cwd: process.cwd() }));
`,
    );
    await chmod(fake, 0o755);
  });
  afterAll(async () => {
    await tmp.remove();
  });

  it("passes arguments and stdin, runs from the repository root, parses JSON", async () => {
    const out = await kdiagJson(["flows", "--json", "-"], { bin: fake, input: Buffer.alloc(1234) });
    expect(out.args).toEqual(["flows", "--json", "-"]);
    expect(out.stdin).toBe(1234);
    expect(out.cwd).toBe(join(REAL_DIR, "..", "..", ".."));
  });

  it("reports exit code and stderr; kdiagJson rejects on failure or non-JSON", async () => {
    const r = await kdiagRun(["fail"], { bin: fake });
    expect(r).toMatchObject({ code: 3, stderr: "boom\n", stdout: "" });
    await expect(kdiagJson(["fail"], { bin: fake })).rejects.toThrow(/exited 3[\s\S]*boom/);
    await expect(kdiagJson(["text"], { bin: fake })).rejects.toThrow(/printed no JSON[\s\S]*not json/);
  });
});
