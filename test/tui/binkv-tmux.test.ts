/**
 * The binary example plugin (BinKV, dissectors/example-binary/index.js) in the TUI, in a real
 * terminal (tmux, 100x30), with its rule file, on its real capture (scripts/fixtures/make-binkv-capture.sh).
 * Its exchanges pane, packets and tree carry its own label, its fields work in the filter bar of
 * the packets and exchanges panes, its rules' findings are listed. Runs `node bin/kdiag.js tui`
 * (build first).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasTmux, KDIAG, ROOT, shellPerTest } from "./tmux-shell.js";

const PLUGIN = join(ROOT, "dissectors", "example-binary", "index.js");
const RULES = join(ROOT, "dissectors", "example-binary", "rules.yaml");
const CAPTURE = join(ROOT, "test", "fixtures", "plugins", "binkv.pcap");

const newShell = shellPerTest();

describe.skipIf(!hasTmux)("the binary example plugin in the TUI (tmux)", () => {
  it("labels its exchanges, packets and tree BinKV, filters on its fields, shows its findings", async () => {
    const sh = await newShell(undefined, { cols: 100, rows: 30 });
    sh.keys(`${KDIAG} --plugin ${PLUGIN} tui --rules ${RULES} ${CAPTURE} 2>/dev/null; echo EXIT=$?`, "Enter");
    let s = await sh.waitFor(/4 conns, 13 exchanges, 10 findings/);
    // Its rules' findings, most severe first; its exchanges pane named by its label, never Kafka's.
    expect(s).toMatch(/^>1 Findings \(10\) - 5 causes/m);
    expect(s).toMatch(/^error binkv-malformed c3 connection 3 \(127\.0\.0\.1:50348\) stopped being BinKV/m);
    expect(s).toMatch(/^warni binkv-slow-response ▸ \d connections?: BinKV response slower than expected/m);
    expect(s).toContain("3 BinKV exchanges - all connections (13)");
    expect(s).not.toContain("Kafka exchanges");
    // A plugin's exchange: its label as the API, its own summary, "answered" (not Kafka's "ok").
    expect(s).toMatch(/^0\.003 0 BinKV\s+-\s+PUT #1 VALUE_TOO_LARGE photo:1\s+70k\s+60\s+\S+ answered$/m);

    // The packets pane's filter on one of its fields: the one VALUE_TOO_LARGE response.
    sh.keys("4", "/");
    sh.literal("binkv.status == 3");
    sh.keys("Enter");
    s = await sh.waitFor("Packets - all connections (1) [filter: binkv.status == 3]");
    expect(s).toMatch(/^\s+9\s+\S+ 127\.0\.0\.1 → 127\.0\.0\.1 BinKV\s+126 PUT response #1 VALUE_TOO_LARGE/m);
    // Its tree, from the plugin's PDU-relative nodes, under its label and message name.
    expect(s).toContain("▾ BinKV response: PUT response #1 VALUE_TOO_LARGE value of 70000 bytes over the 65536 byte limit");
    expect(s).toMatch(/· Opcode: 2 \(PUT\)$/m);
    expect(s).toMatch(/· Status: 3 \(VALUE_TOO_LARGE\)$/m);
    expect(s).not.toMatch(/Kafka (request|response)/);

    // The exchanges pane's filter on its exchange field: the three slow GETs.
    sh.keys("3", "/");
    sh.literal("binkv.response_time > 300.0");
    sh.keys("Enter");
    s = await sh.waitFor("BinKV exchanges - all connections (3) [filter: binkv.response_time > 300.0]");
    const rows = s.split("\n").filter((l) => /^\d+\.\d{3} 1 BinKV /.test(l));
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toMatch(/ (GET #[245] (OK|NOT_FOUND) slow:\w+)\s+\S+\s+\S+\s+4\d\d(\.\d+)?ms answered$/);

    sh.keys("q");
    s = await sh.waitFor(/^EXIT=\d+$/m);
    expect(s).toMatch(/^EXIT=0$/m);
  });
});
