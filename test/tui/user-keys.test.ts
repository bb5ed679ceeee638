/**
 * The one keymap and the user's keys file: merging a file over the defaults, the problems it can
 * have (each one line at file:line:col), and the hints and help generated from the result.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_KEYS } from "../../src/tui/actions.js";
import { keyProblem } from "../../src/tui/keymap.js";
import { defaultKeysFile, loadUserKeys, parseUserKeys } from "../../src/tui/user-keys.js";

describe("a keys file over the default keymap", () => {
  it("rebinds an action in every pane it applies to: dispatch, hints and help follow", () => {
    const { table, problems } = parseUserKeys("keys.yaml", 'next-mark: "}"\nbar.complete: f2\n');
    expect(problems).toEqual([]);
    expect(table.lookup("packets", "}")?.action).toBe("next-mark");
    expect(table.lookup("packets", "]")).toBeUndefined();
    expect(table.hints("packets", 80)).toContain("<}> mark");
    expect(table.hints("packets", 80)).not.toContain("<]>");
    const help = table.helpLines("packets");
    expect(help).toContainEqual(expect.stringMatching(/^ {2}<}> +next marked packet/));
    // The filter bar's keys are in the help too, from the same table.
    const bar = help.indexOf("In the filter bar (/), typed text goes into the filter, and:");
    expect(bar).toBeGreaterThan(0);
    expect(help.slice(bar)).toContainEqual(expect.stringMatching(/^ {2}<f2> +complete the field name/));
    expect(table.lookup("bar", "f2")?.action).toBe("bar.complete");
    expect(table.lookup("bar", "tab")).toBeUndefined();
    // What was not in the file keeps its default keys.
    expect(table.keyOf("toggle-mark")).toBe("m");
    expect(DEFAULT_KEYS.keyOf("next-mark")).toBe("]");
  });

  it("lets two entries swap keys: conflicts are judged on the whole result", () => {
    const { table, problems } = parseUserKeys("keys.yaml", "down: [k]\nup: [j]\n");
    expect(problems).toEqual([]);
    expect(table.lookup("connections", "k")?.action).toBe("down");
    expect(table.lookup("connections", "j")?.action).toBe("up");
    expect(table.conflicts()).toEqual([]);
  });

  it("names an unknown action and an unknown key at their line and column, and keeps the rest", () => {
    const { table, problems } = parseUserKeys("k.yaml", 'togle-mark: "*"\nzoom: ctrl-z\ntime-ref: T\n');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe('k.yaml:1:1: unknown action "togle-mark" (did you mean "toggle-mark"?); the actions are listed in docs/tui.md and by ? in the TUI');
    expect(problems[1]).toMatch(/^k\.yaml:2:7: zoom: unknown key name "ctrl-z" \(one character such as "j" or "\?", C-<letter>, or one of: up, down, .*f1-f12\)$/);
    expect(table.keyOf("zoom")).toBe("z");
    expect(table.keyOf("time-ref")).toBe("T");
    for (const p of problems) expect(p).not.toContain("\n");
  });

  it("refuses a key that shadows a built-in one where both apply, and a second entry on a key of the first", () => {
    let r = parseUserKeys("keys.yaml", "toggle-mark: z\n");
    expect(r.problems).toEqual(['keys.yaml:1:14: toggle-mark: "z" is already the built-in key of "zoom" (maximise / restore this pane) in the packets pane; toggle-mark keeps its default keys (m)']);
    expect(r.table.lookup("packets", "m")?.action).toBe("toggle-mark");
    expect(r.table.lookup("packets", "z")?.action).toBe("zoom");
    r = parseUserKeys("keys.yaml", "zoom: y\ntoggle-mark: [y]\n");
    expect(r.problems).toEqual(['keys.yaml:2:14: toggle-mark: "y" is already "zoom"\'s key (keys.yaml:1) in the packets pane; toggle-mark keeps its default keys (m)']);
    expect(r.table.lookup("packets", "y")?.action).toBe("zoom");
    // The same key in panes where the two never both apply is no conflict.
    r = parseUserKeys("keys.yaml", "sort-next: e\n");
    expect(r.problems).toEqual([]);
    expect(r.table.lookup("connections", "e")?.action).toBe("sort-next");
    expect(r.table.lookup("detail", "e")?.action).toBe("expand-all");
  });

  it("keeps the filter bar typing and the ways out", () => {
    const r = parseUserKeys("keys.yaml", "bar.apply: a\nquit: []\nhelp.close: []\n");
    expect(r.problems).toEqual([
      'keys.yaml:1:12: bar.apply: "a" types text in the filter bar; give a named key such as C-k or f2',
      "keys.yaml:2:1: quit: needs at least one key",
      "keys.yaml:3:1: help.close: needs at least one key",
    ]);
    expect(r.table.keyOf("quit")).toBe("q");
  });

  it("uses the default keys when the file is not YAML or not a mapping", () => {
    let r = parseUserKeys("keys.yaml", "zoom: [Z\nquit: Q\n");
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^keys\.yaml:\d+:\d+: .+; the default keys are used$/);
    expect(r.table.keyOf("zoom")).toBe("z");
    expect(r.table.keyOf("quit")).toBe("q");
    r = parseUserKeys("keys.yaml", "- zoom\n- Z\n");
    expect(r.problems).toEqual(['keys.yaml:1:1: expected a mapping of action ids to keys (e.g. toggle-mark: "*"); the default keys are used']);
    expect(parseUserKeys("keys.yaml", "# nothing yet\n").problems).toEqual([]);
  });

  it("reads --keys (which must exist) and the default file (which may not)", () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-keys-"));
    expect(defaultKeysFile({ XDG_CONFIG_HOME: dir, HOME: "/nowhere" })).toBe(join(dir, "kdiag", "keys.yaml"));
    expect(defaultKeysFile({ HOME: "/home/u" })).toBe("/home/u/.config/kdiag/keys.yaml");
    expect(defaultKeysFile({})).toBeNull();
    expect(loadUserKeys(join(dir, "kdiag", "keys.yaml"), { explicit: false }).problems).toEqual([]);
    expect(loadUserKeys(join(dir, "missing.yaml"), { explicit: true }).problems).toEqual([`${join(dir, "missing.yaml")}: cannot read the keys file (no such file); the default keys are used`]);
    const file = join(dir, "keys.yaml");
    writeFileSync(file, "zoom: Z\n");
    expect(loadUserKeys(file, { explicit: true }).table.keyOf("zoom")).toBe("Z");
  });

  it("refuses the tmux and screen prefixes", () => {
    expect(keyProblem("C-a")).toMatch(/tmux\/screen prefix/);
    expect(keyProblem("C-k")).toBeNull();
    expect(keyProblem("f5")).toBeNull();
    expect(keyProblem("*")).toBeNull();
  });

  it("has every action id in docs/tui.md, with its default keys", () => {
    const doc = readFileSync(resolve(import.meta.dirname, "../../docs/tui.md"), "utf8");
    for (const [id, a] of DEFAULT_KEYS.actions) {
      const row = doc.split("\n").find((l) => l.startsWith(`| \`${id}\` |`));
      expect(row, id).toBeDefined();
      for (const k of a.keys) expect(row, `${id} ${k}`).toContain(`\`${k}\``);
    }
    // The example file of the docs is a valid keys file, and does what its comments say.
    const example = /```yaml\n(# ~\/\.config\/kdiag\/keys\.yaml\n[\s\S]*?)```/.exec(doc)![1]!;
    const r = parseUserKeys("keys.yaml", example);
    expect(r.problems).toEqual([]);
    expect(r.table.lookup("packets", "*")?.action).toBe("toggle-mark");
    expect(r.table.lookup("findings", "p")?.action).toBe("pane.packets");
    expect(r.table.lookup("findings", "4")).toBeUndefined();
  });
});
