/**
 * Follow stream in a real terminal: `kdiag tui` in tmux at 80x24, F on the 2 MB Produce that was
 * refused, and the conversation read off the screen as a user sees it (whole rows, arrows, the
 * error name not cut).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasTmux, KDIAG, ROOT, shellPerTest } from "./tmux-shell.js";

const CAPTURE = join(ROOT, "test", "fixtures", "kcat", "message-too-large-acks1.pcap.gz");

const newShell = shellPerTest();

describe.skipIf(!hasTmux)("follow stream in tmux at 80x24", () => {
  it("F shows the connection's Kafka messages one per row, readable at 80 columns; Enter selects the response", async () => {
    const s = await newShell("xterm-256color");
    await s.waitFor(/^\$/m);
    s.keys(`LANG=C.UTF-8 ${KDIAG} tui ${CAPTURE}; echo EXIT=$?`, "Enter");
    await s.waitFor(/Findings \(\d+\)/);
    s.keys("4", "F");
    let screen = await s.waitFor(/^>5 Stream - connection 0/m);
    const rows = screen.split("\n");
    const produce = rows.findIndex((l) => l.startsWith("C→B 0.049814 #77 Produce v7 Request corr=3 2.0MB"));
    expect(produce).toBeGreaterThan(0);
    expect(rows[produce + 1]).toBe("C←B 0.081092 #79 Produce v7 Response corr=3 58B 31.3ms MESSAGE_TOO_LARGE");
    for (const r of rows) expect([...r].length).toBeLessThanOrEqual(80);
    // The handshake before, the FINs after: the whole conversation fits the 80x24 screen.
    expect(screen).toMatch(/^C→B 0\.000000 +#1 \[SYN\] connection opened$/m);
    expect(screen).toMatch(/^C←B 0\.158328 #81 \[FIN, ACK\] broker closes its side$/m);
    for (let i = 0; i < 7; i++) s.keys("j");
    s.keys("Enter");
    screen = await s.waitFor("packet 79 selected in the packets pane");
    expect(screen).toMatch(/^ +79 .* Kafka +\d+ Produce v7 Response/m);
    s.keys("q");
    await s.waitFor(/^EXIT=0$/m);
  });
});
