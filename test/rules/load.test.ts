import { describe, expect, it } from "vitest";
import { formatProblem, loadRuleSources } from "../../src/rules/index.js";
import { brief, load, rule } from "./helpers.js";

describe("loading: shape problems", () => {
  it("reports YAML syntax errors with position and skips the file", () => {
    const r = load("- rule: a\n  title: [x\n");
    expect(r.rules).toEqual([]);
    expect(r.problems.map(brief)).toEqual([
      { code: "RULE_YAML_SYNTAX", line: 3, col: 1, message: "YAML: Flow sequence in block collection must be sufficiently indented and end with a ]" },
    ]);
  });

  it("reports a duplicate YAML key as a YAML syntax error", () => {
    const r = load(`${rule("a", "connection", "true")}\n  title: again\n`);
    expect(r.problems.map((p) => [p.code, p.line, p.col])).toEqual([["RULE_YAML_SYNTAX", 8, 3]]);
  });

  it("rejects unknown keys with a did-you-mean hint (Falco #2354: value for values)", () => {
    const text = [
      rule("a", "connection", "true"),
      "  exceptions:",
      "    - name: e",
      "      fields: [conn.id]",
      "      value: [[1]]",
    ].join("\n");
    expect(load(text).problems.map(brief)).toEqual([
      { code: "RULE_MISSING_KEY", line: 9, col: 7, message: 'missing required key "values"' },
      {
        code: "RULE_UNKNOWN_KEY",
        line: 11,
        col: 7,
        message: 'unknown key "value" (did you mean "values"?) in exceptions.0; allowed: name, fields, comps, values',
      },
    ]);
  });

  it("reports an unknown top-level rule key", () => {
    const r = load(`${rule("a", "connection", "true")}\n  priority: high`);
    expect(r.problems.map(brief)).toEqual([
      {
        code: "RULE_UNKNOWN_KEY",
        line: 8,
        col: 3,
        message:
          'unknown key "priority" in rule; allowed: rule, title, desc, severity, scope, dissector, params, condition, output, advice, at, tags, enabled, exceptions, window, prior, signals',
      },
    ]);
  });

  it("reports missing keys at the item, bad values at the value", () => {
    const r = load("- rule: a\n  title: T\n  desc: D\n  severity: bad\n  scope: connection\n  output: x\n");
    expect(r.problems.map(brief)).toEqual([
      { code: "RULE_MISSING_KEY", line: 1, col: 3, message: 'missing required key "condition"' },
      { code: "RULE_BAD_VALUE", line: 4, col: 13, message: 'severity must be one of info, warning, error, critical, not "bad"' },
    ]);
  });

  it("reports an item that is none of rule, macro, list, params", () => {
    expect(load("- rulez: a\n").problems.map(brief)).toEqual([
      { code: "RULE_MISSING_KEY", line: 1, col: 3, message: "item has none of rule, macro, list, params, test: say what it is" },
    ]);
  });

  it("reports an unknown scope with a suggestion", () => {
    expect(load(rule("a", "conection", "true")).problems.map(brief)).toEqual([
      {
        code: "RULE_UNKNOWN_SCOPE",
        line: 5,
        col: 10,
        message: 'unknown scope "conection": one of packet, connection, exchange, capture, pair, end, group (did you mean "connection"?)',
      },
    ]);
  });

  it("reports duplicate rule ids across files and skips only the second file", () => {
    const a = { file: "a.yaml", text: rule("same", "connection", "true") };
    const b = { file: "b.yaml", text: rule("same", "connection", "false") };
    const r = loadRuleSources([a, b]);
    expect(r.problems.map((p) => formatProblem(p))).toEqual([
      'b.yaml:1:9: error RULE_DUPLICATE_ID [same]: rule "same" is already defined at a.yaml:1',
    ]);
    expect(r.rules.map((x) => [x.id, x.file, x.condition])).toEqual([["same", "a.yaml", "true"]]);
  });

  it("rejects a bad window duration and a window on the capture scope", () => {
    const r = load(
      [
        rule("a", "connection", "true", "  window: {count: 3, within: 10x}"),
        rule("b", "capture", "true", "  window: {count: 3, within: 10s}"),
      ].join("\n"),
    );
    expect(r.problems.map(brief)).toEqual([
      { code: "RULE_BAD_VALUE", line: 8, col: 30, message: "window.within: must be a duration like 500ms, 60s, 5m or 1h" },
      {
        code: "RULE_BAD_VALUE",
        line: 16,
        col: 3,
        message: "window counts items over time, but the capture scope has a single item: use the packet, connection, exchange or pair scope",
      },
    ]);
  });

  it("rejects `at:` outside the connection and exchange scopes, and an `at:` that is not a packet number", () => {
    const r = load(
      [
        rule("a", "capture", "true", "  at: capture.first_duplicate_frame"),
        rule("b", "connection", "true", "  at: conn.client_addr"),
        rule("c", "connection", "true", "  at: conn.zero_window_stall_frame"),
      ].join("\n"),
    );
    expect(r.problems.map(brief)).toEqual([
      {
        code: "RULE_BAD_VALUE",
        line: 8,
        col: 3,
        message: 'at names the packet of a connection\'s or exchange\'s event: it belongs to rules of scope "connection" or "exchange"',
      },
      { code: "RULE_TYPE_ERROR", line: 16, col: 7, message: "at must be a packet number (an int, such as conn.zero_window_stall_frame), but it is string" },
    ]);
    // A file with problems is skipped; the same `at:` alone loads.
    const ok = load(rule("c", "connection", "true", "  at: conn.zero_window_stall_frame"));
    expect(ok.problems).toEqual([]);
    expect(ok.rules.map((x) => x.id)).toEqual(["c"]);
  });

  it("a broken file is skipped, the other files still load", () => {
    const r = loadRuleSources([
      { file: "bad.yaml", text: rule("a", "connection", "conn.nope") + "\n" + rule("a2", "connection", "true") },
      { file: "good.yaml", text: rule("b", "connection", "conn.close_how == 'rst'") },
    ]);
    expect(r.problems.map((p) => `${p.file} ${p.code}`)).toEqual(["bad.yaml RULE_UNKNOWN_FIELD"]);
    expect(r.rules.map((x) => x.id)).toEqual(["b"]);
  });

  it("formats a problem with the source line and a caret", () => {
    const r = load(rule("a", "connection", "conn.close_how == 1"));
    expect(formatProblem(r.problems[0]!, { snippet: true })).toBe(
      [
        "t.yaml:6:14: error RULE_TYPE_ERROR [a]: type error: no such overload: string == int (in condition)",
        "    condition: conn.close_how == 1",
        "               ^",
      ].join("\n"),
    );
  });
});

describe("loading: condition problems point into the condition", () => {
  it("unknown field with a suggestion, after a macro expansion", () => {
    const text = [
      "- macro: server_closed",
      '  condition: conn.close_by == "server"',
      rule("a", "connection", "server_closed && conn.idle_before_clos > 5"),
    ].join("\n");
    expect(load(text).problems.map(brief)).toEqual([
      {
        code: "RULE_UNKNOWN_FIELD",
        line: 8,
        col: 36,
        message: 'unknown field "conn.idle_before_clos" in the connection scope (did you mean "conn.idle_before_close_ms"?) (in condition)',
      },
    ]);
  });

  it("facts of another scope", () => {
    expect(load(rule("a", "connection", "tcp.flags.reset")).problems.map(brief)).toEqual([
      {
        code: "RULE_UNKNOWN_FIELD",
        line: 6,
        col: 14,
        message: "tcp.* facts are not available in the connection scope (they are in: packet) (in condition)",
      },
    ]);
  });

  it("unknown function in a folded block scalar", () => {
    const text = rule("a", "connection", ">\n    conn.id == 1 &&\n    foo(conn.id)");
    expect(load(text).problems.map(brief)).toEqual([
      { code: "RULE_UNKNOWN_FUNCTION", line: 8, col: 5, message: 'unknown function "foo" (in condition)' },
    ]);
  });

  it("unknown list in a literal block scalar keeps the line's indentation", () => {
    const text = rule("a", "connection", "|\n    conn.id == 1 &&\n      conn.client_addr in nolist");
    expect(load(text).problems.map(brief)).toEqual([
      { code: "RULE_UNKNOWN_LIST", line: 8, col: 27, message: 'unknown list "nolist" (in condition)' },
    ]);
  });

  it("unknown macro", () => {
    expect(load(rule("a", "connection", "conn.id == 1 && mymacro")).problems.map(brief)).toEqual([
      { code: "RULE_UNKNOWN_MACRO", line: 6, col: 30, message: 'unknown macro or field "mymacro" (in condition)' },
    ]);
  });

  it("syntax error inside a double-quoted string with escapes", () => {
    const text = rule("a", "connection", '"conn.client_addr == \\"a\\" &&& x"');
    expect(load(text).problems.map(brief)).toEqual([
      { code: "RULE_SYNTAX_ERROR", line: 6, col: 43, message: "syntax error in condition: Unexpected character: &" },
    ]);
  });

  it("a condition that is not a bool", () => {
    expect(load(rule("a", "connection", "conn.id + 1")).problems.map(brief)).toEqual([
      { code: "RULE_TYPE_ERROR", line: 6, col: 14, message: "condition must be true or false (a bool), but it is int" },
    ]);
  });

  it("a type error inside a macro is reported in the macro, for the rule that used it", () => {
    const text = ["- macro: bad_macro", "  condition: conn.close_how > 3", rule("r1", "connection", "bad_macro")].join("\n");
    const r = load(text);
    expect(r.problems.map(brief)).toEqual([
      { code: "RULE_TYPE_ERROR", line: 2, col: 14, message: 'in macro "bad_macro": type error: no such overload: string > int (in condition)' },
    ]);
    expect(r.problems[0]!.ruleId).toBe("r1");
    expect(r.problems[0]!.item).toEqual({ kind: "macro", name: "bad_macro" });
  });

  it("a macro syntax error is reported even when no rule uses it, and macros may not form a cycle", () => {
    const text = [
      "- macro: broken",
      "  condition: conn.id ==",
      "- macro: ping",
      "  condition: pong",
      "- macro: pong",
      "  condition: ping",
      rule("r", "connection", "ping"),
    ].join("\n");
    expect(load(text).problems.map(brief)).toEqual([
      { code: "RULE_UNUSED_MACRO", line: 1, col: 10, message: 'macro "broken" is not used by any rule: use it in a condition or remove it' },
      { code: "RULE_SYNTAX_ERROR", line: 2, col: 24, message: "syntax error in macro condition: Unexpected token: EOF" },
      { code: "RULE_BAD_VALUE", line: 6, col: 14, message: "macros use each other in a cycle: ping -> pong -> ping" },
    ]);
  });

  it("template placeholders are checked, with positions inside the output string", () => {
    const text = [
      rule("a", "exchange", "true").replace('  output: "x"', '  output: "{exchange.latency_ms + 1} {conn.id"'),
    ].join("\n");
    expect(load(text).problems.map(brief)).toEqual([
      { code: "RULE_SYNTAX_ERROR", line: 7, col: 38, message: 'unclosed "{" in template (write "{{" for a literal brace) (in output)' },
    ]);
    const text2 = rule("a", "exchange", "true").replace('  output: "x"', '  output: "took {exchange.latency_ms + 1} ms"');
    expect(load(text2).problems.map(brief)).toEqual([
      {
        code: "RULE_TYPE_ERROR",
        line: 7,
        col: 18,
        message: "type error: no such overload: double + int (in output placeholder {exchange.latency_ms + 1})",
      },
    ]);
  });
});

describe("loading: lists, macros, params", () => {
  it("expands macros as parenthesised sub-expressions and warns on unused macros and lists", () => {
    const text = [
      "- macro: server_fin",
      '  condition: conn.close_by == "server" || conn.close_how == "fin"',
      "- macro: unused_one",
      "  condition: conn.id > 0",
      "- list: ports",
      "  items: [9092, 9093]",
      "- list: unused_list",
      "  items: [a]",
      rule("r", "connection", "server_fin && conn.server_port in ports"),
    ].join("\n");
    const r = load(text);
    expect(r.rules.map((x) => x.condition)).toEqual([
      '(conn.close_by == "server" || conn.close_how == "fin") && conn.server_port in ports',
    ]);
    expect(r.problems.map(brief)).toEqual([
      { code: "RULE_UNUSED_MACRO", line: 3, col: 10, message: 'macro "unused_one" is not used by any rule: use it in a condition or remove it' },
      { code: "RULE_UNUSED_LIST", line: 7, col: 9, message: 'list "unused_list" is not used by any rule: use it (x in unused_list) or remove it' },
    ]);
    expect(r.problems.every((p) => p.severity === "warning")).toBe(true);
  });

  it("rejects reserved and mixed lists", () => {
    const r = load(["- list: conn", "  items: [1]", "- list: mixed", "  items: [1, a]"].join("\n"));
    expect(r.problems.map(brief)).toEqual([
      { code: "RULE_BAD_VALUE", line: 1, col: 9, message: '"conn" is a reserved name (a fact group or CEL word): choose another list name' },
      { code: "RULE_BAD_VALUE", line: 4, col: 10, message: 'list "mixed" mixes strings and numbers' },
    ]);
  });

  it("params: defaults, types, overrides by name and by rule", () => {
    const text = [
      "- params:",
      "    idle_ms: {default: 1000, unit: ms}",
      "    ratio: {default: 0.5}",
      rule("a", "connection", "conn.longest_idle_ms > double(params.idle_ms) * params.ratio", "  params:\n    label: {default: x}"),
    ].join("\n");
    expect(load(text).rules[0]!.params).toEqual({ idle_ms: 1000, ratio: 0.5, label: "x" });
    const r = load(text, { params: { idle_ms: "5000", "a.label": "y" } });
    expect(r.problems).toEqual([]);
    expect(r.rules[0]!.params).toEqual({ idle_ms: 5000, ratio: 0.5, label: "y" });
  });

  it("params: type error in `params.x * 0.5` is still a type error (int * double)", () => {
    const text = ["- params:", "    idle_ms: {default: 1000}", rule("a", "connection", "conn.longest_idle_ms > params.idle_ms * 0.5")].join("\n");
    expect(load(text).problems.map((p) => p.code)).toEqual(["RULE_TYPE_ERROR"]);
  });

  it("params: bad default, unknown parameter, bad and unknown --param", () => {
    const text = [
      rule("a", "exchange", "params.nope > 1", "  params:\n    n: {default: \"abc\", type: int}"),
      rule("b", "connection", "conn.id > params.limit", "  params:\n    limit: {default: 5}"),
    ].join("\n");
    const r = load(text, { params: { limit: "abc", nothere: "1" } });
    // In the file's order (a parameter with a bad default is still declared: no echo of it), then --param.
    expect(r.problems.map((p) => formatProblem(p))).toEqual([
      't.yaml:6:21: error RULE_BAD_PARAM [a]: unknown parameter "nope" (declared: n) (in condition)',
      't.yaml:9:18: error RULE_BAD_PARAM [a]: parameter "n" (int): default "abc" is not an int',
      't.yaml:15:14: error RULE_BAD_PARAM [b]: rule not run: parameter "limit" has a bad --param value ("abc" is not an int)',
      '--param limit=abc: error RULE_BAD_PARAM [param-override limit]: parameter "limit" is an int: "abc" is not an int; rules using it are not run',
      '--param nothere=1: error RULE_BAD_PARAM [param-override nothere]: no parameter "nothere"',
    ]);
    expect(r.rules).toEqual([]);
  });

  it("exceptions: values are checked against the field types", () => {
    const text = [
      rule("a", "connection", "true"),
      "  exceptions:",
      "    - name: known",
      "      fields: [conn.client_addr, conn.server_port]",
      "      comps: [=, in]",
      "      values:",
      '        - [10.0.0.1, [9092, "x"]]',
      "        - [10.0.0.2]",
    ].join("\n");
    expect(load(text).problems.map(brief)).toEqual([
      { code: "RULE_TYPE_ERROR", line: 13, col: 22, message: 'exception "known": value "x" is not an int for field conn.server_port (int) with "in"' },
      { code: "RULE_BAD_VALUE", line: 14, col: 11, message: 'exception "known": each value must be a list of 2 (one per field)' },
    ]);
  });

  it("exception fields are checked like conditions", () => {
    const text = [rule("a", "connection", "true"), "  exceptions:", "    - name: e", "      fields: conn.clientaddr", "      values: [a]"].join("\n");
    expect(load(text).problems.map(brief)).toEqual([
      {
        code: "RULE_UNKNOWN_FIELD",
        line: 10,
        col: 20,
        message: 'unknown field "conn.clientaddr" in the connection scope (did you mean "conn.client_addr"?) (in exception "e" field)',
      },
    ]);
  });
});

describe("loading: YAML aliases", () => {
  it("an unresolved alias is a YAML problem, not a crash", () => {
    const r = load("- rule: a\n  title: *nope\n");
    expect(r.problems.map((p) => [p.code, p.line, p.col])).toEqual([["RULE_YAML_SYNTAX", 2, 10]]);
  });

  it("anchors and aliases otherwise work", () => {
    const r = load("- list: ports\n  items: &p [9092]\n- list: more\n  items: *p\n");
    expect(r.problems.map((p) => p.code)).toEqual(["RULE_UNUSED_LIST", "RULE_UNUSED_LIST"]);
  });
});
