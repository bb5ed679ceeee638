/**
 * The confusion-matrix test: every capture of the scenario matrix (test/fixtures/matrix/*, real
 * clients, a real firewall, made by scripts/matrix/) is analysed as a user would, and each
 * connection's cause must be the one that really happened (expected.json, written from what was
 * seen on the wire). A negative control must stay quiet at warning and above.
 *
 * Hard checks, per capture: the causes at warning or above (and reconnect-storm) equal the
 * expected ones, connection for connection (counts per cause). Info-level causes (client-abort,
 * broker-idle-close, capture-boundary) are soft: an expected one may be missing (a process killed
 * while idle closes with the same FIN as a clean exit), and is shown in the matrix either way.
 *
 * From the broker's side a middlebox that reset, dropped or killed a keep-alive probe looks the
 * same (the connection falls silent and the client comes back on a new one), so there the three
 * path causes are all expected as firewall-idle.
 *
 * `KDIAG_MATRIX_PRINT=1` prints the matrix (scenarios x causes) with the test output.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/tshark.js";

const MATRIX = process.env.KDIAG_MATRIX_DIR ?? join(REPO_ROOT, "test", "fixtures", "matrix");

interface Expected {
  file: string;
  side: "client" | "broker";
  scenario: string;
  expect: Record<string, number>;
  notes?: string;
}

interface Finding {
  rule: string;
  severity: string;
  scope: string;
  confidence?: string;
  evidence: { connection?: number };
}

const INFO_CAUSES = new Set(["client-abort", "broker-idle-close", "capture-boundary", "connection-end-unexplained"]);
const PATH_CAUSES = new Set(["firewall-idle", "firewall-silent-drop", "keepalive-mismatch"]);

/**
 * Captures kdiag still gets wrong, each with why (known-wrong.json beside the sets): the test
 * asserts they are still wrong, so a fix shows up as a failure to move the line out.
 */
const KNOWN_WRONG: Record<string, string> = existsSync(join(MATRIX, "known-wrong.json"))
  ? JSON.parse(readFileSync(join(MATRIX, "known-wrong.json"), "utf8"))
  : {};

function sets(): Array<{ dir: string; entries: Expected[] }> {
  if (!existsSync(MATRIX)) return [];
  return readdirSync(MATRIX, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(MATRIX, d.name, "expected.json")))
    .map((d) => ({ dir: join(MATRIX, d.name), entries: JSON.parse(readFileSync(join(MATRIX, d.name, "expected.json"), "utf8")) as Expected[] }));
}

function analyze(file: string): Finding[] {
  const r = spawnSync("node", ["bin/kdiag.js", "analyze", file, "--json"], { encoding: "utf8", cwd: REPO_ROOT });
  if (r.status !== 0 && r.status !== 6) throw new Error(`kdiag analyze ${file}: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout).findings;
}

/** What the capture should show: broker-side path causes all read as firewall-idle. */
function expectedOnThisSide(e: Expected): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [cause, n] of Object.entries(e.expect)) {
    const c = e.side === "broker" && PATH_CAUSES.has(cause) ? "firewall-idle" : cause;
    out[c] = (out[c] ?? 0) + n;
  }
  return out;
}

/** Causes per connection (one per connection by construction) and the other problem findings. */
function got(findings: Finding[]): { hard: Record<string, number>; soft: Record<string, number> } {
  const hard: Record<string, number> = {};
  const soft: Record<string, number> = {};
  for (const f of findings) {
    const problem = f.severity !== "info";
    if (f.scope === "end") {
      const into = problem ? hard : soft;
      into[f.rule] = (into[f.rule] ?? 0) + 1;
    } else if (problem && f.rule === "reconnect-storm") {
      hard[f.rule] = (hard[f.rule] ?? 0) + 1;
    }
  }
  return { hard, soft };
}

const all = sets();
const rows: string[] = [];

describe.skipIf(all.length === 0)("scenario matrix: the right cause on every real capture", () => {
  for (const set of all) {
    describe(set.dir.slice(MATRIX.length + 1), () => {
      for (const e of set.entries) {
        const name = `${set.dir.slice(MATRIX.length + 1)}/${e.file}`;
        const test = KNOWN_WRONG[name] ? it.fails : it;
        test(`${e.file} (${e.side} side): ${JSON.stringify(e.expect)}`, () => {
          const findings = analyze(join(set.dir, e.file));
          const want = expectedOnThisSide(e);
          const { hard, soft } = got(findings);
          const wantHard = Object.fromEntries(Object.entries(want).filter(([c]) => !INFO_CAUSES.has(c)));
          const wantSoft = Object.fromEntries(Object.entries(want).filter(([c]) => INFO_CAUSES.has(c)));
          rows.push(row(set.dir.slice(MATRIX.length + 1), e, want, hard, soft));
          expect(hard, `${e.file}: causes at warning or above`).toEqual(wantHard);
          // A soft cause may be missing, never more than happened.
          for (const [cause, n] of Object.entries(soft)) {
            if (cause === "connection-end-unexplained") continue;
            expect(n, `${e.file}: ${cause} on more connections than happened`).toBeLessThanOrEqual(wantSoft[cause] ?? 0);
          }
        });
      }
    });
  }
  afterAll(() => {
    if (process.env.KDIAG_MATRIX_PRINT === "1") console.log(["scenario matrix: expected -> got (warning+ | info)", ...rows].join("\n"));
  });
});

function row(set: string, e: Expected, want: Record<string, number>, hard: Record<string, number>, soft: Record<string, number>): string {
  const fmt = (m: Record<string, number>) => Object.entries(m).map(([c, n]) => `${c}x${n}`).join(" ") || "-";
  const ok = JSON.stringify(Object.fromEntries(Object.entries(want).filter(([c]) => !INFO_CAUSES.has(c)))) === JSON.stringify(hard);
  return `${ok ? "ok  " : "MISS"} ${set}/${e.file.padEnd(44)} ${e.side.padEnd(6)} want ${fmt(want).padEnd(26)} got ${fmt(hard)} | ${fmt(soft)}`;
}
