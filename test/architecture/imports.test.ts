/**
 * Which way imports may run (issue 11): protocol meaning reaches rules, reports and the TUI
 * through the registry's declared fields, never by importing a dissector.
 *
 * - Nothing outside the built-in list (src/plugins/builtin.ts) imports dissectors/.
 * - A dissector imports only the public plugin API (src/plugins/api.ts, `kdiag/plugin`), files of
 *   its own folder, and packages (npm, node:).
 * - The top-level folders of src/ form no cycle. The plugin API is left out of that graph: it
 *   imports nothing, and is the public package every layer may speak (tcp/ delivers its types).
 *
 * Import statements are read from the source text (static, `export … from`, `import type`, and
 * dynamic `import("…")`), so the test needs no build.
 */

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const API = "src/plugins/api.ts";

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...files(path));
    else if (/\.(ts|tsx|js|mjs)$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** The module specifiers a source text imports. */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  // Comments out first: a commented import is not one.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  for (const m of code.matchAll(/\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']/g)) out.push(m[1]!);
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]!);
  return out;
}

/** A relative specifier as a repository path (".js" names the ".ts" source). */
function target(from: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  const abs = relative(ROOT, resolve(ROOT, dirname(from), spec)).split(sep).join("/");
  return abs.replace(/\.js$/, ".ts");
}

const SOURCES = [...files("src"), ...files("dissectors")];
const EDGES: Array<{ from: string; spec: string; to: string | null }> = SOURCES.flatMap((from) =>
  importsOf(readFileSync(join(ROOT, from), "utf8")).map((spec) => ({ from, spec, to: target(from, spec) })),
);

/** The top-level unit of a path: "src/rules", "dissectors/kafka", or a file at src/'s root. */
function folder(path: string): string {
  return path.split("/").slice(0, 2).join("/").replace(/\.tsx?$/, "");
}

/** One cycle of the directed graph, as a path that returns to its start, or null. */
export function findCycle(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, "open");
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === "open") return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, "done");
    return null;
  };
  for (const n of graph.keys()) {
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  }
  return null;
}

describe("import directions", () => {
  it("reads the import forms the sources use", () => {
    const text = [
      'import a from "./a.js";',
      'import type { B } from "../b.js";',
      'export { c } from "./c.js";',
      'export * from "./d.js";',
      "const e = await import(\"./e.js\");",
      '// import x from "./commented.js";',
      'import "./side-effect.js";',
    ].join("\n");
    expect(importsOf(text)).toEqual(["./a.js", "../b.js", "./c.js", "./d.js", "./side-effect.js", "./e.js"]);
  });

  it("finds a cycle, and none in a tree", () => {
    const g = (edges: string[][]) => {
      const m = new Map<string, Set<string>>();
      for (const [a, b] of edges) (m.get(a!) ?? m.set(a!, new Set()).get(a!)!).add(b!);
      return m;
    };
    expect(findCycle(g([["rules", "filter"], ["filter", "rules"]]))).toEqual(["rules", "filter", "rules"]);
    expect(findCycle(g([["rules", "filter"], ["filter", "cel"], ["rules", "cel"]]))).toBeNull();
  });

  it("nothing outside the built-in list imports dissectors/", () => {
    const bad = EDGES.filter((e) => e.to?.startsWith("dissectors/") && !e.from.startsWith("dissectors/") && e.from !== "src/plugins/builtin.ts");
    expect(bad.map((e) => `${e.from} imports ${e.spec}`)).toEqual([]);
  });

  it("dissectors import only the plugin API, their own folder and packages", () => {
    const bad = EDGES.filter((e) => {
      if (!e.from.startsWith("dissectors/")) return false;
      if (e.to === null) return false; // a package: npm or node:
      return e.to !== API && folder(e.to) !== folder(e.from);
    });
    expect(bad.map((e) => `${e.from} imports ${e.spec}`)).toEqual([]);
  });

  it("the top-level folders of src/ form no cycle", () => {
    const graph = new Map<string, Set<string>>();
    for (const e of EDGES) {
      if (!e.from.startsWith("src/") || !e.to?.startsWith("src/") || e.to === API) continue;
      const a = folder(e.from);
      const b = folder(e.to);
      if (a !== b) (graph.get(a) ?? graph.set(a, new Set()).get(a)!).add(b);
    }
    expect(graph.size).toBeGreaterThan(5);
    expect(findCycle(graph)).toBeNull();
  });
});
