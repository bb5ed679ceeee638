/**
 * A plugin in the TUI, in a real terminal (tmux, 100x30): the Redis RESP plugin of
 * test/fixtures/plugins/resp.js loaded with --plugin on its real capture. Its exchanges and packets
 * carry its own label, its fields work in the filter bar, its messages are named in the tree.
 * Runs `node bin/kdiag.js tui` (build first).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasTmux, KDIAG, ROOT, shellPerTest } from "./tmux-shell.js";

const PLUGIN = join(ROOT, "test", "fixtures", "plugins", "resp.js");
const CAPTURE = join(ROOT, "test", "fixtures", "plugins", "resp.pcap");

const newShell = shellPerTest();

describe.skipIf(!hasTmux)("a plugin's messages and fields in the TUI (tmux)", () => {
  it("labels them with the plugin's name and filters on its fields", async () => {
    const sh = await newShell(undefined, { cols: 100, rows: 30 });
    sh.keys(`${KDIAG} --plugin ${PLUGIN} tui ${CAPTURE}; echo EXIT=$?`, "Enter");
    let s = await sh.waitFor(/6 conns, 30 exchanges, 0 findings/);
    // The exchanges pane names the protocol by the plugin's label, never as Kafka's.
    expect(s).toMatch(/^0\.000 0 Redis\s+-\s+SET \+OK\s+36\s+5\s+\S+ answered$/m);
    expect(s).toContain("3 Redis exchanges - all connections (30)");
    expect(s).not.toContain("Kafka exchanges");

    sh.keys("4", "/");
    sh.literal("resp.error");
    sh.keys("Enter");
    s = await sh.waitFor("Packets - all connections (6) [filter: resp.error]");
    const rows = s.split("\n").filter((l) => /^\s+\d+\s+\S+ 127\.0\.0\.1 → 127\.0\.0\.1 Redis\s+134 -WRONGTYPE/.test(l));
    expect(rows.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual([16, 35, 54, 73, 92, 111]);
    // The detail pane: the plugin's message by its label and message name, its fields under it.
    expect(s).toContain("▾ Redis reply: -WRONGTYPE Operation against a key holding the wrong kind of value");
    expect(s).toMatch(/resp\.error: "WRONGTYPE Operation against a key holding the wrong kind of value"/);
    expect(s).not.toContain("Kafka request");
    expect(s).not.toContain("Kafka response");

    // A field the plugin does not declare is refused in the filter bar, with the plugin's as hints.
    sh.keys("/");
    sh.keys("C-u");
    sh.literal("resp.eror");
    sh.keys("Enter");
    s = await sh.waitFor(/unknown field "resp\.eror"/);
    expect(s).toMatch(/resp\.error/);
    sh.keys("Escape");

    sh.keys("q");
    s = await sh.waitFor(/^EXIT=\d+$/m);
    expect(s).toMatch(/^EXIT=0$/m);
  });
});
