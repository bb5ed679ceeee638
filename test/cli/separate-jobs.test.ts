/**
 * --separate on worker threads (--jobs): the same stdout, stderr and exit code as one file after
 * the other, in the order of the files; a damaged file's exit code is the run's; a bad --jobs is a
 * usage error.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tmpFile } from "../tcp/helpers.js";

const FILES = [
  "test/fixtures/matrix/conditions/hung-kp-eof-client.pcap.gz",
  "test/fixtures/real/loss.pcap",
  "test/fixtures/matrix/conditions/hung-rdk-eof-broker.pcap.gz",
];

function kdiag(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ["bin/kdiag.js", ...args], { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
}

describe("--separate --jobs", () => {
  for (const cmd of [["analyze"], ["analyze", "--json"], ["flows"], ["kafka", "--stats"]]) {
    it(`${cmd.join(" ")}: three files on worker threads print what one after the other prints`, () => {
      const one = kdiag([...cmd, "--separate", "--jobs", "1", ...FILES]);
      const many = kdiag([...cmd, "--separate", "--jobs", "3", ...FILES], { KDIAG_DEBUG: "1" });
      expect(many.stderr).toContain("debug: 3 files on 3 worker threads");
      expect(many.status).toBe(one.status);
      expect(many.stdout).toBe(one.stdout);
      expect(many.stderr.replace(/^kdiag: debug: .*\n/gm, "")).toBe(one.stderr);
      if (cmd[1] !== "--json") expect(many.stdout.match(/^== .*$/gm)).toEqual(FILES.map((f) => `== ${f}`));
    });
  }

  it("a listing (packets, kafka without --stats) streams one file after the other, for a reader such as head", () => {
    for (const cmd of [["packets"], ["kafka"]]) {
      const r = kdiag([...cmd, "--separate", ...FILES], { KDIAG_DEBUG: "1" });
      expect(r.status).toBe(0);
      expect(r.stderr).not.toContain("worker threads");
      expect(r.stdout.match(/^== .*$/gm)).toEqual(FILES.map((f) => `== ${f}`));
    }
  });

  it("a file cut short gives its exit code (4) to the run, the other file's results are whole", () => {
    const cut = tmpFile("cut-short.pcap");
    writeFileSync(cut, readFileSync("test/fixtures/real/loss.pcap").subarray(0, 3000));
    const r = kdiag(["flows", "--separate", "--jobs", "2", cut, "test/fixtures/real/loss.pcap"]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/cut-short\.pcap: packet 6: record cut short/);
    expect(r.stdout).toBe(kdiag(["flows", "--separate", "--jobs", "1", cut, "test/fixtures/real/loss.pcap"]).stdout);
  });

  it("--jobs 0 is a usage error", () => {
    const r = kdiag(["flows", "--separate", "--jobs", "0", ...FILES]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('kdiag: --jobs: a whole number of files at once, 1 or more, not "0"\n');
  });
});
