/**
 * kdiag compare: the broker-side capture confirms or refutes the cause found on the client side,
 * also through NAT (the two views are paired by initial sequence number).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/tshark.js";

const M = join(REPO_ROOT, "test", "fixtures", "matrix");
const INC = join(REPO_ROOT, "test", "fixtures", "incidents");

interface Finding {
  rule: string;
  severity: string;
  confidence?: string;
  message: string;
}

function compare(client: string, broker: string): Finding[] {
  const r = spawnSync("node", ["bin/kdiag.js", "compare", client, broker, "--json"], { encoding: "utf8", cwd: REPO_ROOT });
  expect([0, 6], r.stderr).toContain(r.status);
  return JSON.parse(r.stdout).findings;
}

describe("the broker side confirms or refutes the client side's cause", () => {
  it("confirms a middlebox reset: the broker side has no RST", () => {
    const fs = compare(join(INC, "fw-reset-client.pcap"), join(INC, "fw-reset-broker.pcap"));
    const fw = fs.filter((f) => f.rule === "firewall-idle");
    expect(fw).toHaveLength(1);
    expect(fw[0]!.message).toContain("the broker-side capture has no RST on this connection: the broker never sent it");
    expect(fw[0]!.confidence).toBe("high");
  });

  it("confirms it through NAT, saying how the two views were paired", () => {
    const fs = compare(join(M, "path-causes", "fwr-kjs-nat-client.pcap.gz"), join(M, "path-causes", "fwr-kjs-nat-broker.pcap.gz"));
    const fw = fs.filter((f) => f.rule === "firewall-idle");
    expect(fw).toHaveLength(1);
    expect(fw[0]!.message).toContain("(paired by isn through NAT): the broker never sent it");
    expect(fs.find((f) => f.rule === "rst-not-from-broker")?.message).not.toContain("never saw the connection");
  });

  it("a RST the broker did send is the broker's, and counts for message-too-large", () => {
    const fs = compare(join(M, "broker-causes", "mtl-rdkafka-acks0-rst-client.pcap.gz"), join(M, "broker-causes", "mtl-rdkafka-acks0-rst-broker.pcap.gz"));
    expect(fs.filter((f) => f.severity !== "info").map((f) => f.rule)).toEqual(["message-too-large"]);
    expect(fs[0]!.message).toContain("the broker-side capture shows the broker itself sending the RST");
    expect(fs.some((f) => f.rule === "rst-not-from-broker")).toBe(false);
  });
});
