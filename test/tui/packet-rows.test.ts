/**
 * The packets pane's rows as text (the model's packetRow, pure functions of packet-row.ts):
 * flags ahead of a Kafka summary, tshark's Seq/Ack/Win/Len, non-IP rows, the delta column and
 * the colouring rules; and the findings pane's grouping by cause.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { packetRows } from "../../src/report/packets.js";
import type { Finding } from "../../src/rules/index.js";
import { findingItems, findingItemText, groupFindings, groupTree, itemFinding } from "../../src/tui/finding-groups.js";
import { TuiModel } from "../../src/tui/model.js";
import { deltaText, SHORT_EVENT_LABELS, styleTags } from "../../src/tui/packet-row.js";
import { EVENT_LABELS } from "../../src/report/packet-info.js";
import { exchangeColumns } from "../../src/tui/exchange-row.js";
import { packetTree } from "../../src/tui/tree.js";
import { fitMiddle, titleText } from "../../src/tui/pane-title.js";
import { Scenario, writePcap } from "../tcp/helpers.js";
import { ASCII_GLYPHS, UNICODE_GLYPHS, escapeTags } from "../../src/tui/text.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures");

async function model(file: string): Promise<TuiModel> {
  const capture = await analyseCapture(file, { registry: createRegistry() });
  return new TuiModel(capture, [], UNICODE_GLYPHS, false, createRegistry());
}

/** A one-packet classic pcap (Ethernet) holding `frame`. */
function pcapOf(frames: Array<{ tsSec: number; frame: Uint8Array }>): string {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(1, 20);
  const parts: Buffer[] = [head];
  for (const { tsSec, frame } of frames) {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(tsSec, 0);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    parts.push(rec, Buffer.from(frame));
  }
  const file = join(mkdtempSync(join(tmpdir(), "kdiag-arp-")), "arp.pcap");
  writeFileSync(file, Buffer.concat(parts));
  return file;
}

/** ARP request: who has 10.0.0.2, tell 10.0.0.1 (from 02:00:00:00:00:01, to broadcast). */
const ARP_REQUEST = Uint8Array.from([
  ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff], ...[0x02, 0, 0, 0, 0, 0x01], 0x08, 0x06,
  0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
  ...[0x02, 0, 0, 0, 0, 0x01], 10, 0, 0, 1,
  ...[0, 0, 0, 0, 0, 0], 10, 0, 0, 2,
  ...new Array<number>(18).fill(0),
]);
/** Its answer: 10.0.0.2 is at 02:00:00:00:00:02. */
const ARP_REPLY = Uint8Array.from([
  ...[0x02, 0, 0, 0, 0, 0x01], ...[0x02, 0, 0, 0, 0, 0x02], 0x08, 0x06,
  0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02,
  ...[0x02, 0, 0, 0, 0, 0x02], 10, 0, 0, 2,
  ...[0x02, 0, 0, 0, 0, 0x01], 10, 0, 0, 1,
  ...new Array<number>(18).fill(0),
]);

describe("packets pane rows", () => {
  it("a RST that ends a Kafka message shows [RST, ACK] within 80 columns, before the Kafka summary", async () => {
    const m = await model(join(FIXTURES, "kcat", "socket-request-too-large.pcap.gz"));
    const rst = 15; // packet 16: the broker's RST in the middle of a 3 MB Produce request
    expect(m.capture.packets.tcpFlags[rst]! & 4).toBe(4);
    expect(m.pdusByPacket.get(rst + 1)?.length).toBeGreaterThan(0);
    const row = m.packetRow(rst, 80, false, rst - 1);
    expect(Array.from(row)).toHaveLength(80);
    expect(row).toMatch(/ Kafka +66 \[RST, ACK\] Produce v7 Request/);
    expect(m.packetStyle(rst)).toBe("rst");
    // A plain Kafka data segment keeps its summary first: no [PSH, ACK] noise.
    expect(m.packetRow(3, 80, false)).toMatch(/ Kafka +116 ApiVersions v3 Request/);
    m.capture.bytes.close();
  });

  it("TCP rows carry the ports, flags and Seq/Ack/Win/Len of tshark; analysis labels first", async () => {
    const m = await model(join(FIXTURES, "real", "rst-abort.pcap"));
    expect(m.packetRow(1, 160, false, 0)).toMatch(/ TCP +74 \[SYN, ACK\] 9092 → 38018 Seq=0 Ack=1 Win=65160 Len=0 *$/);
    expect(m.packetRow(7, 80, false, 6)).toMatch(/ TCP +66 \[RST, ACK\] 9092 → 38018 Seq=39 /);
    expect(m.packetStyle(0)).toBe("syn-fin");
    expect(m.packetStyle(2)).toBeNull();
    m.capture.bytes.close();
    const loss = await model(join(FIXTURES, "real", "loss.pcap"));
    const row = loss.packetRow(3, 200, false, 2);
    expect(row).toMatch(/ TCP +1514 \[TCP Previous segment not captured\] \[ACK\] 60198 → 5001 Seq=\d+ Ack=1 Win=\d+ Len=1448/);
    expect(loss.packetStyle(3)).toBe("bad-tcp");
    // a window update alone is not "Bad TCP" (Wireshark's rule leaves it out)
    expect(loss.packetRow(4, 200, false)).toContain("[TCP Window Update]");
    expect(loss.packetStyle(4)).toBeNull();
    loss.capture.bytes.close();
  });

  it("a Kafka response with an error code is coloured; the others are not", async () => {
    const m = await model(join(FIXTURES, "kcat", "message-too-large-acks1.pcap.gz"));
    expect(m.packetRow(78, 80, false)).toContain("Produce v7 Response");
    expect(m.packetStyle(78)).toBe("kafka-error");
    expect(m.packetStyle(5)).toBeNull(); // ApiVersions response, error 0
    m.capture.bytes.close();
  });

  it("the delta column shows an idle gap: 5.96 s before the request the firewall then resets", async () => {
    const m = await model(join(FIXTURES, "incidents", "fw-reset-client.pcap"));
    expect(m.packetHeader(80)).toMatch(/^ +No\. +delta src +dst +proto +len info/);
    const gap = m.packetRow(14, 80, false, 13);
    expect(gap).toMatch(/^ +15  5\.96s 10\.97\.1\.1 → 10\.97\.2\.2 Kafka/);
    expect(m.packetRow(15, 80, false, 14)).toMatch(/^ +16 +43us /);
    // the first row of a list has nothing before it
    expect(m.packetRow(14, 80, false)).toMatch(/^ +15 +0us /);
    // from 120 columns the time since the first packet is there too
    expect(m.packetRow(14, 120, false, 13)).toMatch(/^ +15 +6\.\d{6}  5\.96s /);
    m.capture.bytes.close();
  });

  it("an ARP frame reads as ARP with tshark's who-has and is-at, in kdiag packets and the TUI", async () => {
    const file = pcapOf([
      { tsSec: 1, frame: ARP_REQUEST },
      { tsSec: 2, frame: ARP_REPLY },
    ]);
    const m = await model(file);
    // At 80 columns a MAC address loses its start; the question is still there.
    const ask = m.packetRow(0, 80, false);
    expect(ask).toMatch(/^ +1 +0us …00:00:00:00:01 → Broadcast +ARP +60 Who has 10\.0\.0\.2\? /);
    expect(m.packetRow(0, 100, false)).toMatch(/ ARP +60 Who has 10\.0\.0\.2\? Tell 10\.0\.0\.1 *$/);
    expect(m.packetRow(1, 120, false, 0)).toMatch(/02:00:00:00:00:02 → 02:00:00:00:00:01 ARP +60 10\.0\.0\.2 is at 02:00:00:00:00:02/);
    expect(m.packetRow(1, 80, false, 0)).toMatch(/ +2  1\.00s /);
    const rows = [...packetRows(m.capture)];
    expect(rows.map((r) => [r.protocol, r.src, r.dst, r.info])).toEqual([
      ["ARP", "02:00:00:00:00:01", "Broadcast", "Who has 10.0.0.2? Tell 10.0.0.1"],
      ["ARP", "02:00:00:00:00:02", "02:00:00:00:00:01", "10.0.0.2 is at 02:00:00:00:00:02"],
    ]);
    m.capture.bytes.close();
  });

  it("UDP and ICMP rows say what they are", async () => {
    const m = await model(join(FIXTURES, "real", "normal.pcap"));
    expect(m.packetRow(38, 200, false)).toMatch(/10\.99\.1\.1 → 10\.99\.2\.2 UDP +47 44060 → 9 Len=5/);
    expect(m.packetRow(39, 200, false)).toMatch(/ICMP +75 Destination unreachable \(Port unreachable\)/);
    m.capture.bytes.close();
  });

  it("deltaText fits 6 cells from microseconds to hours", () => {
    const cases: Array<[number, string]> = [
      [0, "0us"],
      [999, "999us"],
      [2_345, "2.35ms"],
      [9_999, "10ms"],
      [201_600, "202ms"],
      [4_210_000, "4.21s"],
      [10_000_000, "10.0s"],
      [432_000_000, "7m12s"],
      [7_380_000_000, "2h03m"],
    ];
    for (const [us, text] of cases) {
      expect(deltaText(us)).toBe(text);
      expect(text.length).toBeLessThanOrEqual(6);
    }
  });

  it("styles: colours in colour, attributes without (never inverse: that is the selection)", () => {
    for (const style of ["rst", "bad-tcp", "syn-fin", "kafka-error"] as const) {
      expect(styleTags(style, true)[0]).toMatch(/-(fg|bg)\}/);
      const [open, close] = styleTags(style, false);
      expect(open + close).not.toMatch(/-(fg|bg)|inverse/);
    }
    expect(styleTags("rst", false)[0]).toBe("{bold}{underline}");
    expect(styleTags(null, true)).toEqual(["", ""]);
    // capture text is escaped before the style is put round it: a tag in it stays text
    expect(escapeTags("client={red-fg}x")).toBe("client={open}red-fg{close}x");
  });
});

/**
 * Two connections between addresses of 15 characters (the widest IPv4 columns, so the narrowest
 * Info at 80 columns): a RST whose ACK covers bytes never seen ([TCP ACKed unseen segment]), a FIN
 * after a hole ([TCP Previous segment not captured]) and a RST carrying data sent before
 * ([TCP Retransmission]).
 */
function labelledCloses(): string {
  const a = new Scenario("192.168.100.200", 40000, "192.168.100.201", 9092)
    .handshake(0)
    .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 100 })
    .s({ t: 30, f: "RA", seq: 5001, ack: 3000 });
  const b = new Scenario("192.168.100.200", 40001, "192.168.100.201", 9092)
    .handshake(100)
    .c({ t: 120, f: "PA", seq: 1001, ack: 5001, len: 100 })
    .c({ t: 130, f: "FA", seq: 1501, ack: 5001 })
    .c({ t: 150, f: "RA", seq: 1001, ack: 5001, len: 100 });
  const file = join(mkdtempSync(join(tmpdir(), "kdiag-labels-")), "closes.pcap");
  writePcap(file, [...a.packets, ...b.packets]);
  return file;
}

describe("packets, exchanges and connections panes at 80 columns", () => {
  it("a RST or FIN with a long analysis label keeps its flags: flags first, then the short label", async () => {
    const m = await model(labelledCloses());
    const cases: Array<[index: number, flags: string, label: string, full: string]> = [
      [4, "[RST, ACK]", "[ACKed unseen]", "[TCP ACKed unseen segment]"],
      [9, "[FIN, ACK]", "[Prev seg lost]", "[TCP Previous segment not captured]"],
      [10, "[RST, ACK]", "[Retrans]", "[TCP Retransmission]"],
    ];
    for (const [i, flags, label, full] of cases) {
      const row = m.packetRow(i, 80, false, i - 1);
      expect(Array.from(row)).toHaveLength(80);
      expect(row).toMatch(new RegExp(` TCP +(54|154) ${flags.replace(/[[\]]/g, "\\$&")} `));
      // the short label follows where there is room (100 columns), the full one from 120
      expect(m.packetRow(i, 100, false, i - 1)).toContain(`${flags} ${label} `);
      expect(m.packetRow(i, 200, false, i - 1)).toContain(`${full} ${flags} `);
    }
    m.capture.bytes.close();
    // loss.pcap, below 120 columns: the flags, then the short label, then ports and numbers
    const loss = await model(join(FIXTURES, "real", "loss.pcap"));
    expect(loss.packetRow(3, 80, false, 2)).toMatch(/ TCP +1514 \[ACK\] \[Prev seg lost\] 60198 → 5/);
    // the detail pane's tree has tshark's label, with the field to filter on
    const { frame, pkt } = loss.decode(3);
    const tcp = packetTree(loss.capture, 3, frame, pkt, [], new Map()).find((n) => n.label.startsWith("Transmission Control Protocol"))!;
    const analysis = tcp.children!.find((n) => n.label === "SEQ/ACK analysis")!;
    expect(analysis.children!.map((n) => n.label)).toEqual(["[TCP Previous segment not captured] tcp.analysis.lost_segment"]);
    loss.capture.bytes.close();
  });

  it("every analysis label has a short form, shorter than tshark's", () => {
    for (const [key, label] of Object.entries(EVENT_LABELS)) {
      expect(SHORT_EVENT_LABELS[key], key).toBeDefined();
      expect(SHORT_EVENT_LABELS[key]!.length, key).toBeLessThan(label.length);
    }
  });

  it("an unanswered request's result and MESSAGE_TOO_LARGE are whole in an exchange row", async () => {
    const rst = await model(join(FIXTURES, "matrix", "broker-causes", "mtl-socket-request-rst-client.pcap.gz"));
    const unanswered = rst.capture.exchanges.filter((e) => e.status === "unanswered");
    expect(unanswered.length).toBeGreaterThan(0);
    for (const ex of unanswered) {
      const row = rst.exchangeRow(ex, 80);
      expect(Array.from(row)).toHaveLength(80);
      expect(row).toMatch(/ Produce v7 +confluent\S* +orders +600k +- +- NO RESP \(RST\)$/);
      expect(rst.exchangeRow(ex, 160).trimEnd()).toMatch(/ NO RESPONSE \(RST\)$/);
    }
    expect(rst.exchangeHeader(80)).toMatch(/^ time c api +client id +topics +req resp latency result/);
    rst.capture.bytes.close();
    const big = await model(join(FIXTURES, "kcat", "message-too-large-acks1.pcap.gz"));
    const refused = big.capture.exchanges.find((e) => e.fields["kafka.error"] !== undefined && big.exchangeRow(e, 200).includes("MESSAGE_TOO_LARGE"))!;
    const row = big.exchangeRow(refused, 80);
    expect(Array.from(row)).toHaveLength(80);
    expect(row).toMatch(/ Produce v7 +kcat-big\S* +orders +2\.0M +58 +31\.3ms MESSAGE_TOO_LARGE$/);
    big.capture.bytes.close();
  });

  it("an answer that came after the client's close is LATE, not ok (matrix set D: a stopped broker)", async () => {
    const m = await model(join(FIXTURES, "matrix", "conditions", "hung-rdk-client.pcap.gz"));
    const rows = m.capture.exchanges.map((ex) => m.exchangeRow(ex, 80));
    for (const row of rows) expect(Array.from(row)).toHaveLength(80);
    // Produce corr 5 (conn 0) and ApiVersions corr 6 (conn 1): answered at packets 26 and 28, after the FINs at 17 and 24.
    const late = rows.map((r) => r.trimEnd()).filter((r) => / LATE$/.test(r));
    expect(late).toHaveLength(2);
    expect(late[0]).toMatch(/ 0 Produce v7 .* 4\.19s LATE$/);
    expect(late[1]).toMatch(/ 1 ApiVersions v3 .* 2\.18s LATE$/);
    expect(rows.filter((r) => / ok$/.test(r.trimEnd()))).toHaveLength(rows.length - 2);
    const first = m.capture.exchanges[rows.findIndex((r) => / LATE$/.test(r.trimEnd()))]!;
    expect(m.exchangeRow(first, 160).trimEnd()).toMatch(/ LATE \(after close\)$/);
    m.capture.bytes.close();
  });

  it("connections: IPv6 endpoints are whole, the columns under their titles", async () => {
    const m = await model(join(FIXTURES, "real", "ipv6.pcap"));
    const header = m.connHeader(80, "id", false);
    expect(header).toMatch(/^ +#▲ client +server +dur +bytes +idle close +rst find$/);
    const row = m.connRow(m.capture.connections[3]!, 80);
    expect(Array.from(row)).toHaveLength(80);
    expect(row).toMatch(/^ +3 \[fd99:1::1\]:43532 \[fd99:2::2\]:9092 +52\.9ms +761 +50\.2ms RST srv +1 +- *$/);
    // each value ends under the end of its title (right-aligned columns) or starts under it
    for (const t of ["dur", "bytes", "idle", "rst"]) expect(row[header.indexOf(t) + t.length - 1]).not.toBe(" ");
    expect(row.indexOf("RST srv")).toBe(header.indexOf("close"));
    m.capture.bytes.close();
  });

  it("the result column comes before client id and topics, which keep 6 cells each", () => {
    const needs = { time: 5, conn: 1, client: 30, topics: 30, result: { short: 17, full: 17 } };
    const c = exchangeColumns(80, needs);
    expect(c.result).toBe(17);
    expect(c.client + c.topics).toBeGreaterThanOrEqual(12);
    // a result longer than the row has room for is capped; client id and topics keep their 6
    const long = exchangeColumns(80, { ...needs, result: { short: 60, full: 60 } });
    expect([long.client, long.topics]).toEqual([6, 6]);
    // without errors the result needs 6 cells and client id and topics share the rest
    const ok = exchangeColumns(80, { ...needs, result: { short: 2, full: 2 } });
    expect(ok.result).toBe(6);
    expect(ok.client + ok.topics).toBe(c.client + c.topics + 11);
  });
});

describe("pane titles at 80 columns", () => {
  const filter = "tcp.flags.reset == 1 and ip.addr == 10.0.0.0/8 and kafka.api_key == 0";
  const parts = (text: string, tail = ["12/40"]) => ({
    head: ">4 Packets - all connections (40)",
    quoted: { open: "[filter: ", text, close: "]", bare: "[filter]" },
    tail,
  });

  it("a short filter is whole; a long one is cut in the middle, the count, marker and position kept", () => {
    expect(titleText(parts("tcp.flags.reset"), 80, "…").trimEnd()).toBe(">4 Packets - all connections (40) [filter: tcp.flags.reset] 12/40");
    const t = titleText(parts(filter), 80, "…");
    expect(Array.from(t)).toHaveLength(80);
    expect(t).toMatch(/^>4 Packets - all connections \(40\) \[filter: tcp\.flags\.reset[^\]]*…[^\]]*api_key == 0\] 12\/40$/);
  });

  it("with no room for the text the title says [filter]; what comes after it is cut last", () => {
    expect(titleText(parts(filter), 50, "…").trimEnd()).toBe(">4 Packets - all connections (40) [filter] 12/40");
    expect(titleText(parts(filter, ["[● client side only]", "12/40"]), 50, "…")).toBe(">4 Packets - all connections (40) [filter] [● cli…");
    expect(titleText({ head: ">4 Packets (3)", quoted: null, tail: ["1/3"] }, 20, "~")).toBe(">4 Packets (3) 1/3  ");
    expect(fitMiddle("abcdefghij", 5, "~")).toBe("ab~ij");
    expect(fitMiddle("abc", 5, "~")).toBe("abc");
  });
});

describe("findings pane: one row per cause", () => {
  const finding = (rule: string, conn: number, severity: Finding["severity"] = "error"): Finding => ({
    rule,
    title: `${rule} title`,
    severity,
    scope: "connection" as Finding["scope"],
    message: `${rule} on connection ${conn}`,
    advice: `fix ${rule}`,
    evidence: { connection: conn, packets: [conn * 10 + 1], times: [0] },
    tags: [],
  });

  it("groups by rule, opens into one row per connection, and a child is that connection's finding", () => {
    const all = [finding("fw-idle-reset", 0), finding("fw-idle-reset", 1), finding("fw-idle-reset", 2), finding("message-too-large", 3), finding("slow", 4, "warning")];
    const groups = groupFindings(all);
    expect(groups.map((g) => [g.rule, g.findings.length])).toEqual([
      ["fw-idle-reset", 3],
      ["message-too-large", 1],
      ["slow", 1],
    ]);
    const closed = findingItems(groups, new Set());
    expect(closed).toHaveLength(3);
    const text = (open: Set<number>) => findingItems(groups, open).map((it) => findingItemText(groups, it, open.has(it.group), 80, ASCII_GLYPHS, (s) => s).trimEnd());
    expect(text(new Set())).toEqual([
      "error fw-idle-reset + 3 connections: fw-idle-reset title",
      "error message-too-large c3 message-too-large on connection 3",
      "warni slow c4 slow on connection 4",
    ]);
    expect(text(new Set([0]))).toEqual([
      "error fw-idle-reset - 3 connections: fw-idle-reset title",
      "      c0 fw-idle-reset on connection 0",
      "      c1 fw-idle-reset on connection 1",
      "      c2 fw-idle-reset on connection 2",
      "error message-too-large c3 message-too-large on connection 3",
      "warni slow c4 slow on connection 4",
    ]);
    const open = findingItems(groups, new Set([0]));
    expect(itemFinding(groups, open[0])).toBeNull(); // the group: Enter opens it
    expect(itemFinding(groups, open[2])).toBe(all[1]);
    expect(itemFinding(groups, open[4])).toBe(all[3]); // a one-connection cause acts as before
    const tree = groupTree(groups[0]!);
    expect(tree[1]!.children!.map((n) => n.label)).toEqual(["connection 0: packets 1", "connection 1: packets 11", "connection 2: packets 21"]);
    expect(tree[2]!.label).toBe("Advice"); // the same advice, once
  });
});
