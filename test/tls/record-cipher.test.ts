/**
 * The record cipher on records sealed by node:crypto's AEAD as a TLS peer seals them: every
 * suite decrypts, across several authentication batches (dissectors/tls/gcm.ts); an altered
 * record is named by its packet wherever it sits in a batch; a wrong key fails on the first
 * record; GHASH's multiplication against the GCM specification's test case.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DecryptError, RecordCipher } from "../../dissectors/tls/decrypt.js";
import { BATCH_RECORDS, gfMul } from "../../dissectors/tls/gcm.js";
import { SUITES, type SuiteInfo } from "../../dissectors/tls/keys.js";
import { seal } from "./helpers.js";

/** Lengths that hit block boundaries and the record size limit, then 1,400-byte segments. */
const LENGTHS = [1, 15, 16, 17, 31, 32, 33, 255, 1400, 16384, 0, 4096, 1399];
const COUNT = 2 * BATCH_RECORDS + 7;

function records(suite: SuiteInfo, key: Uint8Array, iv: Uint8Array) {
  const out: Array<{ plain: Uint8Array; type: number; record: Uint8Array }> = [];
  for (let seq = 0; seq < COUNT; seq++) {
    const plain = randomBytes(LENGTHS[seq % LENGTHS.length]!);
    // Application data, with a handshake message and an alert among them.
    const type = seq === 5 ? 22 : seq === COUNT - 1 ? 21 : 23;
    out.push({ plain, type, record: seal(suite, key, iv, seq, type, plain) });
  }
  return out;
}

const SUITE_IDS = [0x1301, 0x1302, 0x1303, 0xc02f, 0xc030, 0xcca8];

describe("record cipher", () => {
  it.each(SUITE_IDS)("suite 0x%s: every record opens to what was sealed, across batches", (id) => {
    const suite = SUITES.get(id)!;
    const key = randomBytes(suite.keyLength);
    const iv = randomBytes(suite.ivLength);
    const cipher = new RecordCipher(suite, key, iv);
    for (const [i, r] of records(suite, key, iv).entries()) {
      const plain = cipher.open(r.record, 100 + i);
      expect(Buffer.from(plain).equals(Buffer.from(r.plain)), `record ${i}`).toBe(true);
      expect(cipher.type).toBe(r.type);
    }
    expect(() => cipher.check()).not.toThrow();
  });

  const positions = [1, 2, BATCH_RECORDS - 1, BATCH_RECORDS, BATCH_RECORDS + 1, COUNT - 1];
  it.each(positions)("an altered record at %i is named by its packet (ciphertext, then tag)", (k) => {
    for (const part of ["ciphertext", "tag"] as const) {
      const suite = SUITES.get(0x1301)!;
      const key = randomBytes(16);
      const iv = randomBytes(12);
      const all = records(suite, key, iv);
      const bad = Buffer.from(all[k]!.record);
      bad[part === "tag" ? bad.length - 3 : 9]! ^= 0x20;
      all[k]!.record = bad;
      const cipher = new RecordCipher(suite, key, iv);
      let failure: unknown = null;
      try {
        all.forEach((r, i) => cipher.open(r.record, 100 + i));
        cipher.check();
      } catch (err) {
        failure = err;
      }
      expect(failure, part).toBeInstanceOf(DecryptError);
      expect((failure as DecryptError).message).toBe("a record failed authentication");
      expect((failure as DecryptError).packet, part).toBe(100 + k);
    }
  });

  it("a TLS 1.2 record altered in its additional data (the header's type) fails too", () => {
    const suite = SUITES.get(0xc02f)!;
    const key = randomBytes(16);
    const iv = randomBytes(4);
    const all = records(suite, key, iv);
    const bad = Buffer.from(all[3]!.record);
    bad[0] = 22;
    all[3]!.record = bad;
    const cipher = new RecordCipher(suite, key, iv);
    expect(() => {
      all.forEach((r, i) => cipher.open(r.record, 100 + i));
      cipher.check();
    }).toThrow(expect.objectContaining({ packet: 103 }));
  });

  it("a wrong key fails on the first record, before any plaintext", () => {
    const suite = SUITES.get(0x1301)!;
    const key = randomBytes(16);
    const iv = randomBytes(12);
    const all = records(suite, key, iv);
    const wrong = new RecordCipher(suite, randomBytes(16), iv);
    let failure: unknown = null;
    try {
      wrong.open(all[0]!.record, 100);
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(DecryptError);
    expect((failure as DecryptError).packet).toBeUndefined();
  });
});

/**
 * Long runs of records, as on a busy connection: after the first batch the key stream of the next
 * records is made ahead in one call (gcm.ts), from the nonces predicted; sizes that grow and
 * shrink, a TLS 1.2 peer whose explicit nonces do not count up, and plaintexts kept to the end
 * (the records made ahead share a buffer: none may overwrite another's plaintext).
 */
describe("record cipher on long runs (key stream made ahead)", () => {
  const RUN = 6 * BATCH_RECORDS + 5;
  /** Mostly 1,400-byte segments, with small records, a few at the size limit, and growth mid-run. */
  const size = (i: number): number => (i % 37 === 36 ? 16384 : i % 7 === 3 ? 60 : i < 40 ? 1400 : i < 70 ? 2900 : 1400 - (i % 5));

  function run(id: number, explicit?: (seq: number) => Uint8Array) {
    const suite = SUITES.get(id)!;
    const key = randomBytes(suite.keyLength);
    const iv = randomBytes(suite.ivLength);
    const all = Array.from({ length: RUN }, (_, seq) => {
      const plain = randomBytes(size(seq));
      return { plain, record: seal(suite, key, iv, seq, 23, plain, explicit?.(seq)) };
    });
    return { suite, key, iv, all };
  }

  it.each([0x1301, 0x1302, 0xc02f, 0xc030])("suite 0x%s: every plaintext is intact at the end of the run", (id) => {
    const { suite, key, iv, all } = run(id);
    const cipher = new RecordCipher(suite, key, iv);
    const kept = all.map((r, i) => cipher.open(r.record, 100 + i));
    expect(() => cipher.check()).not.toThrow();
    kept.forEach((plain, i) => expect(Buffer.from(plain).equals(Buffer.from(all[i]!.plain)), `record ${i}`).toBe(true));
  });

  it("a TLS 1.2 peer whose explicit nonces are random: decrypted all the same", () => {
    const { suite, key, iv, all } = run(0xc02f, () => randomBytes(8));
    const cipher = new RecordCipher(suite, key, iv);
    const kept = all.map((r, i) => cipher.open(r.record, 100 + i));
    expect(() => cipher.check()).not.toThrow();
    kept.forEach((plain, i) => expect(Buffer.from(plain).equals(Buffer.from(all[i]!.plain)), `record ${i}`).toBe(true));
  });

  it("a TLS 1.2 peer that counts from a random start, then jumps: decrypted all the same", () => {
    const start = randomBytes(8).readBigUInt64BE(0) & 0x7fffffffffffff00n;
    const nonce = (seq: number) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE(start + BigInt(seq < 50 ? seq : seq + 1000));
      return b;
    };
    const { suite, key, iv, all } = run(0xc02f, nonce);
    const cipher = new RecordCipher(suite, key, iv);
    const kept = all.map((r, i) => cipher.open(r.record, 100 + i));
    expect(() => cipher.check()).not.toThrow();
    kept.forEach((plain, i) => expect(Buffer.from(plain).equals(Buffer.from(all[i]!.plain)), `record ${i}`).toBe(true));
  });

  it.each([BATCH_RECORDS + 2, 3 * BATCH_RECORDS + 7, 70])("an altered record at %i, in a run made ahead, is named by its packet", (k) => {
    for (const id of [0x1301, 0xc02f]) {
      const { suite, key, iv, all } = run(id);
      const bad = Buffer.from(all[k]!.record);
      bad[bad.length - 40]! ^= 0x01;
      all[k]!.record = bad;
      const cipher = new RecordCipher(suite, key, iv);
      expect(() => {
        all.forEach((r, i) => cipher.open(r.record, 100 + i));
        cipher.check();
      }, `suite ${id}`).toThrow(expect.objectContaining({ packet: 100 + k }));
    }
  });
});

describe("GHASH", () => {
  it("matches the GCM specification's test case 2 (H, one ciphertext block)", () => {
    const words = (hex: string) => new Uint32Array([0, 8, 16, 24].map((i) => Number.parseInt(hex.slice(i, i + 8), 16)));
    const h = words("66e94bd4ef8a2c3b884cfa59ca342b2e");
    const c = words("0388dace60b6a392f328c2b971b2fe78");
    const len = words("00000000000000000000000000000080");
    const y = new Uint32Array(4);
    gfMul(c, h, y);
    const x = y.map((v, i) => v ^ len[i]!);
    const out = new Uint32Array(4);
    gfMul(x, h, out);
    expect([...out].map((v) => v.toString(16).padStart(8, "0")).join("")).toBe("f38cbb1ad69223dcc3457ae5b6b0f885");
  });
});
