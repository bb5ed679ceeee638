/**
 * `kdiag tui DIR` in tmux: a capture cut into several files (editcap -c 10) opens as one capture,
 * numbered over the whole, with its findings; the last file's packet shows its own file in the
 * tree and its bytes in the hex pane (read back from that file).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasTmux, KDIAG, ROOT, shellPerTest } from "./tmux-shell.js";

const newShell = shellPerTest();

describe.skipIf(!hasTmux)("kdiag tui on several files", () => {
  it("a directory of the pieces of a capture reads as the capture: title, findings, last packet's file and bytes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-tui-multi-"));
    execFileSync("editcap", ["-F", "pcap", "-c", "10", join(ROOT, "test", "fixtures", "real", "firewall-idle-client.pcap"), join(dir, "fw.pcap")]);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(4);
    const shell = await newShell(undefined, { cols: 100, rows: 30 });
    shell.keys(`${KDIAG} tui ${dir}; echo EXIT=$?`, "Enter");
    let s = await shell.waitFor(/Findings \(2\)/);
    expect(s.split("\n")[0]).toMatch(new RegExp(`^kdiag ${files[0]!.replace(".", "\\.")} \\+3 +40 pkts, 3 conns, 9 exchanges, 2 findings`));
    expect(s).toContain("4 files merged by time: packets numbered 1-40 as mergecap numbers them");
    shell.keys("4", "G", "5");
    s = await shell.waitFor("Frame 40: 66 bytes on wire");
    shell.keys("Enter"); // unfold the frame
    s = await shell.waitFor(/File: .*fw_00003_\d+\.pcap, offset \d+/);
    // Packet 40 is the last of the fourth file: 24 bytes of file header, then its 10 records.
    const offset = Number(/offset (\d+)/.exec(s)![1]);
    const size = Number(execFileSync("stat", ["-c", "%s", join(dir, files[3]!)]).toString());
    expect(offset).toBe(size - 66);
    shell.keys("6");
    s = await shell.waitFor("Hex - packet 40");
    const hex = execFileSync("tshark", ["-r", join(dir, files[3]!), "-x", "-Y", "frame.number == 10"]).toString().split("\n")[0]!;
    expect(s).toContain(hex.slice(0, 54).trimEnd());
    shell.keys("q");
    await shell.waitFor(/^EXIT=0$/m);
  });
});
