/**
 * A capture that starts late: the response's request is not in it. Wireshark leaves such a
 * response undecoded; kdiag tries every layout that consumes its bytes exactly and says how sure
 * it is.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "kdiag-orphan-"));

function withoutFrames(file: string, frames: string): string {
  const out = join(dir, `cut-${frames}.pcap`);
  execFileSync("editcap", ["-r", file, out, frames]);
  return out;
}

describe("responses whose request was not captured", () => {
  it("decodes the Fetch response of mixed-with-unsupported.pcap without its request", () => {
    // Keep frames 2..end: the Fetch v13 request (frame 1) is gone, its response (now frame 8) stays.
    const file = withoutFrames("test/fixtures/public/deepflow-kafka/mixed-with-unsupported.pcap", "2-100");
    const r = spawnSync("node", ["bin/kdiag.js", "kafka", "--json", file], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const ex = JSON.parse(r.stdout).exchanges as Array<Record<string, unknown>>;
    const orphan = ex.find((e) => e.status === "orphan-response")!;
    expect(orphan).toMatchObject({ api_name: "Fetch", correlation_id: 15551976, confidence: "likely", request_packets: null });
    // Several Fetch versions share this layout; the summary names the range, not a guess.
    expect(orphan.summary).toContain("[request not captured: likely Fetch v12-17]");
    // The exchanges whose requests are in the capture are still paired with certainty.
    expect(ex.filter((e) => e.status === "answered").map((e) => [e.api_name, e.confidence])).toEqual([
      ["OffsetCommit", "certain"],
      ["Heartbeat", "certain"],
    ]);
  });

  it("tshark leaves that response undecoded", () => {
    const file = withoutFrames("test/fixtures/public/deepflow-kafka/mixed-with-unsupported.pcap", "2-100");
    const text = execFileSync("tshark", ["-r", file, "-Y", "frame.number == 8", "-T", "fields", "-e", "kafka.api_key"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    expect(text.trim()).toBe("");
  });
});
