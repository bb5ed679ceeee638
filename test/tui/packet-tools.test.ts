/**
 * The packets pane's tools as a Wireshark or termshark user reaches for them, headless with real
 * key bytes: marks of your own (m, M, ] and [), follow stream (F), find (f, n) and the time
 * reference (t).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseUserKeys } from "../../src/tui/user-keys.js";
import { headlessPerTest, type Headless } from "./harness.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures");
const TOO_LARGE = join(FIXTURES, "kcat", "message-too-large-acks1.pcap.gz");
const FIREWALL = join(FIXTURES, "real", "firewall-idle-client.pcap");

const startTui = headlessPerTest();

function start(file: string, size = { cols: 80, rows: 24 }): Promise<Headless> {
  return startTui([file], size);
}

/** The drawn row of packet `n` in the packets pane, or undefined. */
const packetLine = (h: Headless, n: number) => h.lines().find((l) => new RegExp(`^. +${n} `).test(l));

describe("the packets pane's tools, headless", () => {
  it("m marks packets with their own glyph, ] and [ walk them, and the marks outlive a filter; M clears them", async () => {
    const h = await start(FIREWALL);
    await h.press("4", "down", "down", "m"); // packet 3
    expect(packetLine(h, 3)).toMatch(/^◆ +3 /);
    expect(h.lines()[23]).toContain("packet 3 marked (1 marked; ] next, M clears)");
    for (let i = 0; i < 5; i++) await h.press("down");
    await h.press("m"); // packet 8
    await h.press("g", "]");
    expect(h.app.selectedPacket()).toBe(3);
    await h.press("]");
    expect(h.app.selectedPacket()).toBe(8);
    await h.press("]");
    expect(h.app.selectedPacket()).toBe(3); // wraps round
    await h.press("[");
    expect(h.app.selectedPacket()).toBe(8);
    // A filter that hides packet 3, then cleared: both marks are still there.
    await h.press("/");
    await h.type("kafka");
    await h.press("enter");
    expect(h.app.shownPackets()).not.toContain(3);
    await h.press("g", "]");
    expect(h.app.selectedPacket()).toBe(8);
    await h.press("x");
    expect([...h.app.userMarks].sort((a, b) => a - b)).toEqual([3, 8]);
    // A finding's evidence and your marks: ] stops at both.
    await h.press("1", "enter", "down", "enter", "g");
    expect([...h.app.evidence]).toEqual([1, 11, 12]);
    const stops: number[] = [];
    for (let i = 0; i < 5; i++) await h.press("]"), stops.push(h.app.selectedPacket());
    expect(stops).toEqual([3, 8, 11, 12, 1]);
    await h.press("M");
    expect(h.app.userMarks.size).toBe(0);
    expect(h.lines()[23]).toContain("2 marks cleared");
    expect(packetLine(h, 3)).toMatch(/^ +3 /);
  });

  it("F follows the connection as Kafka messages with arrows; Enter selects the MESSAGE_TOO_LARGE response's packet", async () => {
    const h = await start(TOO_LARGE);
    await h.press("4", "F");
    expect(h.app.focus).toBe("detail");
    const lines = h.lines();
    expect(lines.find((l) => /^>5 Stream - connection 0 /.test(l))).toBeDefined();
    const request = lines.findIndex((l) => /^C→B +0\.049814 #77 Produce v7 Request corr=3 2\.0MB$/.test(l));
    const response = lines.findIndex((l) => /^C←B +0\.081092 #79 Produce v7 Response corr=3 58B 31\.3ms MESSAGE_TOO_LARGE$/.test(l));
    expect(request).toBeGreaterThan(0);
    expect(response).toBe(request + 1);
    // F on packet 1 starts on the first row; the response is row 8.
    expect(h.app.selectedPacket()).toBe(1);
    for (let i = 0; i < 7; i++) await h.press("j");
    await h.press("enter");
    expect(h.app.selectedPacket()).toBe(79);
    expect(h.lines()[23]).toContain("packet 79 selected in the packets pane (4 goes there)");
    // The stream stays; 4 goes to the packet, whose tree opens on its error code.
    expect(h.lines().some((l) => /^>5 Stream - connection 0 8\/10/.test(l))).toBe(true);
    await h.press("4");
    expect(h.app.focus).toBe("packets");
    expect(h.text()).toMatch(/^ +· error_code: 10$/m);
    // From the connections pane too, and Esc goes back where F was pressed.
    await h.press("2", "F");
    expect(h.lines().some((l) => /^>5 Stream - connection 0 1\/10/.test(l))).toBe(true);
    await h.press("escape");
    expect(h.app.focus).toBe("connections");
  });

  it("f finds a client id in the Kafka fields, n the next packet with it; a miss says so", async () => {
    const h = await start(TOO_LARGE);
    await h.press("4", "f");
    expect(h.text()).toMatch(/^find packet \(text of its row or Kafka fields\):$/m);
    await h.type("KCAT-BIG");
    await h.press("enter");
    expect(h.app.selectedPacket()).toBe(4);
    expect(h.lines()[23]).toContain('found "KCAT-BIG": packet 4 (n next)');
    await h.press("n");
    expect(h.app.selectedPacket()).toBe(6);
    await h.press("n", "n");
    expect(h.app.selectedPacket()).toBe(9);
    // Ctrl-F too, with the text kept; a miss leaves the selection.
    await h.press("\x06", "C-u");
    await h.type("no-such-client");
    await h.press("enter");
    expect(h.app.selectedPacket()).toBe(9);
    expect(h.lines()[23]).toContain("not found: no-such-client");
  });

  it("f on a big list runs in slices: the title shows its progress and Esc stops it", async () => {
    const h = await start(TOO_LARGE);
    const slices: Array<() => void> = [];
    h.app.scheduleSlice = (s) => void slices.push(s);
    // Every packet takes long enough that one slice cannot test them all.
    const model = h.app.model!;
    const row = model.packetRow.bind(model);
    model.packetRow = (...a) => {
      const until = performance.now() + 2;
      while (performance.now() < until);
      return row(...a);
    };
    await h.press("4", "f");
    await h.type("no-such-text");
    await h.press("enter");
    expect(slices.length).toBe(1);
    expect(h.lines().find((l) => l.startsWith(">4 Packets"))).toMatch(/\[finding \d+\/82… no-such-text\]/);
    await h.press("escape");
    expect(h.lines()[23]).toContain("find cancelled");
    slices.shift()!();
    expect(slices.length).toBe(0);
    expect(h.lines().find((l) => l.startsWith(">4 Packets"))).not.toContain("[finding");
    expect(h.app.selectedPacket()).toBe(1);
    // Left to run, the slices get to the answer of the 2 MB Produce, keys working meanwhile.
    await h.press("f", "C-u");
    await h.type("message_too_large");
    await h.press("enter");
    await h.press("j");
    expect(h.app.selectedPacket()).toBe(2);
    while (slices.length > 0) slices.shift()!();
    expect(h.app.selectedPacket()).toBe(79);
    expect(h.lines().find((l) => l.startsWith(">4 Packets"))).not.toContain("[finding");
  });

  it("t sets the time reference: *REF* on its row, times since it in the time column and the tree; t again clears", async () => {
    const h = await start(FIREWALL, { cols: 200, rows: 40 });
    // Maximised, the packets pane has the time column (from 120 columns).
    await h.press("4", "z");
    for (let i = 0; i < 10; i++) await h.press("down");
    await h.press("t"); // packet 11, the request after the idle gap
    expect(h.app.timeRef).toBe(11);
    expect(packetLine(h, 11)).toMatch(/^ +11 +\*REF\* +\*REF\* 10\.99\.1\.1 /);
    expect(packetLine(h, 12)).toMatch(/^ +12 +0\.000037 +37us /);
    expect(packetLine(h, 1)).toMatch(/^ +1 +-5\.003291 /);
    await h.press("z", "5", "g", "enter");
    expect(h.text()).toContain("Time reference: this packet (*REF*)");
    await h.press("4", "down", "5", "g", "enter");
    expect(h.text()).toContain("Time since reference (packet 11): 0.000037 s");
    await h.press("4", "up", "z", "t");
    expect(h.app.timeRef).toBe(0);
    expect(packetLine(h, 11)).toMatch(/^ +11 +5\.003291 +4\.96s /);
    expect(h.lines().at(-1)).toContain("time reference cleared");
  });

  it("t at 80 columns: *REF* replaces the delta of the reference row", async () => {
    const h = await start(FIREWALL);
    await h.press("4", "down", "down", "t");
    expect(packetLine(h, 3)).toMatch(/^ +3  \*REF\* 10\.99\.1\.1 → 10\.99\.2\.2 TCP/);
    expect(h.lines()[23]).toContain("packet 3 is the time reference (*REF*)");
  });

  it("a keys file rebinds them like every action: time reference, find, follow and the tree's keys move; a clash is refused", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "kdiag-keys-")), "keys.yaml");
    writeFileSync(file, 'time-ref: T\nfind: C-g\nfollow-stream: "#"\nexpand-all: E\n');
    const h = await startTui([FIREWALL], { cols: 80, rows: 24 }, { keysFile: file });
    await h.press("4", "down", "down", "t", "f");
    expect([h.app.timeRef, h.app.filterBar]).toEqual([0, null]);
    await h.press("T");
    expect(h.app.timeRef).toBe(3);
    expect(h.lines()[23]).toContain("packet 3 is the time reference (*REF*): times count from it (T clears)");
    await h.press("\x07");
    expect(h.text()).toMatch(/^find packet \(text of its row or Kafka fields\):$/m);
    await h.press("escape", "enter");
    const folded = h.app.flat.length;
    await h.press("e");
    expect(h.app.flat.length).toBe(folded);
    await h.press("E");
    expect(h.app.flat.length).toBeGreaterThan(folded);
    await h.press("4", "#");
    expect(h.lines().find((l) => l.startsWith(">5 "))).toMatch(/^>5 Stream - connection 0/);
    // t is free now, but it cannot take find's key where both apply.
    expect(parseUserKeys("keys.yaml", "time-ref: f\n").problems).toEqual([
      'keys.yaml:1:11: time-ref: "f" is already the built-in key of "find" (find a packet by text (Info, addresses, Kafka fields)) in the packets pane; time-ref keeps its default keys (t)',
    ]);
  });
});
