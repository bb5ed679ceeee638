/**
 * `kdiag tui -i`: the panes grow while the capture is written, and nothing moves under the
 * reader. The capture stream is the real firewall capture fed in three parts, as a capture tool
 * would write it (the live input's test hook: no tcpdump child); the screen is read back.
 * (scripts/live/live-check.sh --tui runs the same with tcpdump on real traffic, in tmux.)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { headless, type Headless } from "./harness.js";
import { RetiredConnection } from "../../src/live/retired-rows.js";

const FIREWALL = "test/fixtures/real/firewall-idle-client.pcap";

/** Byte offset after record n of a classic little-endian pcap. */
function afterRecord(buf: Buffer, n: number): number {
  let o = 24;
  for (let i = 0; i < n; i++) o += 16 + buf.readUInt32LE(o + 8);
  return o;
}

async function until(h: Headless, what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; screen:\n${h.text()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const focused = (h: Headless) => h.lines().find((l) => /^>\d /.test(l.trimStart()) || l.includes(">2 Connections") || l.includes(">1 Findings"));

/** kdiag analyze's findings on the firewall capture: the live TUI must end with the same. */
function expectFirewallFindings(h: { app: { model: { findings: Array<{ rule: string; evidence: { connection?: number; packets: number[] } }> } | null } }): void {
  expect(h.app.model!.findings.map((f) => [f.rule, f.evidence.connection, f.evidence.packets])).toEqual([
    ["firewall-idle", 0, [1, 11, 12]],
    ["firewall-idle", 1, [13, 23, 24]],
  ]);
}

describe("kdiag tui -i: live panes", () => {
  it("lists the connection first, then its finding; selection and focus stay while the capture grows", async () => {
    const bytes = readFileSync(FIREWALL);
    const stream = new PassThrough();
    // Packets 1-10: connection 0 set up, then idle (the firewall's RST is packet 12).
    stream.write(bytes.subarray(0, afterRecord(bytes, 10)));
    const h = await headless([], { cols: 100, rows: 30 }, { live: { iface: "test0", stream } });
    await until(h, "10 packets", () => h.text().includes("[live: 10 packets"));
    expect(h.lines()[0]).toMatch(/^kdiag live on test0 +\[live: 10 packets, q quits\]/);
    expect(h.text()).toContain("Findings (0)");
    expect(h.text()).toContain("Connections (1/1)");
    // No finding: the connections pane has the focus.
    expect(focused(h)).toContain(">2 Connections");
    expect(h.app.selectedConnection()).toBe(0);

    // Packets 11-20: the RST (12) and the client's new connection (13-).
    stream.write(bytes.subarray(afterRecord(bytes, 10), afterRecord(bytes, 20)));
    await until(h, "20 packets", () => h.text().includes("[live: 20 packets"));
    expect(h.text()).toContain("Findings (1)");
    expect(h.text()).toMatch(/error firewall-idle c0 /);
    expect(h.text()).toContain("Connections (2/2)");
    // The finding arrived, yet the focus and the selection did not move.
    expect(focused(h)).toContain(">2 Connections");
    expect(h.app.selectedConnection()).toBe(0);

    // The user moves to connection 1; the rest of the capture (its RST, a third connection) arrives.
    await h.press("down");
    expect(h.app.selectedConnection()).toBe(1);
    stream.end(bytes.subarray(afterRecord(bytes, 20)));
    await until(h, "the end of the capture", () => h.text().includes("[capture stopped: 40 packets]"));
    expect(h.text()).toContain("Findings (2)");
    expect(h.text()).toContain("Connections (3/3)");
    expect(h.app.selectedConnection()).toBe(1);
    expect(focused(h)).toContain(">2 Connections");
    // The same findings as kdiag analyze on the file.
    expectFirewallFindings(h);
    await h.press("q");
    expect(await h.exit).toBe(0);
  }, 60_000);

  it("with a detail window, a closed connection older than the window is summarised: its row and finding stay, the selection does not move", async () => {
    const bytes = readFileSync(FIREWALL);
    const stream = new PassThrough();
    stream.write(bytes.subarray(0, afterRecord(bytes, 10)));
    // A window of one packet: connection 0 leaves as soon as it closed (RST, packet 12) and was
    // evaluated in a full round (every 5th refresh; a refresh follows new packets, at most once a second).
    const h = await headless([], { cols: 120, rows: 30 }, { live: { iface: "test0", stream, window: { packets: 1 } } });
    await until(h, "10 packets", () => h.text().includes("[live: 10 packets"));
    expect(h.app.selectedConnection()).toBe(0);
    let written = 10;
    while (written < 20 && !h.text().includes("older connection")) {
      written++;
      stream.write(bytes.subarray(afterRecord(bytes, written - 1), afterRecord(bytes, written)));
      await until(h, `${written} packets`, () => h.text().includes(`[live: ${written} packets`));
    }
    expect(h.lines()[0]).toMatch(/\[live: \d+ packets, 1 older connection summarised \(\d+ exchanges\), q quits\]/);
    // Its row and its finding are still listed; the user's selection stayed on it.
    expect(h.text()).toMatch(/Connections \(2\/2\)/);
    expect(h.text()).toMatch(/error firewall-idle c0 /);
    expect(h.app.selectedConnection()).toBe(0);
    expect(focused(h)).toContain(">2 Connections");
    stream.end(bytes.subarray(afterRecord(bytes, written)));
    await until(h, "the end of the capture", () => h.text().includes("[capture stopped: 40 packets"));
    // The findings are still kdiag analyze's: connection 0's was settled before it left.
    expectFirewallFindings(h);
    expect(h.app.selectedConnection()).toBe(0);
    await h.press("q");
    expect(await h.exit).toBe(0);
  }, 90_000);

  it("a connection that left the window is a compact row: its detail, a conn.* filter and its finding still work", async () => {
    const bytes = readFileSync(FIREWALL);
    const stream = new PassThrough();
    stream.write(bytes.subarray(0, afterRecord(bytes, 10)));
    const h = await headless([], { cols: 120, rows: 40 }, { live: { iface: "test0", stream, window: { packets: 1 } } });
    await until(h, "10 packets", () => h.text().includes("[live: 10 packets"));
    let written = 10;
    while (written < 20 && !h.text().includes("older connection")) {
      written++;
      stream.write(bytes.subarray(afterRecord(bytes, written - 1), afterRecord(bytes, written)));
      await until(h, `${written} packets`, () => h.text().includes(`[live: ${written} packets`));
    }
    // Kept as kdiag watch keeps it: one row of typed-array columns behind a view, not its record.
    expect(h.app.model!.capture.connections[0]).toBeInstanceOf(RetiredConnection);
    // Its detail (the connections pane has the focus; the detail follows the selection) reads the row.
    expect(h.app.selectedConnection()).toBe(0);
    await h.press("down", "up");
    expect(h.app.selectedConnection()).toBe(0);
    expect(h.text()).toContain("Close: RST by the server (packet 12, after 37us i");
    expect(h.text()).toContain("Longest idle: 4.96s (ended by packet 11)");
    // A filter on conn.* facts: built from the row (connection 1 is still open).
    await h.press("/");
    await h.type('conn.close_how == "rst"');
    await h.press("enter");
    expect(h.text()).toContain("Connections (1/2)");
    expect(h.app.selectedConnection()).toBe(0);
    // Its finding is still in the findings pane, and Enter on it scopes the packets to it.
    expect(h.text()).toMatch(/error firewall-idle c0 /);
    await h.press("1", "enter");
    expect(h.app.connScope).toBe(0);
    expect([...h.app.evidence]).toEqual([1, 11, 12]);
    stream.end(bytes.subarray(afterRecord(bytes, written)));
    await until(h, "the end of the capture", () => h.text().includes("[capture stopped: 40 packets"));
    expectFirewallFindings(h);
    await h.press("q");
    expect(await h.exit).toBe(0);
  }, 90_000);

  it("past --keep-connections, the oldest connection is folded: it leaves the list, the notice says so, its finding stays", async () => {
    const bytes = readFileSync(FIREWALL);
    const stream = new PassThrough();
    stream.write(bytes.subarray(0, afterRecord(bytes, 10)));
    const h = await headless([], { cols: 140, rows: 30 }, { live: { iface: "test0", stream, window: { packets: 1 }, keepConnections: 0 } });
    await until(h, "10 packets", () => h.text().includes("[live: 10 packets"));
    let written = 10;
    while (written < 20 && !h.text().includes("folded")) {
      written++;
      stream.write(bytes.subarray(afterRecord(bytes, written - 1), afterRecord(bytes, written)));
      await until(h, `${written} packets`, () => h.text().includes(`[live: ${written} packets`));
    }
    expect(h.lines()[0]).toMatch(/\[live: \d+ packets, 1 older connection summarised \(\d+ exchanges\), 1 folded \(past --keep-connections 0\), q quits\]/);
    // No object stays of it: a hole in the list, and the pane lists the others.
    expect(h.app.model!.capture.connections[0]).toBeUndefined();
    expect(h.text()).toContain("Connections (1/1)");
    // Its packets are still listed with their ports and flags (raw sequence numbers: no record to make them relative).
    expect(h.text()).toMatch(/^ +1 +0us 10\.99\.1\.1 → 10\.99\.2\.2 TCP +74 \[SYN\] 44458 → 9092 Seq=\d+/m);
    expect(h.text()).toMatch(/error firewall-idle c0 /);
    stream.end(bytes.subarray(afterRecord(bytes, written)));
    await until(h, "the end of the capture", () => h.text().includes("[capture stopped: 40 packets"));
    expect(h.lines()[0]).toMatch(/folded \(past --keep-connections 0\)/);
    // The findings are still analyze's.
    expectFirewallFindings(h);
    await h.press("q");
    expect(await h.exit).toBe(0);
  }, 90_000);

  it("-w keeps pcapng though the stream is classic pcap; a stream cut inside a record keeps the complete packets and says so on quit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-tui-live-"));
    try {
      const out = join(dir, "kept.pcapng");
      const bytes = readFileSync(FIREWALL);
      const stream = new PassThrough();
      // The capture tool dies 10 bytes into packet 25's data.
      stream.write(bytes.subarray(0, afterRecord(bytes, 12)));
      const h = await headless([], { cols: 100, rows: 30 }, { live: { iface: "test0", stream, write: out } });
      stream.end(bytes.subarray(afterRecord(bytes, 12), afterRecord(bytes, 24) + 16 + 10));
      await until(h, "the end of the capture", () => h.text().includes("[capture stopped: 24 packets"));
      await h.press("q");
      expect(await h.exit).toBe(0);
      expect(h.errors()).toContain(`kdiag tui: test0: capture stream ended inside a record at offset ${afterRecord(bytes, 24)} (record cut short: 26 of `);
      const env = { ...process.env, HOME: tmpdir() };
      expect(execFileSync("capinfos", ["-t", out], { encoding: "utf8", env })).toMatch(/File type:\s+Wireshark\/\.\.\. - pcapng/);
      const frames = execFileSync("tshark", ["-r", out, "-T", "fields", "-e", "frame.interface_name"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], env }).trim().split("\n");
      expect(frames).toEqual(Array(24).fill("test0"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
