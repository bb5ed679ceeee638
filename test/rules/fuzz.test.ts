import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PROBLEM_CODES, formatProblem, loadRuleSources } from "../../src/rules/index.js";

const VALID = `- list: ports
  items: [9092, 9093]
- macro: closed_by_server
  condition: conn.close_by == "server"
- params:
    idle_ms: {default: 1000, unit: ms}
- rule: r1
  title: Closed
  desc: d
  severity: warning
  scope: connection
  condition: >
    closed_by_server && conn.server_port in ports &&
    conn.longest_idle_ms > double(params.idle_ms)
  output: "{conn.client_addr} idle {conn.longest_idle_ms} ms"
  exceptions:
    - name: e
      fields: [conn.client_addr]
      values: [[10.0.0.1]]
  window: {count: 2, within: 60s, group_by: conn.client_addr}
`;

/** Random edits of a valid file: delete, insert YAML/CEL-significant text, duplicate a line. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.constantFrom(":", "- ", "\n", "  ", "{", "}", "[", "]", '"', "'", "|", ">", "&&", "(", ")", "conn.", "params.", "\t", "#", "!", "{x", "%", "*a", "&a", "rule: x\n"),
  }),
  fc.record({ kind: fc.constant("dup" as const), at: fc.nat() }),
);

function apply(text: string, m: fc.RecordValue<never> | { kind: string; at: number; len?: number; text?: string }): string {
  const at = m.at % (text.length + 1);
  if (m.kind === "delete") return text.slice(0, at) + text.slice(at + (m.len ?? 1));
  if (m.kind === "insert") return text.slice(0, at) + (m.text ?? "") + text.slice(at);
  const lines = text.split("\n");
  const i = m.at % lines.length;
  lines.splice(i, 0, lines[i]!);
  return lines.join("\n");
}

function check(text: string): void {
  const r = loadRuleSources([{ file: "f.yaml", text }], { params: { idle_ms: "5" } });
  expect(Array.isArray(r.rules)).toBe(true);
  for (const p of r.problems) {
    expect(PROBLEM_CODES).toContain(p.code);
    // Only a command-line override has no position in a file.
    const inFile = p.item?.kind !== "param-override";
    expect(p.line >= 1 && p.col >= 1).toBe(inFile);
    expect(typeof formatProblem(p, { snippet: true })).toBe("string");
  }
  // A file either loads cleanly (warnings at most) or contributes no rules.
  if (r.problems.some((p) => p.severity === "error")) expect(r.rules).toEqual([]);
}

describe("rule files never make the loader throw", () => {
  it("the unmutated file is valid", () => {
    const r = loadRuleSources([{ file: "f.yaml", text: VALID }]);
    expect(r.problems).toEqual([]);
    expect(r.rules.map((x) => x.id)).toEqual(["r1"]);
  });

  it("mutated rule files always come back as problems, with positions", () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        check(ms.reduce((t, m) => apply(t, m), VALID));
      }),
      { numRuns: 400 },
    );
  });

  it("arbitrary text too", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => check(s)), { numRuns: 300 });
  });
});
