/**
 * What every finding owes the operator who acts on it, checked on every capture in test/fixtures
 * (real clients, the scenario matrix, the incidents, public captures from other projects):
 *
 * - it names the event's own time, a real instant inside the capture, between its first and last
 *   evidence packet;
 * - at warning and above it names its evidence packets (packet numbers the capture has) and gives
 *   advice;
 * - one connection gets at most one end cause, and its findings at warning and above never blame
 *   two different causes;
 * - no control character from the capture reaches the text.
 *
 * The matrix test checks that the cause is the right one; this one checks that whatever is said is
 * said in a form an operator can verify in the packets.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { KDIAG_BIN, REPO_ROOT, tsharkAvailable } from "../helpers/tshark.js";

interface Finding {
  rule: string;
  severity: string;
  scope: string;
  time?: number;
  message: string;
  advice?: string;
  evidence?: { connection?: number; packets?: number[]; times?: number[]; details?: { cause?: string } };
}

const FIXTURES = join(REPO_ROOT, "test", "fixtures");
const CAPTURE = /\.(pcap|pcapng|cap)(\.gz)?$/;
const PROBLEM = new Set(["warning", "error", "critical"]);
// C0 controls except tab and newline, DEL, C1 controls and ESC: none may come from a capture.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function captures(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...captures(p));
    else if (CAPTURE.test(e)) out.push(p);
  }
  return out;
}

/** Packets in the capture, from capinfos (Wireshark's count), or undefined without it. */
function packetCount(file: string): number | undefined {
  if (!tsharkAvailable()) return undefined;
  const out = execFileSync("capinfos", ["-c", "-M", file], { encoding: "utf8" });
  const m = /Number of packets:\s*(\d+)/.exec(out);
  return m ? Number(m[1]) : undefined;
}

/** Every way the findings of one capture fall short of the list above, one line each. */
function findingProblems(findings: Finding[], packets: number | undefined): string[] {
  const problems: string[] = [];
  const byConnection = new Map<number, Finding[]>();
  for (const f of findings) {
    const at = `${f.rule} (${f.severity})`;
    const ev = f.evidence ?? {};
    const times = ev.times ?? [];
    if (typeof f.time !== "number" || !Number.isFinite(f.time) || f.time <= 0) problems.push(`${at}: no event time`);
    else if (times.length > 0 && (f.time < Math.min(...times) - 1e-6 || f.time > Math.max(...times) + 1e-6)) {
      problems.push(`${at}: time ${f.time} outside its evidence ${Math.min(...times)}..${Math.max(...times)}`);
    }
    for (const p of ev.packets ?? []) {
      if (!Number.isInteger(p) || p < 1 || (packets !== undefined && p > packets)) problems.push(`${at}: evidence packet ${p} not in the capture (${packets} packets)`);
    }
    if (PROBLEM.has(f.severity)) {
      if (f.scope !== "capture" && (ev.packets ?? []).length === 0) problems.push(`${at}: no evidence packets`);
      if (!f.advice) problems.push(`${at}: no advice`);
    }
    if (CONTROL.test(f.message) || CONTROL.test(f.advice ?? "")) problems.push(`${at}: control character in the text`);
    if (ev.connection !== undefined) byConnection.set(ev.connection, [...(byConnection.get(ev.connection) ?? []), f]);
  }
  for (const [c, fs] of byConnection) {
    const ends = fs.filter((f) => f.scope === "end").map((f) => f.rule);
    if (ends.length > 1) problems.push(`connection ${c}: ${ends.length} end causes (${ends.join(", ")})`);
    const blamed = new Set(fs.filter((f) => PROBLEM.has(f.severity)).map((f) => f.evidence?.details?.cause).filter((c) => c !== undefined));
    if (blamed.size > 1) problems.push(`connection ${c}: blames ${[...blamed].join(" and ")}`);
  }
  return problems;
}

const all = existsSync(FIXTURES) ? captures(FIXTURES) : [];

describe("every finding names its time, its evidence and its advice, and one connection has one cause", () => {
  it("finds the fixture captures", () => {
    expect(all.length).toBeGreaterThan(150);
  });
  for (const file of all) {
    const name = relative(FIXTURES, file);
    it(name, () => {
      const r = spawnSync("node", [KDIAG_BIN, "analyze", file, "--json"], { encoding: "utf8", cwd: REPO_ROOT, maxBuffer: 256 << 20 });
      // 0: nothing at warning or above; 6: findings at warning or above (README, exit codes).
      expect([0, 6], `${name}: exit ${r.status}: ${r.stderr}`).toContain(r.status);
      const findings = JSON.parse(r.stdout).findings as Finding[];
      expect(findingProblems(findings, packetCount(file)), name).toEqual([]);
    });
  }
});

describe("the invariants themselves catch what they claim to", () => {
  const base: Finding = { rule: "r", severity: "error", scope: "end", time: 10, message: "m", advice: "a", evidence: { connection: 0, packets: [3], times: [10] } };
  it("accepts a finding with time, evidence and advice", () => {
    expect(findingProblems([base], 5)).toEqual([]);
  });
  it("rejects each missing or wrong part", () => {
    expect(findingProblems([{ ...base, time: undefined }], 5)).toEqual(["r (error): no event time"]);
    expect(findingProblems([{ ...base, time: 20 }], 5)[0]).toMatch(/outside its evidence/);
    expect(findingProblems([{ ...base, evidence: { connection: 0, packets: [9], times: [10] } }], 5)[0]).toMatch(/not in the capture/);
    expect(findingProblems([{ ...base, evidence: { connection: 0, packets: [], times: [] } }], 5)).toEqual(["r (error): no evidence packets"]);
    expect(findingProblems([{ ...base, advice: "" }], 5)).toEqual(["r (error): no advice"]);
    expect(findingProblems([{ ...base, message: "client \u001b[31m" }], 5)).toEqual(["r (error): control character in the text"]);
    expect(findingProblems([base, { ...base, rule: "s" }], 5)).toEqual(["connection 0: 2 end causes (r, s)"]);
    const blame = (cause: string): Finding => ({ ...base, scope: "connection", evidence: { ...base.evidence, details: { cause } } });
    expect(findingProblems([blame("firewall-idle"), blame("broker-gone")], 5)).toEqual(["connection 0: blames firewall-idle and broker-gone"]);
  });
});
