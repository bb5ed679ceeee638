/**
 * `kdiag watch --window`: the Kafka messages of closed, evaluated connections older than the
 * window leave the model (src/live/window.ts), what stays is a summary and their findings; the
 * findings printed are still those of `analyze --json`.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseWindow, LiveWindow } from "../../src/live/window.js";
import { analyseCapture, type PassSoFar } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";

const BUSY = "test/fixtures/matrix/controls/busy-one-host-client.pcap.gz";

function kdiag(args: string[]) {
  return spawnSync(process.execPath, ["bin/kdiag.js", ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
}

interface Finding {
  rule: string;
  severity: string;
  confidence?: string;
  evidence: { connection?: number; packets: number[] };
}
const verdicts = (fs: Finding[]) =>
  fs.map((f) => `${f.rule}|${f.severity}|${f.confidence ?? ""}|${f.evidence.connection ?? ""}|${f.evidence.packets.join(",")}`).sort();

describe("--window sizes", () => {
  it("reads a packet count or a duration, and refuses anything else", () => {
    expect(parseWindow("200000")).toEqual({ packets: 200000 });
    expect(parseWindow("90s")).toEqual({ us: 90e6 });
    expect(parseWindow("10m")).toEqual({ us: 600e6 });
    expect(parseWindow("1.5h")).toEqual({ us: 5400e6 });
    for (const bad of ["0", "-5", "1.5", "10 minutes", "", "5d"]) expect(parseWindow(bad), bad).toBeNull();
  });
});

describe("LiveWindow on a real capture of 10 connections from one busy host", () => {
  it("drops the messages and exchanges of the closed connections out of the window, and counts them in its summary", async () => {
    const capture = await analyseCapture(BUSY, { registry: createRegistry() });
    const so: PassSoFar = {
      packets: capture.packets,
      pdus: capture.pdus,
      connections: capture.connections,
      exchanges: capture.exchanges,
      notes: capture.notes,
      decode: capture.decode,
      swapped: new Set(),
      forget: () => {},
      fold: () => {},
    };
    const pdusBefore = capture.pdus.length;
    const exchangesBefore = capture.exchanges.length;
    const last = capture.packets.count;
    // A window of the last 50 packets: connections that ended before them leave; the rest stay.
    const window = new LiveWindow({ packets: 50 });
    const leaving = capture.connections.filter((c) => c.close.how !== "open" && last - c.lastPacket >= 50).map((c) => c.id);
    expect(leaving.length).toBeGreaterThan(0);
    const kept = capture.connections.filter((c) => !leaving.includes(c.id)).map((c) => c.id);
    const keptPdus = capture.pdus.filter((d) => kept.includes(d.connId)).length;
    const keptExchanges = capture.exchanges.filter((x) => kept.includes(x.connId));

    // Not evaluated in its final state: nothing leaves.
    expect(window.retire(so, () => false, 0)).toEqual([]);
    expect(capture.pdus.length).toBe(pdusBefore);

    expect(window.retire(so, () => true, 0).sort((a, b) => a - b)).toEqual(leaving);
    expect(capture.pdus.length).toBe(keptPdus);
    expect(capture.pdus.every((d) => kept.includes(d.connId))).toBe(true);
    expect(capture.exchanges).toEqual(keptExchanges);
    expect(window.summary.connections).toBe(leaving.length);
    expect(window.summary.pdus).toBe(pdusBefore - keptPdus);
    expect(window.summary.exchanges).toBe(exchangesBefore - keptExchanges.length);
    const tallied = [...window.summary.byApi.values()].reduce((n, t) => n + t.exchanges, 0);
    expect(tallied).toBe(window.summary.exchanges);
    // Kafka exchanges are tallied by API name: this capture's clients produce.
    expect([...window.summary.byApi.keys()]).toContain("Produce");
    // Once out, a connection is not retired twice.
    expect(window.retire(so, () => true, 0)).toEqual([]);
    capture.bytes.close();
  });
});

describe("kdiag watch --window", () => {
  it("a window of one packet: connections leave as soon as they are settled, and the findings are still analyze's", () => {
    const a = kdiag(["analyze", "--json", BUSY]);
    expect([0, 6], a.stderr).toContain(a.status);
    const want = (JSON.parse(a.stdout) as { findings: Finding[] }).findings;
    const r = kdiag(["watch", "--json", "--window", "1", "--eval-packets", "1", BUSY]);
    expect(r.status, r.stderr).toBe(0);
    const got = r.stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Finding);
    expect(verdicts(got)).toEqual(verdicts(want));
    expect(r.stderr).toMatch(/^kdiag: 10 closed connections left the window \(the last 1 packets\) with \d+ exchanges/m);
    expect(r.stderr).not.toMatch(/revised/);
  });

  it("with the packet index cut to 50 rows (a connection longer than that described from its last packets), the findings are still analyze's", () => {
    const a = kdiag(["analyze", "--json", BUSY]);
    const want = (JSON.parse(a.stdout) as { findings: Array<Finding & { evidence: { times: number[] } }> }).findings;
    const r = spawnSync(process.execPath, ["bin/kdiag.js", "watch", "--json", "--window", "1", "--index-rows", "50", "--eval-packets", "1", BUSY], {
      encoding: "utf8",
      env: { ...process.env, KDIAG_DEBUG: "1" },
    });
    expect(r.status, r.stderr).toBe(0);
    const got = r.stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Finding & { evidence: { times: number[] } });
    expect(verdicts(got)).toEqual(verdicts(want));
    // Evidence packets whose rows left the index still have their times (from the connection's landmarks).
    const times = (fs: typeof got) => fs.map((f) => `${f.rule}|${f.evidence.connection}|${f.evidence.times.join(",")}`).sort();
    expect(times(got)).toEqual(times(want));
    // The index never held more than its 50 rows and the batch it drops at once (a quarter more); 434 packets in the capture.
    const held = [...r.stderr.matchAll(/(\d+) packet rows held/g)].map((m) => Number(m[1]));
    expect(held.length).toBeGreaterThan(100);
    expect(Math.max(...held)).toBeLessThanOrEqual(67);
  });

  it("--window all keeps everything (nothing leaves)", () => {
    const r = kdiag(["watch", "--json", "--window", "all", "--eval-packets", "1", BUSY]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/left the window/);
  });

  it("refuses a let-go silence it cannot read, in one line", () => {
    const r = kdiag(["watch", "--let-go", "soon", "test/fixtures/real/normal.pcap"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--let-go soon: expected a duration of silence \(900, 90s, 15m, 1h\)/);
  });

  it("refuses a window it cannot read, in one line", () => {
    const r = kdiag(["watch", "--window", "5 minutes", "test/fixtures/real/normal.pcap"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--window 5 minutes: expected a number of packets \(200000\), a duration \(90s, 10m, 1h\) or all/);
  });
});
