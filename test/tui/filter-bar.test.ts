/**
 * The filter bar as a Wireshark user meets it: completion (Tab), history across runs (Up),
 * errors readable at 80 columns. Pure functions first, then kdiag tui in tmux at 80x24.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { complete } from "../../src/tui/completion.js";
import { FilterHistory, historyFile } from "../../src/tui/history.js";
import { hasTmux, ROOT, shellPerTest } from "./tmux-shell.js";

describe("completion", () => {
  it("completes a unique field name", () => {
    expect(complete("packet", "tcp.flags.rese", 14)).toMatchObject({ text: "tcp.flags.reset", cursor: 15, candidates: ["tcp.flags.reset"] });
  });

  it("completes the common part and lists the choices one level at a time", () => {
    const c = complete("packet", "ip.addr == 10.0.0.1 and tcp.fl", 30);
    expect(c.text).toBe("ip.addr == 10.0.0.1 and tcp.flags");
    expect(c.candidates).toEqual(["tcp.flags", "tcp.flags.", "tcp.flags_value"]);
    expect(complete("packet", "tcp.analysis.ke", 15).candidates).toEqual(["tcp.analysis.keep_alive", "tcp.analysis.keep_alive_ack"]);
  });

  it("completes a value from the field's closed set, and knows the pane's scope", () => {
    expect(complete("connection", 'conn.close_how == "r', 20).text).toBe('conn.close_how == "rst" ');
    expect(complete("connection", "ip.ad", 5).text).toBe("ip.addr");
    expect(complete("connection", "tcp.analysis.", 13).candidates).toEqual([]);
  });
});

describe("history", () => {
  it("keeps applied filters newest last, once each, across instances", () => {
    const file = join(mkdtempSync(join(tmpdir(), "kdiag-hist-")), "kdiag", "filter-history");
    const a = new FilterHistory(file);
    a.add("tcp.port == 9092");
    a.add("ip.ttl != 64");
    a.add("tcp.port == 9092");
    expect(new FilterHistory(file).entries).toEqual(["ip.ttl != 64", "tcp.port == 9092"]);
    expect(readFileSync(file, "utf8")).toBe("ip.ttl != 64\ntcp.port == 9092\n");
    expect(historyFile({ XDG_STATE_HOME: "/x/state" })).toBe("/x/state/kdiag/filter-history");
  });
});

const newShell = shellPerTest();

describe.skipIf(!hasTmux)("the filter bar in tmux at 80x24", () => {
  it("Tab completes, Enter applies, and the next run finds the filter with Up", async () => {
    const state = mkdtempSync(join(tmpdir(), "kdiag-state-"));
    const s = await newShell("xterm-256color");
    await s.waitFor(/^\$/m);
    const run = `cd ${ROOT} && XDG_STATE_HOME=${state} node bin/kdiag.js tui test/fixtures/real/rst-abort.pcap`;
    s.keys(run, "Enter");
    await s.waitFor(/Findings \(\d+\)/);
    s.keys("4", "/");
    s.literal("tcp.flags.rese");
    s.keys("Tab");
    await s.waitFor("(packet fields): tcp.flags.reset");
    s.literal(" == 1 and ip.ad");
    s.keys("Tab");
    s.literal(" == 10.99.0.0/16");
    await s.waitFor("valid display filter");
    s.keys("Enter");
    // at 80 columns the filter's middle gives way: count, filter, its end and the position stay
    const applied = await s.waitFor(/^>4 Packets - all connections \(2\) \[filter: tcp\.flags\.reset[^\]]*…[^\]]*10\.99\.0\.0\/16\] 1\/2$/m);
    expect(applied).toMatch(/RST, ACK/);
    s.keys("q");
    await s.waitFor(/^\$\s*$/m);
    expect(readFileSync(join(state, "kdiag", "filter-history"), "utf8")).toBe("tcp.flags.reset == 1 and ip.addr == 10.99.0.0/16\n");

    s.keys("clear", "Enter");
    s.keys(run, "Enter");
    await s.waitFor(/Findings \(\d+\)/);
    s.keys("4", "/", "Up");
    await s.waitFor("(packet fields): tcp.flags.reset == 1 and ip.addr == 10.99.0.0/16");
    s.keys("Escape");
    s.keys("q");
  }, 60_000);

  it("a wrong field's error, with its suggestion, is readable in full at 80 columns", async () => {
    const s = await newShell("xterm-256color");
    await s.waitFor(/^\$/m);
    s.keys(`cd ${ROOT} && XDG_STATE_HOME=/nonexistent/state node bin/kdiag.js tui test/fixtures/real/rst-abort.pcap`, "Enter");
    await s.waitFor(/Findings \(\d+\)/);
    s.keys("4", "/");
    s.literal("tcp.analysis.retransmision or kafka.error == 10");
    const screen = await s.waitFor(/did you mean/);
    const text = screen.replace(/\s+/g, " ");
    expect(text).toContain('unknown field "tcp.analysis.retransmision" (did you mean "tcp.analysis.retransmission"?)');
    s.keys("Escape", "q");
  }, 60_000);
});
