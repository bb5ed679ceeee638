import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRegistry } from "../../src/plugins/builtin.js";
import { loadPluginFile } from "../../src/plugins/load.js";
import { PluginError, Registry } from "../../src/plugins/registry.js";

const good = {
  apiVersion: 1,
  name: "demo",
  description: "demo protocol",
  layer: "stream",
  ports: [4000],
  detect: () => "no",
  fields: [{ name: "demo.kind", type: "string", description: "kind" }],
  open: () => ({ gap() {}, close() {} }),
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof PluginError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return "no error";
}

describe("Registry", () => {
  it("builds the port table and the heuristic list from descriptors", () => {
    const r = new Registry();
    r.register(good, "test");
    expect(r.portTable.get(4000)).toBe("demo");
    expect(r.heuristics).toEqual([{ name: "demo", enabled: true }]);
    r.decodeAs(36333, "demo");
    expect(r.portTable.get(36333)).toBe("demo");
  });

  it("keeps registries independent (no global state)", () => {
    const a = new Registry();
    const b = new Registry();
    a.register(good, "a");
    expect(b.get("demo")).toBeUndefined();
    b.register(good, "b");
    expect(b.get("demo")).toBeDefined();
  });

  it.each([
    [{ ...good, apiVersion: 2 }, "apiVersion must be 1"],
    [{ ...good, name: "Bad Name" }, "name must match"],
    [{ ...good, layer: "packet" }, 'layer must be "segment" or "stream"'],
    [{ ...good, ports: [0] }, "ports must be a list"],
    [{ ...good, open: undefined }, "needs an open(ctx) function"],
    [{ ...good, fields: [{ name: "other.kind", type: "string", description: "" }] }, 'must start with the plugin name "demo."'],
    [{ ...good, fields: [{ name: "demo.kind", type: "text", description: "" }] }, "unknown type"],
    [{ ...good, fields: [good.fields[0], good.fields[0]] }, "declared twice"],
    [{ ...good, framing: { headerLength: 0 } }, "framing needs"],
  ])("rejects a bad descriptor with a message that says what is wrong (%#)", (descriptor, expected) => {
    const r = new Registry();
    const got = codeOf(() => r.register(descriptor, "my-plugin.js"));
    expect(got).toMatch(/^plugin_invalid: my-plugin\.js: /);
    expect(got).toContain(expected);
  });

  it("refuses a second dissector of the same name and names both sources", () => {
    const r = new Registry();
    r.register(good, "first.js");
    expect(codeOf(() => r.register(good, "second.js"))).toBe(
      'plugin_duplicate: second.js: a dissector named "demo" is already registered (from first.js)',
    );
  });

  it("registers the built-in TCP dissector with Wireshark field names", () => {
    const r = createRegistry();
    expect(r.get("tcp")?.layer).toBe("segment");
    const names = r.fields().map((f) => f.name);
    expect(names).toContain("tcp.analysis.retransmission");
    expect(names).toContain("tcp.flags.reset");
    for (const n of names) expect(n).toMatch(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("loadPluginFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "kdiag-plugin-"));

  it("loads the example plugin from a path as a user would", async () => {
    const r = new Registry();
    await loadPluginFile(r, "dissectors/example-textline/index.js");
    expect(r.portTable.get(7777)).toBe("textline");
    expect(r.heuristics.map((h) => h.name)).toEqual(["textline"]);
  });

  it("says which file is missing", async () => {
    await expect(loadPluginFile(new Registry(), join(dir, "nope.js"))).rejects.toThrow(/nope\.js: no such file/);
  });

  it("turns a syntax error into one line without a stack trace", async () => {
    const f = join(dir, "broken.js");
    writeFileSync(f, "export default { apiVersion: 1, name: 'x', \n");
    const err = await loadPluginFile(new Registry(), f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginError);
    expect((err as PluginError).code).toBe("plugin_load_failed");
    expect((err as PluginError).message.split("\n")).toHaveLength(1);
  });

  it("rejects a module without a default export", async () => {
    const f = join(dir, "nodefault.js");
    writeFileSync(f, "export const plugin = {};\n");
    await expect(loadPluginFile(new Registry(), f)).rejects.toThrow(/no default export/);
  });
});
