/** Shared by the TLS tests: running the CLI, the decrypted bytes of a capture, and moving a capture's connections to another port. */
import { spawnSync } from "node:child_process";
import { createCipheriv } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { SuiteInfo } from "../../dissectors/tls/keys.js";
import { parseKeyLog } from "../../dissectors/tls/keylog.js";
import type { AnalysedCapture } from "../../src/model/analysed-capture.js";
import { analyseCapture } from "../../src/model/analyse.js";
import { PLUGIN_API_VERSION, type Dir } from "../../src/plugins/api.js";
import { createRegistry } from "../../src/plugins/builtin.js";

export const TLS_DIR = fileURLToPath(new URL("../fixtures/tls/", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));

export function kdiagJson(...args: string[]): any {
  const r = spawnSync("node", ["bin/kdiag.js", ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/**
 * The decrypted application data of each direction of `pcap` with the key log `keyLogText`,
 * through a probe dissector named by "tls.inner", and the analysed capture.
 */
export async function decryptedBytes(pcap: string, keyLogText: string): Promise<{ seen: Record<Dir, string>; capture: AnalysedCapture }> {
  const registry = createRegistry();
  const seen: Record<Dir, string> = { c2s: "", s2c: "" };
  registry.register({
    apiVersion: PLUGIN_API_VERSION,
    name: "probe",
    description: "collects bytes",
    layer: "stream",
    fields: [],
    open: () => ({
      data: (dir: Dir, bytes: Uint8Array) => {
        seen[dir] += Buffer.from(bytes).toString("latin1");
      },
      gap: () => {},
      close: () => {},
    }),
  });
  registry.preferences.set("tls.keylog", parseKeyLog(keyLogText).keyLog);
  registry.preferences.set("tls.inner", "probe");
  const capture = await analyseCapture(pcap, { registry });
  return { seen, capture };
}

export interface FlowJson {
  server: { port: number };
  client: { port: number };
  dissector: string | null;
}

export function flows(file: string, ...extra: string[]): FlowJson[] {
  return kdiagJson(...extra, "flows", "--json", file).connections;
}

/**
 * A copy of an Ethernet pcap whose TCP port `from` is `to` in every packet (both directions):
 * the same real bytes on another port. Checksums are left as they were (kdiag does not check
 * them; loopback captures carry unfinished ones anyway).
 */
export function withPort(file: string, from: number, to: number): string {
  const b = Buffer.from(readFileSync(file));
  expect(b.readUInt32LE(0)).toBe(0xa1b2c3d4);
  expect(b.readUInt32LE(20)).toBe(1); // Ethernet
  let off = 24;
  while (off + 16 <= b.length) {
    const capLen = b.readUInt32LE(off + 8);
    const frame = off + 16;
    const etherType = b.readUInt16BE(frame + 12);
    let tcp = -1;
    if (etherType === 0x0800 && b[frame + 14 + 9] === 6) tcp = frame + 14 + (b[frame + 14]! & 0x0f) * 4;
    if (etherType === 0x86dd && b[frame + 14 + 6] === 6) tcp = frame + 14 + 40;
    if (tcp >= 0 && tcp + 4 <= frame + capLen) {
      for (const at of [tcp, tcp + 2]) if (b.readUInt16BE(at) === from) b.writeUInt16BE(to, at);
    }
    off = frame + capLen;
  }
  const out = join(mkdtempSync(join(tmpdir(), "kdiag-tls-")), `port${to}.pcap`);
  writeFileSync(out, b);
  return out;
}

/**
 * One record as a peer writes it (nonce and additional data computed here, not by kdiag).
 * `explicitNonce`: TLS 1.2 AES-GCM's 8 bytes, when the peer does not use the sequence number.
 */
export function seal(suite: SuiteInfo, key: Uint8Array, iv: Uint8Array, seq: number, type: number, plaintext: Uint8Array, explicitNonce?: Uint8Array): Uint8Array {
  const tls13 = suite.tls === 13;
  const inner = tls13 ? Buffer.concat([plaintext, Buffer.from([type])]) : Buffer.from(plaintext);
  const explicit = suite.explicitNonce ? 8 : 0;
  const length = explicit + inner.length + 16;
  const header = Buffer.from([tls13 ? 23 : type, 3, 3, length >> 8, length & 0xff]);
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigUInt64BE(BigInt(seq));
  let nonce: Buffer;
  const explicitBytes = Buffer.from(explicitNonce ?? seqBytes);
  if (explicit) nonce = Buffer.concat([Buffer.from(iv.subarray(0, 4)), explicitBytes]);
  else nonce = Buffer.from(iv.map((b, i) => (i < 4 ? b : b ^ seqBytes[i - 4]!)));
  const aad = tls13 ? header : Buffer.concat([seqBytes, Buffer.from([type, 3, 3, inner.length >> 8, inner.length & 0xff])]);
  const c = createCipheriv(suite.aead as "aes-128-gcm", key, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: inner.length });
  const sealed = Buffer.concat([c.update(inner), c.final()]);
  return Buffer.concat([header, explicit ? explicitBytes : Buffer.alloc(0), sealed, c.getAuthTag()]);
}
