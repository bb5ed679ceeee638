/**
 * Capture fuzzing, shared by the test suite (a short seeded run: test/fuzz/captures.test.ts) and
 * the long run (`npm run fuzz -- --cases 100000`, scripts/fuzz/run.ts). A case is a real capture
 * from test/fixtures with a few mutations: bit flips, absurd 32-bit length fields, truncation, a
 * duplicated block, random bytes inside TCP payloads (where the Kafka dissector reads). Each
 * case goes through the whole analysis and every report, in-process: a case fails when anything
 * throws, when a JSON document does not parse back, or when it takes too long.
 */

import fc from "fast-check";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { flowsJsonItems, flowsLines } from "../../src/report/flows.js";
import { findingsJson, findingsText } from "../../src/report/findings.js";
import { toJson } from "../../src/report/json.js";
import { kafkaJsonItems, kafkaLines } from "../../src/report/kafka.js";
import { packetRows } from "../../src/report/packets.js";
import { BUILTIN_RULES_DIR, evaluateRules, loadRuleFiles } from "../../src/rules/index.js";

export type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "u32"; at: number; value: number }
  | { kind: "truncate"; at: number }
  | { kind: "duplicate"; at: number; length: number }
  | { kind: "payload"; at: number; bytes: number[] };

/** The seed captures: every plain pcap fixture the tests already trust (real and kcat traffic). */
export function seedCaptures(root: string): Array<{ name: string; bytes: Uint8Array }> {
  const out: Array<{ name: string; bytes: Uint8Array }> = [];
  for (const dir of ["test/fixtures/real", "test/fixtures/kcat"]) {
    for (const f of readdirSync(join(root, dir)).sort()) {
      if (f.endsWith(".pcap")) out.push({ name: `${dir}/${f}`, bytes: new Uint8Array(readFileSync(join(root, dir, f))) });
    }
  }
  return out;
}

/** Applies mutations in order; offsets are taken modulo the current length. */
export function mutate(seed: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let b = seed.slice();
  for (const m of mutations) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    if (m.kind === "flip") b[at] = b[at]! ^ (1 << (m.bit & 7));
    else if (m.kind === "u32") {
      if (at + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(at, m.value >>> 0, true);
    } else if (m.kind === "truncate") b = b.slice(0, Math.max(24, at));
    else if (m.kind === "duplicate") {
      const block = b.slice(at, Math.min(b.length, at + m.length));
      const next = new Uint8Array(b.length + block.length);
      next.set(b.subarray(0, at + block.length));
      next.set(block, at + block.length);
      next.set(b.subarray(at + block.length), at + 2 * block.length);
      b = next;
    } else {
      // Inside a packet, past the link, IP and TCP headers of the usual frame: payload bytes.
      const start = Math.min(b.length, Math.max(24 + 16 + 54, at));
      for (let i = 0; i < m.bytes.length && start + i < b.length; i++) b[start + i] = m.bytes[i]!;
    }
  }
  return b;
}

export interface CaseResult {
  ok: boolean;
  error?: string;
  ms: number;
  packets: number;
  /** Fatal capture problem code, if reading stopped early (expected for many mutations). */
  stoppedBy?: string;
}

let rules: ReturnType<typeof loadRuleFiles>["rules"] | null = null;
const dir = mkdtempSync(join(tmpdir(), "kdiag-fuzz-"));
let n = 0;

/** Runs one capture through the analysis and every report. Never throws: failures are results. */
export async function runCase(bytes: Uint8Array, limitMs: number): Promise<CaseResult> {
  const file = join(dir, `case-${n++ % 4}.pcap`);
  writeFileSync(file, bytes);
  const t = performance.now();
  let packets = 0;
  try {
    rules ??= loadRuleFiles([BUILTIN_RULES_DIR]).rules;
    const capture = await analyseCapture(file, { registry: createRegistry() });
    packets = capture.packets.count;
    const check = (what: string, text: string) => {
      try {
        JSON.parse(text);
      } catch (err) {
        throw new Error(`${what}: not valid JSON: ${(err as Error).message}`);
      }
    };
    check("flows --json", `[${[...flowsJsonItems(capture)].map((x) => toJson(x)).join(",")}]`);
    check("kafka --json", `[${[...kafkaJsonItems(capture)].map((x) => toJson(x)).join(",")}]`);
    check("packets --json", `[${[...packetRows(capture)].map((x) => toJson(x)).join(",")}]`);
    for (const _ of flowsLines(capture));
    for (const _ of kafkaLines(capture));
    const findings = evaluateRules(rules, capture);
    check("analyze --json", toJson(findingsJson(findings)));
    findingsText(findings);
    capture.bytes.close();
    const ms = performance.now() - t;
    const fatal = capture.summary.problems.find((p) => p.fatal);
    if (ms > limitMs) return { ok: false, error: `took ${Math.round(ms)} ms (limit ${limitMs})`, ms, packets };
    return { ok: true, ms, packets, ...(fatal ? { stoppedBy: fatal.code } : {}) };
  } catch (err) {
    const e = err as Error;
    return { ok: false, error: `${e.name}: ${e.message}\n${(e.stack ?? "").split("\n").slice(1, 6).join("\n")}`, ms: performance.now() - t, packets };
  }
}

export function cleanup(): void {
  rmSync(dir, { recursive: true, force: true });
}


/** A case: which seed capture, and two to five mutations of it. */
export function caseArbitrary(seeds: number): fc.Arbitrary<{ seed: number; mutations: Mutation[] }> {
  const offset = fc.nat({ max: 4_000_000 });
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at: offset, bit: fc.nat({ max: 7 }) }),
    fc.record({
      kind: fc.constant("u32" as const),
      at: offset,
      value: fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0x80000000, 65536, 0x00ffffff),
    }),
    fc.record({ kind: fc.constant("truncate" as const), at: offset }),
    fc.record({ kind: fc.constant("duplicate" as const), at: offset, length: fc.integer({ min: 1, max: 4096 }) }),
    fc.record({ kind: fc.constant("payload" as const), at: offset, bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 64 }) }),
  );
  return fc.record({ seed: fc.nat({ max: seeds - 1 }), mutations: fc.array(mutation, { minLength: 1, maxLength: 5 }) });
}
