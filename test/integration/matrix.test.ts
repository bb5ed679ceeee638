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
 * A TLS capture whose client key log was kept (`tls_keylog` in expected.json) is also analysed
 * decrypted (`kdiag --tls-keylog`): the causes must be the same, and the Kafka inside must be
 * decoded (`decrypted.produce_answered`: the Produce requests the broker's log shows answered).
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
  /** The client's TLS key log (NSS format), beside the capture. */
  tls_keylog?: string;
  /** What the decrypted run must decode, from the broker's log. */
  decrypted?: { produce_answered: number };
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

function keylogArgs(keylog?: string): string[] {
  return keylog ? ["--tls-keylog", keylog] : [];
}

function analyze(file: string, keylog?: string): Finding[] {
  const r = spawnSync("node", ["bin/kdiag.js", ...keylogArgs(keylog), "analyze", file, "--json"], { encoding: "utf8", cwd: REPO_ROOT });
  if (r.status !== 0 && r.status !== 6) throw new Error(`kdiag analyze ${file}: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout).findings;
}

/** Produce requests kdiag decoded with an answer (the Kafka-level view a key log gives). */
function answeredProduces(file: string, keylog: string): number {
  const r = spawnSync("node", ["bin/kdiag.js", ...keylogArgs(keylog), "kafka", file, "--json"], { encoding: "utf8", cwd: REPO_ROOT });
  if (r.status !== 0) throw new Error(`kdiag kafka ${file}: exit ${r.status}: ${r.stderr}`);
  const ex = JSON.parse(r.stdout).exchanges as Array<{ api_name: string; status: string }>;
  return ex.filter((x) => x.api_name === "Produce" && x.status === "answered").length;
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
        const setName = set.dir.slice(MATRIX.length + 1);
        const name = `${setName}/${e.file}`;
        const check = (keylog: string | undefined, label: string) => () => {
          const findings = analyze(join(set.dir, e.file), keylog);
          const want = expectedOnThisSide(e);
          const { hard, soft } = got(findings);
          const wantHard = Object.fromEntries(Object.entries(want).filter(([c]) => !INFO_CAUSES.has(c)));
          const wantSoft = Object.fromEntries(Object.entries(want).filter(([c]) => INFO_CAUSES.has(c)));
          rows.push(row(setName, { ...e, file: e.file + label }, want, hard, soft));
          expect(hard, `${e.file}${label}: causes at warning or above`).toEqual(wantHard);
          // A soft cause may be missing, never more than happened.
          for (const [cause, n] of Object.entries(soft)) {
            if (cause === "connection-end-unexplained") continue;
            expect(n, `${e.file}${label}: ${cause} on more connections than happened`).toBeLessThanOrEqual(wantSoft[cause] ?? 0);
          }
        };
        (KNOWN_WRONG[name] ? it.fails : it)(`${e.file} (${e.side} side): ${JSON.stringify(e.expect)}`, check(undefined, ""));
        if (e.tls_keylog) {
          const keylog = join(set.dir, e.tls_keylog);
          const test = KNOWN_WRONG[`${name}+keylog`] ? it.fails : it;
          test(`${e.file} decrypted with ${e.tls_keylog} (${e.side} side): ${JSON.stringify(e.expect)}`, () => {
            check(keylog, "+keylog")();
            expect(answeredProduces(join(set.dir, e.file), keylog), `${e.file}: answered Produce requests decoded with the key log`)
              .toBe(e.decrypted?.produce_answered);
          });
        }
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
