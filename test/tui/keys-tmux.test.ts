/**
 * A keys file of the user's in a real terminal: `kdiag tui --keys FILE` in tmux at 80x24 on the
 * firewall sample. The rebound keys work, the old ones no longer do, and the status line, the
 * pane title, the messages and the `?` help show the new keys. A broken file: the TUI starts with
 * the default keys and says why. Runs `node bin/kdiag.js tui` (build first).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasTmux, KDIAG, ROOT, shellPerTest } from "./tmux-shell.js";

const CAPTURE = join(ROOT, "samples", "firewall-idle-client.pcap");

const newShell = shellPerTest();

describe.skipIf(!hasTmux)("the user's keys file in tmux at 80x24", () => {
  it("rebinds next-mark and the packets pane: hint line, title, messages and ? help show the new keys", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-keys-"));
    const file = join(dir, "keys.yaml");
    writeFileSync(file, '# mine\nnext-mark: "}"\npane.packets: p\n');
    const s = await newShell("xterm-256color");
    await s.waitFor(/^\$/m);
    s.keys(`LANG=C.UTF-8 ${KDIAG} tui --keys ${file} ${CAPTURE}; echo EXIT=$?`, "Enter");
    await s.waitFor(/Findings \(\d+\)/);
    // 4 is no longer the packets pane's key: nothing happens (the findings pane keeps the focus;
    // the help coming up says the 4 was handled); p is.
    s.keys("4", "?");
    await s.waitFor(/^Help: every key/m);
    s.keys("Escape");
    let screen = await s.waitFor(/^>1 Findings/m);
    expect(screen).toMatch(/^ p Packets - all connections/m);
    s.keys("p");
    screen = await s.waitFor(/^>p Packets - all connections/m);
    let status = screen.split("\n").filter(Boolean).at(-1)!;
    expect(status).toContain("<}> mark");
    expect(status).not.toContain("<]>");
    // The message after a mark names the key that walks the marks.
    s.keys("m");
    screen = await s.waitFor("packet 1 marked (1 marked; } next, M clears)");
    const at = (n: number) => new RegExp(`^>p Packets - all connections \\(\\d+\\) ${n}/\\d+`, "m");
    s.keys("j");
    await s.waitFor(at(2));
    // } walks the marks (round to packet 1); ] does nothing any more (checked once the help is up).
    s.keys("}");
    await s.waitFor(at(1));
    s.keys("j");
    await s.waitFor(at(2));
    s.keys("]");
    s.keys("?");
    screen = await s.waitFor(/^Help: every key, lines 1-\d+ of \d+ \(Esc closes/m);
    expect(screen).toMatch(/^ {2}<}> {22}next marked packet/m);
    status = screen.split("\n").filter(Boolean).at(-1)!;
    expect(status).toMatch(/^<esc> close {2}<down> scroll/);
    // Further down: the other panes' titles in the help name the packets pane by its new key.
    for (let i = 0; i < 60; i++) s.keys("j");
    screen = await s.waitFor(/List keys \(panes 1 2 3 p 5 6 8\):/);
    s.keys("Escape");
    await s.waitFor(at(2));
    s.keys("q");
    screen = await s.waitFor(/^EXIT=\d+$/m);
    expect(screen).toMatch(/^EXIT=0$/m);
  });

  it("a broken keys file: the TUI starts with the default keys, says so, and lists the problem on quit", async () => {
    const config = mkdtempSync(join(tmpdir(), "kk-"));
    mkdirSync(join(config, "kdiag"));
    writeFileSync(join(config, "kdiag", "keys.yaml"), 'togle-mark: "*"\n');
    const s = await newShell("xterm-256color");
    await s.waitFor(/^\$/m);
    s.keys(`XDG_CONFIG_HOME=${config} LANG=C.UTF-8 ${KDIAG} tui ${CAPTURE}; echo EXIT=$?`, "Enter");
    let screen = await s.waitFor("[keys file: 1 problem, listed on quit]");
    expect(screen).toContain('keys.yaml:1:1: unknown action "togle-mark"');
    // The default keys work, once the capture is read: m marks the selected packet, and before the
    // list has one it marks nothing (on a loaded CI machine, m came first and the test waited in vain).
    await s.waitFor("Findings (2)");
    s.keys("4", "m");
    await s.waitFor("packet 1 marked (1 marked; ] next, M clears)");
    s.keys("q");
    screen = await s.waitFor(/^EXIT=\d+$/m);
    // One line on stderr, which the terminal wraps at 80 columns (tmux drops the space at a wrap).
    const squeeze = (t: string) => t.replace(/\s+/g, "");
    const line = `kdiag tui: ${join(config, "kdiag", "keys.yaml")}:1:1: unknown action "togle-mark" (did you mean "toggle-mark"?); the actions are listed in docs/tui.md and by ? in the TUI`;
    expect(squeeze(screen)).toContain(squeeze(`${line}\nEXIT=0`));
    expect(screen).toMatch(/^EXIT=0$/m);
  });
});
