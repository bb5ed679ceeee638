/**
 * TLS 1.3 KeyUpdate (RFC 8446 4.6.3, 7.2) on a real capture (test/fixtures/tls/tls13-key-update.pcap,
 * openssl s_client/s_server, scripts/fixtures/make-tls-keyupdate-capture.sh): the client updates
 * its keys twice (the second time asking the server to update too), the server once. Decryption
 * goes on past every update, as tshark's does.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SUITES, tls13NextTrafficSecret } from "../../dissectors/tls/keys.js";
import type { Dir } from "../../src/plugins/api.js";
import { TLS_DIR, decryptedBytes, kdiagJson } from "./helpers.js";

const PCAP = join(TLS_DIR, "tls13-key-update.pcap");
const KEYS = join(TLS_DIR, "tls13-key-update.keys");
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));

/** The lines of a key log with `label`, in file order: [client random, secret] in hex. */
function logged(label: string): string[][] {
  return readFileSync(KEYS, "utf8")
    .split("\n")
    .filter((l) => l.startsWith(`${label} `))
    .map((l) => l.split(" ").slice(1));
}

/** tshark's decrypted application data of the connection, per direction (follow,tls,raw). */
function tsharkPlaintext(): Record<Dir, string> {
  const text = execFileSync("tshark", ["-o", `tls.keylog_file:${KEYS}`, "-r", PCAP, "-q", "-z", "follow,tls,raw,0"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const out: Record<Dir, string> = { c2s: "", s2c: "" };
  // The chunks of the side that spoke first (the client) are indented with a tab.
  for (const line of text.split("\n")) {
    const m = /^(\t?)([0-9a-f]+)$/.exec(line);
    if (m) out[m[1] ? "c2s" : "s2c"] += Buffer.from(m[2]!, "hex").toString("latin1");
  }
  return out;
}

describe("TLS 1.3 KeyUpdate", () => {
  it("the next secret is the one OpenSSL logged after each update (CLIENT/SERVER_TRAFFIC_SECRET_N)", () => {
    const suite = SUITES.get(0x1301)!;
    for (const side of ["CLIENT", "SERVER"]) {
      const [[, first]] = logged(`${side}_TRAFFIC_SECRET_0`) as [[string, string]];
      const updates = logged(`${side}_TRAFFIC_SECRET_N`).map(([, s]) => s!);
      expect(updates.length).toBe(side === "CLIENT" ? 2 : 1);
      let secret = hex(first);
      for (const next of updates) {
        secret = tls13NextTrafficSecret(suite, secret);
        expect(Buffer.from(secret).toString("hex")).toBe(next);
      }
    }
  });

  it("decryption goes on past each update: the plaintext is tshark's, line by line", async () => {
    // Only the _0 secrets are used: kdiag derives the others, so a key log without the _N lines
    // (Java agents, Python's ssl) decrypts the same.
    const text = readFileSync(KEYS, "utf8").split("\n").filter((l) => !l.includes("_TRAFFIC_SECRET_N ")).join("\n");
    const { seen, capture } = await decryptedBytes(PCAP, text);
    expect(seen.c2s).toBe("hello broker-1\nafter client key update\nafter both key updates\n");
    expect(seen.s2c).toBe("1-rekorb olleh\netadpu yek tneilc retfa\nsetadpu yek htob retfa\n");
    expect(seen).toEqual(tsharkPlaintext());
    expect(JSON.stringify(capture.notes)).not.toMatch(/not decrypted/);
  });

  it("the KeyUpdate records are the packets tshark finds with tls.handshake.type==24, with their request_update", () => {
    const tshark = execFileSync(
      "tshark",
      ["-o", `tls.keylog_file:${KEYS}`, "-r", PCAP, "-Y", "tls.handshake.type==24", "-T", "fields", "-e", "frame.number", "-e", "tls.handshake.key_update.request_update"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    )
      .trim()
      .split("\n")
      .map((l) => l.split("\t").map(Number));
    expect(tshark.length).toBe(3);
    const packets = kdiagJson("--tls-keylog", KEYS, "packets", "--json", PCAP).packets as any[];
    const updates = packets
      .filter((p) => p.pdus?.some((d: any) => d.fields["tls.handshake.type"] === 24))
      .map((p) => [p.number, p.pdus[0].fields["tls.handshake.key_update.request_update"]]);
    expect(updates).toEqual(tshark);
    // Every record after them is read: application data and the closing alerts, none opaque.
    const summaries = packets.filter((p) => p.protocol === "TLS" && p.number > tshark[0]![0]!).map((p) => p.info as string);
    expect(summaries.filter((s) => /Application Data \(decrypted/.test(s)).length).toBe(4);
    expect(summaries.filter((s) => /Close Notify/.test(s)).length).toBe(2);
    expect(summaries.some((s) => /Encrypted|Unknown Record|^Application Data$/.test(s))).toBe(false);
  });

  it("the key log's _N lines are read without a warning", () => {
    const r = spawnSync("node", ["bin/kdiag.js", "--tls-keylog", KEYS, "packets", PCAP], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/Key Update \(update requested\)/);
  });
});
