/**
 * Decryption end to end: the openssl captures' application data decrypts to the line the script
 * sent (and the server's reversal of it); Kafka through the TLS terminator decodes as it does on
 * the plaintext connection behind it; wrong, partial and missing key logs say why, exit 0, keep
 * the TCP analysis, and never print a secret.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Dir } from "../../src/plugins/api.js";
import { TLS_DIR, decryptedBytes, kdiagJson } from "./helpers.js";

const OPENSSL = ["tls12-ecdhe-rsa-aes128-gcm", "tls12-ecdhe-rsa-chacha20", "tls13-aes128-gcm", "tls13-chacha20"];

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync("node", ["bin/kdiag.js", ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

/** The decrypted application data of each direction. */
async function plaintext(name: string, keys: string): Promise<Record<Dir, string>> {
  return (await decryptedBytes(join(TLS_DIR, `${name}.pcap`), readFileSync(keys, "utf8"))).seen;
}

/** The secrets of a key log, as hex: none may appear in any output. */
function secretsOf(keys: string): string[] {
  return readFileSync(keys, "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(/\s+/)[2]!.toLowerCase());
}

function tmpKeys(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "kdiag-keys-")), "k.keys");
  writeFileSync(file, text);
  return file;
}

describe("TLS decryption with a key log", () => {
  it.each(OPENSSL)("%s decrypts to the line sent and its reversal", async (name) => {
    const seen = await plaintext(name, join(TLS_DIR, `${name}.keys`));
    expect(seen.c2s).toBe("hello broker-1\n");
    expect(seen.s2c).toBe("1-rekorb olleh\n");
  });

  it.each(OPENSSL)("%s: records are decrypted in the packet list, TLS 1.3's certificate is read", (name) => {
    const r = run("--tls-keylog", join(TLS_DIR, `${name}.keys`), "packets", join(TLS_DIR, `${name}.pcap`));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Application Data \(decrypted, 15 bytes\)/);
    expect(r.stdout).toMatch(/Certificate/);
    expect(r.stdout).not.toMatch(/Encrypted Handshake Message/);
    expect(r.stderr).toBe("");
  });

  it("Kafka through the terminator: the TLS connection's exchanges match the plaintext connection's", () => {
    const file = join(TLS_DIR, "terminator-kafka-producer.pcap");
    const keys = join(TLS_DIR, "terminator-kafka-producer.keys");
    const flows = kdiagJson("flows", "--json", file).connections as Array<{ dissector: string | null }>;
    const tlsConn = flows.findIndex((c) => c.dissector === "tls");
    const plainConn = flows.findIndex((c) => c.dissector === "kafka");
    expect(tlsConn).toBeGreaterThanOrEqual(0);
    expect(plainConn).toBeGreaterThanOrEqual(0);
    const without = kdiagJson("kafka", "--json", file).exchanges as any[];
    expect(without.some((e) => e.connection === tlsConn)).toBe(false);
    const ex = kdiagJson("--tls-keylog", keys, "kafka", "--json", file).exchanges as any[];
    const shape = (e: any) => [e.api_key, e.api_version, e.correlation_id, e.client_id, e.topics, e.request_size];
    const overTls = ex.filter((e) => e.connection === tlsConn);
    const behind = ex.filter((e) => e.connection === plainConn);
    expect(overTls.length).toBeGreaterThan(0);
    expect(overTls.map(shape)).toEqual(behind.map(shape));
    // The request's evidence packets are the packets that carried the TLS record.
    const pk = kdiagJson("--tls-keylog", keys, "packets", "--json", file);
    const rows = JSON.stringify(pk);
    expect(rows).toContain("Metadata v1 Request corr=1");
    expect(overTls[0].request_packets[0]).toBeGreaterThan(0);
  });
});

describe("connections that cannot be decrypted", () => {
  const pcap = join(TLS_DIR, "tls13-aes128-gcm.pcap");
  const good = readFileSync(join(TLS_DIR, "tls13-aes128-gcm.keys"), "utf8");
  const flip = (l: string) => l.replace(/(\S)$/, (c) => (c === "0" ? "1" : "0"));
  const cases: Array<[string, string, RegExp]> = [
    ["another capture's key log", join(TLS_DIR, "tls12-ecdhe-rsa-chacha20.keys"), /no entry for this connection's client random/],
    ["a wrong secret", tmpKeys(good.split("\n").map((l) => (l.startsWith("SERVER_TRAFFIC_SECRET_0") ? flip(l) : l)).join("\n")), /failed authentication/],
    ["a partial key log", tmpKeys(good.split("\n").filter((l) => l.includes("HANDSHAKE")).join("\n")), /lacks this connection's application traffic secrets/],
  ];
  it.each(cases)("%s: one note saying why, exit 0, TCP analysis intact, no secret printed", (_what, keys, why) => {
    const plain = run("packets", pcap);
    const r = run("--tls-keylog", keys, "packets", pcap);
    expect(r.status).toBe(0);
    expect(r.stderr.match(/TLS not decrypted/g)).toHaveLength(1);
    expect(r.stderr).toMatch(why);
    expect(r.stdout.split("\n").length).toBe(plain.stdout.split("\n").length);
    const out = r.stdout + r.stderr;
    for (const s of [...secretsOf(keys), ...secretsOf(join(TLS_DIR, "tls13-aes128-gcm.keys"))]) expect(out.toLowerCase()).not.toContain(s);
    const a = run("--tls-keylog", keys, "analyze", pcap);
    expect(a.status).toBe(0);
  });

  it("an unreadable key log file is a warning; malformed lines are named by number", () => {
    const r = run("--tls-keylog", "/nonexistent/k.keys", "packets", pcap);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/cannot read it/);
    const bad = tmpKeys(`# x\nCLIENT_RANDOM 00\n${good}`);
    const b = run("--tls-keylog", bad, "packets", pcap);
    expect(b.status).toBe(0);
    expect(b.stderr).toMatch(/line 2 skipped/);
    expect(b.stdout).toMatch(/decrypted/);
  });

  it("no secret appears in any output of a decrypting run", () => {
    for (const name of [...OPENSSL, "terminator-kafka-producer"]) {
      const keys = join(TLS_DIR, `${name}.keys`);
      for (const cmd of [["packets", "--json"], ["kafka", "--json"], ["analyze", "--json"]]) {
        const r = run("--tls-keylog", keys, ...cmd, join(TLS_DIR, `${name}.pcap`));
        const out = (r.stdout + r.stderr).toLowerCase();
        for (const s of secretsOf(keys)) expect(out).not.toContain(s);
      }
    }
  });
});
