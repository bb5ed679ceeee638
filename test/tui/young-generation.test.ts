/**
 * `kdiag tui` keeps V8's young generation at its initial size from the start (bin/kdiag.js sets
 * the flag before the CLI's modules load): set any later, loading them had already grown it to
 * its maximum, which V8 keeps for the whole session (30 MiB of a loaded TUI's RSS at 1M packets).
 * A module given to node with --import reports the new space's size as the process exits.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const MiB = 1024 * 1024;

function newSpaceAtExit(args: string[]): number {
  const dir = mkdtempSync(join(tmpdir(), "kdiag-young-"));
  const probe = join(dir, "probe.mjs");
  writeFileSync(
    probe,
    `import { getHeapSpaceStatistics } from "node:v8";\nimport { writeSync } from "node:fs";\n` +
      `process.on("exit", () => writeSync(2, "NEW_SPACE=" + getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size + "\\n"));\n`,
  );
  const r = spawnSync(process.execPath, ["--import", probe, join(ROOT, "bin", "kdiag.js"), ...args], { encoding: "utf8" });
  const m = /NEW_SPACE=(\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no report: ${r.stderr}`);
  return Number(m[1]);
}

describe("the TUI's young generation", () => {
  it("stays at its initial size while the CLI loads for `tui`, not for other commands", () => {
    // `tui --help` loads every module `kdiag tui FILE` loads before it reads the capture.
    expect(newSpaceAtExit(["tui", "--help"])).toBeLessThanOrEqual(2 * MiB);
    // Without the flag the same modules grow it (the reason it is set first).
    expect(newSpaceAtExit(["flows", "--help"])).toBeGreaterThan(4 * MiB);
  });
});
