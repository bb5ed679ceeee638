/**
 * The SASL token decoder on the messages of RFC 4616 (PLAIN), RFC 5802 (SCRAM), RFC 7628
 * (OAUTHBEARER) that the captures of test/fixtures/sasl do not hold: SCRAM-SHA-512, a server-final
 * error, escaped user names, a long bearer token; and bytes that are none of these. What matters
 * for each: the fields, the text, and that the secret's range covers exactly the secret's bytes.
 */
import { describe, expect, it } from "vitest";
import { decodeSaslToken, MASK } from "../../dissectors/kafka/sasl.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const masked = { show: false, dir: "c2s" as const };
const secretText = (token: Uint8Array, r: { offset: number; length: number }): string => new TextDecoder().decode(token.subarray(r.offset, r.offset + r.length));

describe("SASL tokens", () => {
  it("PLAIN: user and authzid, the password masked and located", () => {
    const token = enc("admin\0alice\0pa55:word");
    const t = decodeSaslToken("PLAIN", token, masked);
    expect(t.fields).toEqual({ "kafka.sasl.mechanism": "PLAIN", "kafka.sasl.username": "alice", "kafka.sasl.authzid": "admin" });
    expect(t.text).toBe(`PLAIN user=alice authzid=admin password=${MASK}`);
    expect(t.secrets.map((r) => secretText(token, r))).toEqual(["pa55:word"]);
    expect(JSON.stringify(t)).not.toContain("pa55");
    const shown = decodeSaslToken("PLAIN", token, { show: true, dir: "c2s" });
    expect(shown.fields["kafka.sasl.password"]).toBe("pa55:word");
    expect(shown.text).toContain("password=pa55:word");
  });

  it("SCRAM-SHA-512: escaped user name, proof and server signature located, e= error read", () => {
    const first = decodeSaslToken("SCRAM-SHA-512", enc("n,,n=bob=2Cthe=3Dbuilder,r=fyko+d2lbbFgONRv9qkxdawL"), masked);
    expect(first.fields["kafka.sasl.username"]).toBe("bob,the=builder");
    expect(first.fields["kafka.sasl.scram_step"]).toBe("client-first");
    const finalMsg = enc("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
    const fin = decodeSaslToken("SCRAM-SHA-512", finalMsg, masked);
    expect(fin.text).toBe(`SCRAM-SHA-512 client-final proof=${MASK}`);
    expect(fin.secrets.map((r) => secretText(finalMsg, r))).toEqual(["v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="]);
    const server = enc("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
    const v = decodeSaslToken("SCRAM-SHA-512", server, { show: false, dir: "s2c" });
    expect(v.secrets.map((r) => secretText(server, r))).toEqual(["rmF9pqV8S7suAoZWja4dJRkFsKQ="]);
    const e = decodeSaslToken("SCRAM-SHA-512", enc("e=invalid-proof"), { show: false, dir: "s2c" });
    expect(e.fields["kafka.sasl.scram_error"]).toBe("invalid-proof");
    expect(e.secrets).toEqual([]);
  });

  it("OAUTHBEARER: a bearer token of any length is located whole", () => {
    const jwt = `eyJ${"a".repeat(1500)}.sig`;
    const token = enc(`n,,\x01host=broker\x01auth=Bearer ${jwt}\x01\x01`);
    const t = decodeSaslToken("OAUTHBEARER", token, masked);
    expect(t.secrets.map((r) => secretText(token, r))).toEqual([jwt]);
    expect(t.text).toBe(`OAUTHBEARER token=${MASK}`);
    expect(JSON.stringify(t)).not.toContain("aaaa");
  });

  it("GSSAPI is named; unknown bytes stay bytes; a token without the handshake is recognised by its shape", () => {
    expect(decodeSaslToken("GSSAPI", new Uint8Array([0x60, 0x82, 1, 2, 3]), masked).text).toBe("GSSAPI token (5 bytes, Kerberos)");
    const noise = new Uint8Array(300).map((_, i) => (i * 37) & 0xff);
    for (const mech of [null, "PLAIN", "SCRAM-SHA-256", "OAUTHBEARER", "AWS_MSK_IAM"]) {
      for (const dir of ["c2s", "s2c"] as const) expect(() => decodeSaslToken(mech, noise, { show: false, dir })).not.toThrow();
    }
    const guessed = decodeSaslToken(null, enc("\0alice\0secret"), masked);
    expect(guessed.fields["kafka.sasl.mechanism"]).toBe("PLAIN");
    expect(guessed.secrets.length).toBe(1);
    expect(decodeSaslToken(null, enc("c=biws,r=abc,p=cHJvb2Y="), masked).fields["kafka.sasl.mechanism"]).toBe("SCRAM");
  });
});
