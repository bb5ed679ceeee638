/** Key derivation and record nonces, against RFC 8448's trace and the TLS 1.2 PRF test vector. */
import { describe, expect, it } from "vitest";
import { recordNonce } from "../../dissectors/tls/decrypt.js";
import { parseKeyLog } from "../../dissectors/tls/keylog.js";
import { SUITES, hkdfExpandLabel, prf12, tls13TrafficKeys } from "../../dissectors/tls/keys.js";

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const AES128 = SUITES.get(0x1301)!;

describe("TLS 1.3 key schedule (RFC 8448 section 3)", () => {
  it("derives the server's handshake key and iv", () => {
    const secret = hex("b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38");
    const k = tls13TrafficKeys(AES128, secret);
    expect(toHex(k.key)).toBe("3fce516009c21727d0f2e4e86ee403bc");
    expect(toHex(k.iv)).toBe("5d313eb2671276ee13000b30");
    expect(toHex(hkdfExpandLabel("sha256", secret, "finished", new Uint8Array(0), 32))).toBe(
      "008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8",
    );
  });
  it("derives the client's handshake and the server's application keys", () => {
    const c = tls13TrafficKeys(AES128, hex("b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21"));
    expect(toHex(c.key)).toBe("dbfaa693d1762c5b666af5d950258d01");
    expect(toHex(c.iv)).toBe("5bd3c71b836e0b76bb73265f");
    const s = tls13TrafficKeys(AES128, hex("a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43"));
    expect(toHex(s.key)).toBe("9f02283b6c9c07efc26bb9f2ac92e356");
    expect(toHex(s.iv)).toBe("cf782b88dd83549aadf1e984");
  });
});

describe("TLS 1.2 PRF", () => {
  it("matches the P_SHA256 test vector", () => {
    const out = prf12("sha256", hex("9bbe436ba940f017b17652849a71db35"), "test label", hex("a0ba9f936cda311827a6f796ffd5198c"), 100);
    expect(toHex(out)).toBe(
      "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af" +
        "0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66",
    );
  });
});

describe("record nonces", () => {
  const iv = hex("5d313eb2671276ee13000b30");
  it("xors the sequence number into the IV's last 8 bytes (TLS 1.3, ChaCha20)", () => {
    expect(toHex(recordNonce(AES128, iv, 0n))).toBe("5d313eb2671276ee13000b30");
    expect(toHex(recordNonce(AES128, iv, 1n))).toBe("5d313eb2671276ee13000b31");
    expect(toHex(recordNonce(AES128, iv, 0x0102030405060708n))).toBe("5d313eb2661075ea16060c38");
  });
  it("puts the explicit nonce after the 4-byte salt (TLS 1.2 AES-GCM)", () => {
    const suite = SUITES.get(0xc02f)!;
    expect(toHex(recordNonce(suite, hex("01020304"), 5n, hex("a1a2a3a4a5a6a7a8")))).toBe("01020304a1a2a3a4a5a6a7a8");
  });
});

describe("key log reader", () => {
  const cr = "ab".repeat(32);
  it("keeps the secrets, skips comments and blank lines, names malformed lines by number", () => {
    const text = [
      "# a comment",
      "",
      `CLIENT_RANDOM ${cr} ${"11".repeat(48)}`,
      `CLIENT_TRAFFIC_SECRET_0 ${cr} ${"22".repeat(32)}`,
      "CLIENT_RANDOM zz 00",
      `SERVER_TRAFFIC_SECRET_0 ${cr}`,
      `NOT_A_LABEL ${cr} ${"33".repeat(32)}`,
      `EXPORTER_SECRET ${cr} ${"44".repeat(32)}`,
      `SERVER_TRAFFIC_SECRET_0 ${cr} ${"55".repeat(32)}`,
    ].join("\n");
    const { keyLog, problems } = parseKeyLog(text);
    expect(problems.map((p) => p.line)).toEqual([5, 6, 7]);
    expect(keyLog.size).toBe(3);
    expect(toHex(keyLog.get("SERVER_TRAFFIC_SECRET_0", hex(cr))!)).toBe("55".repeat(32));
    expect(keyLog.get("CLIENT_RANDOM", hex("cd".repeat(32)))).toBeUndefined();
    // Problems never quote the line: it may hold a secret.
    for (const p of problems) expect(p.reason).not.toMatch(/[0-9a-f]{16}/);
  });
});
