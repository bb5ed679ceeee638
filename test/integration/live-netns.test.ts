/**
 * Live capture on real traffic (scripts/live/live-check.sh, as root): kcat through a firewall
 * namespace that resets idle sessions; `kdiag watch -i` prints the middlebox reset while the
 * capture runs (the delay after the RST is printed, not asserted), Ctrl-C leaves a -w file tshark
 * counts as kdiag did (pcapng, though tcpdump wrote pcap), and `kdiag tui -i` in tmux lists the connection, then its finding.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const root = process.getuid?.() === 0;
const tools = spawnSync("sh", ["-c", "command -v ip && command -v nft && command -v tcpdump && command -v tshark && command -v capinfos && command -v kcat && command -v tmux"]).status === 0;

describe("kdiag watch -i / tui -i in network namespaces (live-*)", () => {
  it.skipIf(!root || !tools)("prints the middlebox reset before the capture ends; -w is pcapng and counts as tshark; the TUI grows live", () => {
    const r = spawnSync("scripts/live/live-check.sh", ["--tui"], { encoding: "utf8", timeout: 120_000 });
    // The measured delay, for whoever reads the test output.
    process.stdout.write(r.stdout.split("\n").filter((l) => /printed .* ms after the RST|^ok:|^FAIL:/.test(l)).join("\n") + "\n");
    expect(r.stdout).toContain("ok: finding printed while the capture ran (before the SIGINT)");
    expect(r.stdout).toMatch(/ok: -w file: tshark reads \d+ packets, kdiag reported \d+/);
    expect(r.stdout).toMatch(/ok: -w file is pcapng \(capinfos: Wireshark\/\.\.\. - pcapng; interface c0\)/);
    expect(r.stdout).toContain("ok: tui: the connection is listed before any finding");
    expect(r.stdout).toContain("ok: tui: the firewall-idle finding arrived live");
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 150_000);
});
