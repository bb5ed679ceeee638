/**
 * The TUI rendered headless (blessed on in-memory streams of a given size): assertions on the text
 * that appears on screen, after real key bytes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFilter } from "../../src/tui/filter.js";
import { headlessPerTest, hexRuns, selectedDetailRow, type Headless } from "./harness.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures");
const FIREWALL = join(FIXTURES, "real", "firewall-idle-client.pcap");
const BROKER_SIDE = join(FIXTURES, "real", "firewall-idle-broker.pcap");

const startTui = headlessPerTest();

function start(files: string[], size = { cols: 80, rows: 24 }, extra = {}): Promise<Headless> {
  return startTui(files, size, extra);
}



function paneTitle(h: Headless, name: string): string | undefined {
  return h.lines().find((l) => new RegExp(`^[ >]\\d ${name}`).test(l));
}

describe("kdiag tui, headless at 80x24", () => {
  it("lists the findings of the firewall capture by rule id, with a status line of keys", async () => {
    const h = await start([FIREWALL]);
    const text = h.text();
    expect(text).toContain("Findings");
    expect(text).toContain("firewall-idle");
    const ids = h.app.model!.findings.map((f) => f.rule);
    // One cause per connection: the two resets, nothing repeating them.
    expect(ids).toEqual(["firewall-idle", "firewall-idle"]);
    for (const id of new Set(ids)) expect(h.app.model!.findings.length).toBeGreaterThan(0), expect(typeof id).toBe("string");
    const lines = h.lines();
    expect(lines).toHaveLength(24);
    expect(lines[0]).toMatch(/^kdiag firewall-idle-client\.pcap/);
    expect(lines[23]).toContain("<?> help");
    expect(lines[23]).toContain("<q> quit");
    expect(paneTitle(h, "Connections")).toBeDefined();
    expect(paneTitle(h, "Packets")).toBeDefined();
  });

  it("] and [ walk through a finding's evidence packets: the firewall's RST in two keys", async () => {
    const h = await start([FIREWALL]);
    const f = h.app.model!.findings[0]!;
    expect(f.rule).toBe("firewall-idle");
    // the cause's row opens into its two connections; Enter on the first goes to its evidence
    await h.press("enter", "down", "enter");
    expect(h.lines()[23]).toContain(`firewall-idle: evidence packets ${f.evidence.packets.join(", ")} (] next)`);
    expect(h.app.selectedPacket()).toBe(f.evidence.packets[0]);
    await h.press("]", "]");
    expect(h.app.selectedPacket()).toBe(f.evidence.packets[2]);
    // the idle gap in the delta column, then the RST with its flags, ports and numbers
    expect(h.text()).toMatch(/^● +11 +4\.96s 10\.99\.1\.1 → 10\.99\.2\.2 Kafka +96 Metadata v0 Request/m);
    expect(h.text()).toMatch(/^● +12 +37us 10\.99\.2\.2 → 10\.99\.1\.1 TCP +54 \[RST\] 9092 → 44458 Seq=74 Win=0/m);
    await h.press("]");
    expect(h.app.selectedPacket()).toBe(f.evidence.packets[0]); // wraps round
    await h.press("[");
    expect(h.app.selectedPacket()).toBe(f.evidence.packets[2]);
    // Its tree: the TCP flag bits, from the TCP dissector's table
    await h.press("5", "/");
    await h.type("RST:");
    await h.press("enter");
    expect(selectedDetailRow(h)).toMatch(/^ *. RST: Set$/);
    await h.press("/", "C-u");
    await h.type("SYN:");
    await h.press("enter");
    expect(selectedDetailRow(h)).toMatch(/^ *. SYN: Not set$/);
  });

  it("takes mouse clicks and the wheel: a click focuses a pane and selects a row", async () => {
    const h = await start([FIREWALL]);
    // SGR mouse reports (the encoding xterm and tmux send): button;column;row, 1-based, M press / m release.
    const click = async (col: number, row: number) => h.press(`\x1b[<0;${col};${row}M`, `\x1b[<0;${col};${row}m`);
    const wheelDown = async (col: number, row: number) => h.press(`\x1b[<65;${col};${row}M`);
    const title = () => h.lines().findIndex((l) => /^[ >]4 Packets/.test(l));
    await click(10, title() + 1);
    expect(h.app.focus).toBe("packets");
    // the third packet row (title, column header, then rows)
    await click(10, title() + 1 + 2 + 2);
    expect(h.app.selectedPacket()).toBe(3);
    expect(h.text()).toContain("Frame 3:");
    await wheelDown(10, title() + 3);
    expect(h.app.selectedPacket()).toBe(4);
    expect(h.errors()).toBe("");
  });

  it("Enter on a finding selects its connection and evidence packets", async () => {
    const h = await start([FIREWALL]);
    const findings = h.app.model!.findings;
    const target = 1; // the second connection's reset
    // One row for the cause (two connections); Enter opens it, a row per connection below.
    expect(h.app.selectedFinding()).toBeUndefined();
    await h.press("enter");
    expect(h.lines()[2]).toMatch(/^error firewall-idle ▾ 2 connections: Connection reset by a middlebox/);
    expect(h.lines()[3]).toMatch(/^ {6}c0 Client kdiag-fwidle/);
    for (let i = 0; i <= target; i++) await h.press("down");
    const f = findings[target]!;
    expect(h.app.selectedFinding()).toBe(f);
    await h.press("enter");
    expect(h.app.focus).toBe("packets");
    expect(h.app.connScope).toBe(f.evidence.connection);
    expect(h.app.selectedPacket()).toBe(f.evidence.packets[0]);
    expect([...h.app.evidence]).toEqual(f.evidence.packets);
    expect(paneTitle(h, "Packets")).toContain(`connection ${f.evidence.connection}`);
    // every packet shown belongs to the connection; the evidence row carries the marker
    const conn = h.app.model!.capture.connections[f.evidence.connection!]!;
    for (const n of h.app.shownPackets()) expect(n >= conn.firstPacket && n <= conn.lastPacket).toBe(true);
    const row = h.lines().find((l) => new RegExp(`^●\\s+${f.evidence.packets[0]} `).test(l));
    expect(row).toBeDefined();
    expect(h.lines()[23]).toContain(`${f.rule}: evidence packet`);
    // back restores the whole capture, on the same finding
    await h.press("escape");
    expect(h.app.connScope).toBeNull();
    expect(h.app.focus).toBe("findings");
    expect(h.app.selectedFinding()).toBe(f);
  });

  it("shows the selected finding's whole message, evidence and advice in the detail pane", async () => {
    const h = await start([FIREWALL]);
    // The cause's row: its connections and the advice, once.
    await h.press("5", "z");
    let text = h.text();
    expect(text).toContain("ERROR firewall-idle: Connection reset by a middlebox after an idle period");
    expect(text).toMatch(/▸ connection 0: packets 1, 11, 12\n.*▸ connection 1: packets 13, 23, 24/);
    expect(text).toContain("net.ipv4.tcp_keepalive_time");
    await h.press("z", "1", "enter", "down");
    await h.press("5");
    await h.press("z");
    text = h.text();
    expect(text).toContain("ERROR firewall-idle: Connection reset by a middlebox after an idle period");
    expect(text).toContain("(packet 12) after 4.96 s idle");
    expect(text).toContain("the RST's TTL 64 is not the broker's 63");
    expect(text).toContain("packets 1, 11, 12");
    expect(text).toContain("net.ipv4.tcp_keepalive_time");
    // Moving in the findings pane follows: the next finding is the reset of connection 1.
    await h.press("z");
    await h.press("1");
    await h.press("down");
    expect(h.lines().some((l) => l.startsWith("  · Client kdiag-fwidle 10.99.1.1:44466 -> 10.99.2.2:9092"))).toBe(true);
  });

  it("the filter bar checks as you type and shows the error position", async () => {
    const h = await start([FIREWALL]);
    await h.press("4", "/");
    expect(h.app.focus).toBe("packets");
    await h.type("tcp.flags.rest == true");
    const text = h.text();
    expect(text).toContain("filter packets (packet fields): tcp.flags.rest == true");
    expect(text).toMatch(/^✗ col \d+: unknown field "tcp\.flags\.rest" \(did you mean "tcp\.flags\.reset"\?\)/m);
    const caretLine = h.lines().find((l) => /^ *\^ *$/.test(l))!;
    const inputLine = h.lines().find((l) => l.startsWith("filter packets"))!;
    // the caret sits under the bad field
    expect(inputLine.slice(caretLine.indexOf("^"))).toMatch(/^(tcp\.flags\.)?rest /);
    await h.press("enter"); // refused while invalid
    expect(h.app.filterBar).not.toBeNull();
    await h.press("C-u");
    await h.type("tcp.flags.reset");
    expect(h.text()).toContain("✓ valid display filter");
    await h.press("enter");
    expect(h.app.filterBar).toBeNull();
    const shown = h.app.shownPackets();
    expect(shown.length).toBeGreaterThan(0);
    const p = h.app.model!.capture.packets;
    for (const n of shown) expect(p.tcpFlags[n - 1]! & 4).toBe(4);
    expect(paneTitle(h, "Packets")).toContain("[filter: tcp.flags.reset]");
  });

  it("a long packet filter at 80 columns: the title keeps the count and the filter, its text cut in the middle", async () => {
    const h = await start([FIREWALL]);
    const filter = "tcp.flags.reset == 1 and ip.addr == 10.99.1.1 and tcp.port == 9092";
    await h.press("4", "/");
    await h.type(filter);
    await h.press("enter");
    const n = h.app.shownPackets().length;
    expect(n).toBeGreaterThan(0);
    const title = paneTitle(h, "Packets")!;
    expect(title.length).toBeLessThanOrEqual(80);
    expect(title).toMatch(new RegExp(`^>4 Packets - all connections \\(${n}\\) \\[filter: tcp\\.flags\\.reset[^\\]]*…[^\\]]*== 9092\\] 1/${n}$`));
    // scoped to one connection (Enter on it), the filter and its count are still in the title
    await h.press("2", "enter", "4");
    expect(paneTitle(h, "Packets")).toMatch(/^>4 Packets - connection 0 \(1\) \[filter: tcp\.flags\.reset[^\]]*…[^\]]*== 9092\] 1\/1$/);
  });

  it("filters a big packet list in slices: keys work meanwhile, progress shows, Esc cancels", async () => {
    const h = await start([FIREWALL]);
    const total = h.app.model!.capture.packets.count;
    // A "big" capture: slices of 5 packets, stepped by hand so the order of events is fixed.
    const slices: Array<() => void> = [];
    h.app.filterChunk = 5;
    h.app.scheduleSlice = (slice) => void slices.push(slice);
    const expected = Array.from(h.app.model!.filterPackets(compileFilter("packet", "tcp.flags.reset"), null), (i) => i + 1);
    await h.press("4", "/");
    await h.type("tcp.flags.reset");
    await h.press("enter");
    expect(h.app.filterProgress()).toEqual({ done: 0, total });
    expect(paneTitle(h, "Packets")).toContain(`[filtering 0/${total}… tcp.flags.reset]`);
    // a key pressed while the filter runs is handled at once, on the unfiltered list
    await h.press("down");
    expect(h.app.selectedPacket()).toBe(2);
    slices.shift()!();
    expect(h.app.filterProgress()).toEqual({ done: 5, total });
    expect(paneTitle(h, "Packets")).toContain(`[filtering 5/${total}…`);
    // Esc cancels: the unfiltered list is back and the pending slice does nothing
    await h.press("escape");
    expect(h.app.filterProgress()).toBeNull();
    expect(h.app.shownPackets()).toHaveLength(total);
    expect(paneTitle(h, "Packets")).not.toContain("filter");
    expect(h.lines()[23]).toContain("filter cancelled");
    slices.shift()!();
    expect(slices).toHaveLength(0);
    expect(h.app.shownPackets()).toHaveLength(total);
    // run to the end: the result is the one of the synchronous filter
    await h.press("/", "C-u");
    await h.type("tcp.flags.reset");
    await h.press("enter");
    while (slices.length > 0) slices.shift()!();
    expect(h.app.filterProgress()).toBeNull();
    expect(h.app.shownPackets()).toEqual(expected);
    expect(paneTitle(h, "Packets")).toContain("[filter: tcp.flags.reset]");
    expect(h.lines()[23]).toContain(`Packets: ${expected.length} matches`);
  });

  it("drills from a connection to its exchanges, the exchange tree and the hex of a packet", async () => {
    const h = await start([FIREWALL]);
    await h.press("2", "enter");
    expect(h.app.focus).toBe("exchanges");
    expect(paneTitle(h, "Kafka exchanges")).toContain("connection");
    await h.press("enter");
    expect(h.app.focus).toBe("detail");
    expect(h.text()).toContain("Kafka exchange: ApiVersions");
    await h.press("4");
    expect(h.app.selectedPacket()).toBe(4); // the request packet of the exchange
    await h.press("5", "z");
    expect(h.text()).toContain("Transmission Control Protocol");
    expect(h.text()).toContain("Kafka request: ApiVersions");
    await h.press("z");
    await h.press("e", "6");
    expect(h.app.focus).toBe("hex");
    expect(h.text()).toMatch(/0000 {2}[0-9a-f]{2} [0-9a-f]{2} /);
    await h.press("?");
    expect(h.text()).toContain("Help");
    expect(h.text()).toContain("In the hex pane (6), where you are");
    await h.press("escape");
    expect(h.text()).not.toContain("In the hex pane (6), where you are");
  });

  it("? lists the keys of every pane, not only the focused one's, and scrolls at 80x24", async () => {
    const h = await start([join(FIXTURES, "real", "firewall-idle-client.pcap")]);
    await h.press("2", "?");
    let s = h.text();
    expect(s).toMatch(/^Help: every key, lines 1-21 of \d+/m);
    expect(s).toContain("In the connections pane (2), where you are:");
    expect(s).toMatch(/<s> +sort by the next column/);
    // Page to the end, collecting what was shown: every pane has its section.
    const seen = new Set(h.lines());
    for (let i = 0; i < 10; i++) {
      await h.press("pagedown");
      for (const l of h.lines()) seen.add(l);
    }
    const all = [...seen].join("\n");
    expect(all).toMatch(/<enter> +open a cause \/ go to a finding's evidence packets/); // findings
    expect(all).toMatch(/<\]> +next marked packet/); // packets
    expect(all).toMatch(/<e> +expand all/); // detail
    expect(all).toMatch(/<enter> +its packets, those seen client side only marked/); // comparison
    expect(all).toMatch(/<a> +all connections \/ selected connection/); // exchanges, packets
    expect(all).toMatch(/<pagedown> <C-d> <space> +page down/); // the list keys
    expect(all).toMatch(/<C-u> +clear/); // the filter bar
    expect(all).toMatch(/<tab> +complete the field name/);
    expect(all).toMatch(/<up> +previous filter from the history/);
    expect(h.lines()[1]).toMatch(/lines \d+-(\d+) of \1 /);
    await h.press("g");
    expect(h.lines()[1]).toMatch(/lines 1-21 of/);
    await h.press("escape");
    expect(h.text()).not.toContain("Help: every key");
    expect(h.app.focus).toBe("connections");
  });

  it("shows the Kafka body tree of the Produce exchange: topic, record batch and record keys", async () => {
    const h = await start([join(FIXTURES, "kcat", "produce-lz4.pcap")]);
    const target = h.app.model!.capture.exchanges.findIndex((e) => e.fields["kafka.api_key"] === 0);
    expect(target).toBeGreaterThanOrEqual(0);
    await h.press("3");
    for (let i = 0; i < target; i++) await h.press("down");
    await h.press("enter");
    expect(h.app.focus).toBe("detail");
    await h.press("z");
    let text = h.text();
    expect(text).toContain("Kafka request: Produce v7 Request corr=3");
    expect(text).toContain("Produce v7 Request body"); // opened by default
    await h.press("e");
    await h.press("/");
    await h.type("Record batch 0");
    await h.press("enter");
    text = h.text();
    // deep rows are cut at 80 columns
    expect(text).toContain("Record batch 0: offsets 0-19, codec lz4, CRC ok, 20 records");
    await h.press("/", "C-u");
    await h.type("key \"order-01\"");
    await h.press("enter");
    text = h.text();
    expect(text).toContain('Record offset 0: key "order-01"');
    expect(text).toContain('Key (8 bytes): "order-01"');
    await h.press("down", "down", "down", "down");
    expect(h.text()).toMatch(/Value \(34 bytes\): "\{"id":1,"item"/);
    // the packet view of the request shows the same tree under the TCP layers
    await h.press("z", "4");
    expect(h.app.selectedPacket()).toBe(h.app.model!.capture.exchanges[target]!.request!.first);
    await h.press("5", "z");
    text = h.text();
    expect(text).toContain("Transmission Control Protocol");
    expect(text).toContain("Request header");
    expect(text).toContain("Produce v7 Request body");
  });

  it("highlights a Kafka field's bytes in the hex pane: the client id of the Produce request", async () => {
    const h = await start([join(FIXTURES, "kcat", "produce-lz4.pcap")]);
    const target = h.app.model!.capture.exchanges.findIndex((e) => e.fields["kafka.api_key"] === 0);
    const request = h.app.model!.capture.exchanges[target]!.request!;
    await h.press("3");
    for (let i = 0; i < target; i++) await h.press("down");
    await h.press("enter", "/");
    await h.type("client_id:");
    await h.press("enter");
    // The first match is the exchange's kafka.client_id field (no bytes of its own); `n` goes on
    // to the request header's client_id, inside a folded node.
    expect(selectedDetailRow(h)).toContain('kafka.client_id: "kcat-producer"');
    await h.press("n");
    expect(selectedDetailRow(h)).toMatch(/^ *. client_id: "kcat-producer"/);
    await h.press("6", "z");
    expect(paneTitle(h, "Hex")).toContain(`Hex - packet ${request.first}`);
    // Highlighted: the int16 length (00 0d) and the 13 bytes of "kcat-producer", in hex and ASCII.
    const runs = hexRuns(h);
    expect(runs.ascii).toBe("..kcat-producer");
    expect(runs.hex).toBe("00 0d 6b 63 61 74 2d 70 72 6f 64 75 63 65 72");
  });

  it("follows a field into the segment that holds it: the records of a 1 MB Produce", async () => {
    const h = await start([join(FIXTURES, "kcat", "message-too-large-acks1.pcap.gz")], { cols: 80, rows: 24 });
    const model = h.app.model!;
    const target = model.capture.exchanges.findIndex((e) => e.fields["kafka.api_key"] === 0 && (e.request?.length ?? 0) > 1_000_000);
    expect(target).toBeGreaterThanOrEqual(0);
    const request = model.capture.exchanges[target]!.request!;
    await h.press("3");
    for (let i = 0; i < target; i++) await h.press("down");
    await h.press("enter", "/");
    await h.type("records: ");
    await h.press("enter");
    expect(h.text()).toMatch(/records: \d+ bytes, 1 batch/);
    await h.press("6", "z");
    // The records start in the first segment and run on to the request's last one.
    expect(paneTitle(h, "Hex")).toContain(`Hex - packet ${request.first} [field continues to packet ${request.last}]`);
    // Highlighted from its int32 length (2,000,079) on, then the batch: base offset 0.
    expect(hexRuns(h).hex).toMatch(/^00 1e 84 cf 00 00 00 00 00 00 00 00 /);
    // A field in another packet moves the hex pane there: the response's error code.
    const response = model.capture.exchanges[target]!.response!;
    await h.press("z", "5", "/", "C-u");
    await h.type("error_code: 10");
    await h.press("enter");
    expect(selectedDetailRow(h)).toMatch(/^ *. error_code: 10$/);
    await h.press("6", "z");
    expect(paneTitle(h, "Hex")).toContain(`Hex - packet ${response.first} `);
    expect(hexRuns(h).hex).toBe("00 0a");
  });

  it("draws the timeline's traffic with a blessed-contrib sparkline on a Unicode terminal", async () => {
    const h = await start([FIREWALL]);
    await h.press("2", "7", "z");
    const lines = h.lines();
    expect(lines[1]).toMatch(/^>7 Timeline - connection 0/);
    expect(lines[2]).toContain("Traffic (bytes on the wire per time bucket)"); // the widget's label
    expect(lines[3]).toMatch(/^client > server: 556 bytes, peak \d+ per [\d.]+ms:/);
    expect(lines[4]).toMatch(/^[▁▂▃▄▅▆▇█]{78}$/); // one sparkline cell per bucket
    expect(lines[6]).toMatch(/^server > client: 399 bytes/);
    // the marks stay text, under the chart, aligned with its buckets: evidence first, the RST last
    expect(lines[8]!.startsWith("!")).toBe(true);
    expect(lines[8]!.endsWith("R")).toBe(true);
    expect(lines[8]!.length).toBe(lines[4]!.length);
    expect(h.text()).toMatch(/longest idle 4\.96s ending at #11/);
    expect(h.text()).not.toContain("c>s ");
    // 80x24 without zoom: the focused timeline still has the rows for the chart
    await h.press("z");
    expect(h.text()).toContain("Traffic (bytes");
    expect(h.text()).not.toContain("c>s ");
    // too short for the chart (80x18): the text cells
    await h.resize(80, 18);
    expect(h.text()).not.toContain("Traffic (bytes");
    expect(h.text()).toMatch(/^c>s [█▇▆▅▄▃▂▁ ]+$/m);
  });

  it("keeps the text timeline on ASCII terminals", async () => {
    const h = await start([FIREWALL], { cols: 80, rows: 24 }, { terminal: "vt100", env: { TERM: "vt100", LANG: "C" } });
    await h.press("2", "7", "z");
    const text = h.text();
    expect(text).not.toContain("Traffic (bytes");
    expect(text).toMatch(/^c>s [#|:. ]+$/m);
    expect(text).toMatch(/^s>c [#|:. ]+$/m);
    expect(text).toMatch(/^ {4}!\s+R$/m);
    expect(text).not.toMatch(/[^\x00-\x7f]/);
  });

  it("sorts connections by a column and marks those with findings", async () => {
    const h = await start([FIREWALL]);
    await h.press("2", "s");
    expect(h.app.sortKey).toBe("client");
    expect(h.text()).toMatch(/client▲/);
    const rows = h.lines().filter((l) => /^[● ]\s+\d+ 10\./.test(l));
    expect(rows.some((r) => r.startsWith("●"))).toBe(true);
  });

  it("a burst of keys read at once is drawn once, ending where the same keys pressed one by one end", async () => {
    const PGDN = "\x1b[6~";
    // One by one: a draw after each key.
    const one = await start([FIREWALL]);
    await one.press("4", ...Array<string>(3).fill("pagedown"), "?", ...Array<string>(3).fill("pagedown"), "G", "k");
    const expected = { packet: one.app.selectedPacket(), screen: one.text() };
    await one.press("C-c");
    await one.exit;
    // The same keys in one read: the focus change and the help's scrolling apply to the keys
    // after them in the burst (page sizes follow the new layout at once, G then k is one line
    // above the last page), and one draw shows it.
    const h = await start([FIREWALL]);
    const screen = h.app.screen as unknown as { render(): void };
    const draw = screen.render.bind(screen);
    let draws = 0;
    screen.render = () => {
      draws++;
      draw();
    };
    await h.press(`4${PGDN.repeat(3)}?${PGDN.repeat(3)}Gk`);
    expect(draws).toBe(1);
    expect(h.app.selectedPacket()).toBe(expected.packet);
    expect(h.text()).toBe(expected.screen);
    // 2000 PgDn in one read: one draw, at the end of the list (40 packets)
    await h.press("escape");
    draws = 0;
    const t0 = performance.now();
    await h.press(PGDN.repeat(2000));
    const ms = performance.now() - t0;
    expect(draws).toBe(1);
    expect(paneTitle(h, "Packets")).toMatch(/^>4 Packets - all connections \(40\) 40\/40$/);
    // The time is reported, not asserted (a loaded machine would make a bound flaky).
    console.log(`2000 PgDn in one read: ${ms.toFixed(0)} ms, ${draws} draw`);
    // q at the end of a burst: the draw the keys before it asked for is dropped with the screen
    const before = h.written().length;
    await h.press("kkq");
    expect(await h.exit).toBe(0);
    expect(h.errors()).toBe("");
    expect(h.written().slice(before)).not.toMatch(/Packets/);
  });

  it("keeps the layout intact through resizes", async () => {
    const h = await start([FIREWALL]);
    for (const [cols, rows] of [
      [120, 40],
      [60, 15],
      [200, 50],
      [80, 24],
    ]) {
      await h.resize(cols!, rows!);
      const lines = h.lines();
      expect(lines).toHaveLength(rows!);
      expect(lines[0]).toMatch(/^kdiag /);
      expect(lines[rows! - 1]).toContain("<q> quit");
      for (const l of lines) expect(Array.from(l).length).toBeLessThanOrEqual(cols!);
      expect(paneTitle(h, "Findings")).toBeDefined();
      expect(lines.join("\n")).toContain("Packets");
      if (cols! >= 120) expect(lines.join("\n")).toContain("Detail");
    }
  });

  it("maximises a pane and comes back", async () => {
    const h = await start([FIREWALL]);
    await h.press("4", "z");
    expect(h.lines()[1]).toMatch(/^>4 Packets/);
    expect(h.text()).not.toContain("Findings (");
    await h.press("escape");
    expect(h.text()).toContain("Findings (");
  });

  it("degrades to ASCII without colour on a VT100", async () => {
    const h = await start([FIREWALL], { cols: 80, rows: 24 }, { terminal: "vt100", env: { TERM: "vt100", LANG: "C" } });
    await h.press("4");
    const text = h.text();
    expect(text).toContain("->");
    expect(text).not.toMatch(/[^\x00-\x7f]/);
    expect(h.written()).not.toMatch(/\x1b\[[0-9;]*3[0-7]m|\x1b\[38;5;/);
  });

  it("sanitises a client id with escape sequences and restores the terminal on quit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-tui-"));
    const evil = join(dir, "evil.pcap");
    const bytes = readFileSync(FIREWALL);
    const from = Buffer.from("kdiag-fwidle");
    const to = Buffer.from("\x1b[2J\x1b]2;X\x07ab");
    expect(to.length).toBe(from.length);
    let at = bytes.indexOf(from);
    while (at >= 0) {
      to.copy(bytes, at);
      at = bytes.indexOf(from, at + 1);
    }
    writeFileSync(evil, bytes);
    const h = await start([evil], { cols: 120, rows: 30 });
    await h.press("3");
    expect(h.text()).toContain("\\e[2J");
    expect(h.written()).not.toContain("\x1b]2;X");
    expect(h.written()).not.toContain("\x1b[2J\x1b]");
    await h.press("q");
    expect(await h.exit).toBe(0);
    // the alternate screen is left and the cursor shown again
    expect(h.written()).toMatch(/\x1b\[\?1049l/);
    expect(h.written()).toMatch(/\x1b\[\?25h/);
  });

  it("capture text with OSC, CSI and a bidi override reaches no pane raw: lists, tree, hex, stream, find, filter", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-tui-"));
    const evil = join(dir, "evil-all.pcap");
    const bytes = readFileSync(FIREWALL);
    const from = Buffer.from("kdiag-fwidle");
    // OSC set-title with BEL, U+202E (right-to-left override, 3 bytes in UTF-8), CSI erase.
    const to = Buffer.concat([Buffer.from("\x1b]2;X\x07"), Buffer.from("\u202e"), Buffer.from("\x1b[J")]);
    expect(to.length).toBe(from.length);
    for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1)) to.copy(bytes, at);
    writeFileSync(evil, bytes);
    const h = await start([evil], { cols: 120, rows: 30 });
    const walk: string[][] = [
      ["1", "enter"], // a finding, its message and advice
      ["3", "enter", "5", "e"], // an exchange's tree, all open
      ["6"], // its bytes (the ASCII column)
      ["4", "F"], // the connection as a stream of Kafka messages
      ["escape", "4", "f", "X", "enter"], // find text in packets
      ["/", ..."kafka.client_id contains \"X\"".split(""), "enter"], // a display filter over the client id
      ["2", "enter", "7"], // a connection and its timeline
    ];
    for (const keys of walk) await h.press(...keys);
    const out = h.written();
    expect(out).not.toContain("\x1b]2;X");
    expect(out).not.toContain("\u202e");
    // The only OSC written is kdiag's own window title.
    expect(out.split("\x1b]").length - 1).toBe(out.split("\x1b]0;kdiag\x07").length - 1);
    expect(h.errors()).toBe("");
    await h.press("3");
    expect(h.text()).toMatch(/\\e\]2;X\\x07/); // shown escaped, readable
  });

  it("a filter longer than the screen scrolls in the bar: the end being typed stays in view", async () => {
    const h = await start([FIREWALL]);
    await h.press("4", "/");
    const text = "tcp.flags.reset == 1 and ip.addr == 10.99.0.0/16 and tcp.port in {9092, 9093} and frame.len > 40";
    await h.type(text);
    const input = h.lines().find((l) => l.includes("frame.len > 40")) ?? "";
    expect(input.startsWith("…")).toBe(true);
    expect(input.trimEnd().endsWith("frame.len > 40")).toBe(true);
    expect(h.text()).toContain("✓ valid display filter");
    await h.press("home");
    expect(h.lines().some((l) => l.startsWith("filter packets (packet fields): tcp.flags.reset == 1"))).toBe(true);
    await h.press("enter");
    expect(h.app.shownPackets()).toEqual([12, 24]);
  });

  it("compares a client-side and a server-side capture", async () => {
    const h = await start([FIREWALL, BROKER_SIDE], { cols: 160, rows: 40 });
    expect(paneTitle(h, "Comparison")).toBeDefined();
    expect(h.text()).toMatch(/RST only on the client side|RST by the|same packets|one side only/);
  });

  it("two captures at 80x24: one findings row per cause, the connections inside", async () => {
    for (const pair of [
      [FIREWALL, BROKER_SIDE],
      [join(FIXTURES, "incidents", "fw-reset-client.pcap"), join(FIXTURES, "incidents", "fw-reset-broker.pcap")],
    ]) {
      const h = await start(pair);
      const model = h.app.model!;
      const rules = [...new Set(model.findings.map((f) => f.rule))];
      const title = h.lines().findIndex((l) => /^[ >]1 Findings/.test(l));
      const rows = h.lines().slice(title + 1).filter((l) => /^(criti|error|warni|notic|info ) /.test(l));
      expect(rows.map((l) => l.split(" ")[1])).toEqual(rules);
      for (const rule of rules) {
        const n = model.findings.filter((f) => f.rule === rule).length;
        const row = rows.find((l) => l.split(" ")[1] === rule)!;
        if (n > 1) expect(row).toContain(`${n} connections`);
        else expect(row).toMatch(/ c\d+ /);
      }
      if (pair[0] === FIREWALL) {
        // 4 findings (2 rules x 2 connections) in 2 rows; Enter opens the first into its connections
        expect(model.findings).toHaveLength(4);
        expect(paneTitle(h, "Findings")).toContain("(4) - 2 causes");
        await h.press("enter", "down", "enter");
        expect(h.app.focus).toBe("packets");
        expect(h.app.connScope).toBe(0);
        expect([...h.app.evidence]).toEqual(model.findings[0]!.evidence.packets);
      }
      await h.press("C-c");
      await h.exit;
    }
  });

  it("the detail pane has the whole text of a row cut at 80 columns: comparison, connection, exchange result", async () => {
    const h = await start([join(FIXTURES, "incidents", "fw-reset-client.pcap"), join(FIXTURES, "incidents", "fw-reset-broker.pcap")]);
    await h.press("8");
    const row = h.lines().find((l) => l.startsWith("10.97.1.1:33466"))!;
    expect(row).toMatch(/RST only on the client si…$/);
    expect(h.text()).toContain("RST only on the client side: made in the path (not sent by the server)");
    await h.press("2");
    expect(h.text()).toContain("Connection 0: 10.97.1.1:33466 -> 10.97.2.2:9092");
    expect(h.text()).toContain("Client: 10.97.1.1:33466");
    await h.press("3");
    const ex = h.app.model!.capture.exchanges.findIndex((e) => e.status === "unanswered");
    for (let i = 0; i < ex; i++) await h.press("down");
    // the row has the short form, whole; the detail pane the long one
    expect(h.lines().some((l) => / NO RESP \(RST\)$/.test(l))).toBe(true);
    expect(h.text()).toMatch(/Kafka exchange: Produce v7 corr=\d+ unanswered, result NO RESPONSE \(RST\)/);
  });

  it("capture text cannot inject blessed tags into a coloured packet row", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-tui-"));
    const evil = join(dir, "tags.pcap");
    const bytes = readFileSync(FIREWALL);
    const from = Buffer.from("kdiag-fwidle");
    const to = Buffer.from("{red-fg}x{/}");
    for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1)) to.copy(bytes, at);
    writeFileSync(evil, bytes);
    const h = await start([evil], { cols: 160, rows: 40 });
    await h.press("4", "z");
    expect(h.text()).toMatch(/^ +4 .* Kafka +92 ApiVersions v0 Request corr=1 client=\{red-fg\}x\{\/\}$/m);
  });

  it("Enter on a compare row marks the client-side packets the server side never saw: the RSTs of the path", async () => {
    const h = await start([FIREWALL, BROKER_SIDE], { cols: 160, rows: 40 });
    const p = h.app.model!.capture.packets;
    const seen: number[] = [];
    for (const row of [0, 1]) {
      await h.press("8");
      expect(h.app.focus).toBe("compare");
      if (row === 1) await h.press("down");
      await h.press("enter");
      expect(h.app.focus).toBe("packets");
      expect(h.app.connScope).toBe(row);
      const only = [...h.app.evidence];
      seen.push(...only);
      // the request the firewall dropped and its RST: the RST is the last one-sided packet
      const rst = only.filter((n) => (p.tcpFlags[n - 1]! & 4) !== 0);
      expect(rst).toEqual([row === 0 ? 12 : 24]);
      expect(paneTitle(h, "Packets")).toContain(`connection ${row}`);
      expect(paneTitle(h, "Packets")).toContain("[● client side only]");
      expect(h.text()).toContain(`seen on the client side only: packets ${only.join(", ")}`);
      expect(h.lines().some((l) => new RegExp(`●\\s+${rst[0]} .*RST`).test(l))).toBe(true);
      await h.press("escape");
      expect(h.app.focus).toBe("compare");
      expect(h.app.connScope).toBeNull();
      expect(paneTitle(h, "Packets")).not.toContain("client side only");
    }
    expect(seen).toEqual([11, 12, 23, 24]);
    // the connection seen the same on both sides has nothing one-sided
    await h.press("8", "down", "down", "enter");
    expect(h.app.evidence.size).toBe(0);
    expect(h.text()).toContain("every client-side packet was seen on the server side");
  });
});

describe("kdiag tui exit codes", () => {
  it("opens a capture cut in the middle of a packet: the packets before it, and where it broke", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-tui-"));
    const cut = join(dir, "cut.pcap");
    const bytes = readFileSync(FIREWALL);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
    const h = await start([cut]);
    expect(h.lines()[0]).toMatch(/^kdiag cut\.pcap {2}\[damaged at packet 40\] {2}39 pkts/);
    expect(h.lines()[23]).toMatch(/^capture damaged, read up to there: cut\.pcap: packet 40: /);
    await h.press("j");
    expect(h.lines()[0]).toContain("[damaged at packet 40]");
    expect(h.app.model!.capture.packets.count).toBe(39);
    expect(h.text()).toContain("Findings (");
    // As the other commands: said again once the terminal is back, exit code 4.
    await h.press("q");
    expect(await h.exit).toBe(4);
    expect(h.errors()).toMatch(/^kdiag tui: .*cut\.pcap: packet 40: .* \(the TUI showed the 39 packets before it\)\n$/);
  });

  it("refuses a file that is not a capture, with one line saying so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-tui-"));
    const text = join(dir, "notes.txt");
    writeFileSync(text, "this is not a capture\n".repeat(20));
    const { runTui } = await import("../../src/tui/index.js");
    let err = "";
    let out = "";
    const code = await runTui({
      files: [text],
      output: { write: (s: string) => ((out += s), true), isTTY: true, columns: 80, rows: 24, on() {}, once() {}, removeListener() {} } as unknown as NodeJS.WriteStream,
      errorOutput: { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream,
    });
    expect(code).toBe(3);
    expect(out).toBe(""); // refused before the screen was set up
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toContain("notes.txt");
    expect(err).toMatch(/not a (pcap|capture)/i);
  });

  it("goes on with the other rules when a rule file is broken: says so on screen, lists it on quit, exits 5", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-tui-"));
    const broken = join(dir, "mine.yaml");
    writeFileSync(broken, "- rule: mine\n  title: t\n  desc: d\n  severity: warning\n  scope: connection\n  condition: conn.idel_ms > 1.0\n  output: x\n");
    const h = await start([FIREWALL], { cols: 80, rows: 24 }, { ruleFiles: [broken] });
    expect(h.app.model!.findings.map((f) => f.rule)).toContain("firewall-idle");
    expect(h.lines()[0]).toContain("[1 rule problem, listed on quit]");
    expect(h.lines()[23]).toMatch(/mine\.yaml:6:\d+: error RULE_UNKNOWN_FIELD/);
    await h.press("q");
    expect(await h.exit).toBe(5);
    expect(h.errors()).toMatch(/mine\.yaml:6:19: error RULE_UNKNOWN_FIELD \[mine\]: unknown field "conn\.idel_ms".*\n +condition: conn\.idel_ms > 1\.0\n +\^/);
  });

  it("refuses to start without a terminal (a script, a pipe), before touching the output", async () => {
    const { runTui } = await import("../../src/tui/index.js");
    let err = "";
    let out = "";
    const code = await runTui({
      files: [FIREWALL],
      input: new PassThrough(),
      output: { write: (s: string) => ((out += s), true), isTTY: false } as unknown as NodeJS.WriteStream,
      errorOutput: { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream,
    });
    expect(code).toBe(2);
    expect(err).toBe("kdiag tui: needs a terminal (standard input and output); for a report in a script or a pipe, use kdiag analyze\n");
    expect(out).toBe("");
  });

  it("refuses a missing capture before touching the terminal", async () => {
    const { runTui } = await import("../../src/tui/index.js");
    let err = "";
    const code = await runTui({ files: ["/nonexistent.pcap"], errorOutput: { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream });
    expect(code).toBe(3);
    expect(err).toContain("/nonexistent.pcap");
  });
});

describe("kdiag tui crash", () => {
  it("restores the terminal and reports an internal error", async () => {
    const { PassThrough } = await import("node:stream");
    const { runTui } = await import("../../src/tui/index.js");
    const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80, rows: 24 });
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
    let written = "";
    output.on("data", (d: Buffer) => (written += d.toString()));
    let err = "";
    const code = await runTui({
      files: [FIREWALL],
      input,
      output,
      terminal: "xterm-256color",
      env: { LANG: "C.UTF-8" },
      errorOutput: { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream,
      onReady: (_app, stage) => {
        if (stage === "data") throw new Error("boom");
      },
    });
    expect(code).toBe(1);
    expect(err).toContain("internal error: boom");
    expect(written).toMatch(/\x1b\[\?1049l/);
  });
});
