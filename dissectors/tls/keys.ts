/**
 * Key derivation for TLS decryption: the TLS 1.3 key schedule's HKDF-Expand-Label (RFC 8446
 * 7.1, 7.3), the TLS 1.2 PRF (RFC 5246 5) and key block (6.3), and the AEAD cipher suites kdiag
 * decrypts. Secrets come from a key log; nothing here prints them.
 */

import { createHmac } from "node:crypto";

export type Hash = "sha256" | "sha384";
export type Aead = "aes-128-gcm" | "aes-256-gcm" | "chacha20-poly1305";

export interface SuiteInfo {
  name: string;
  /** 13: a TLS 1.3 suite; 12: a TLS 1.2 AEAD suite. */
  tls: 12 | 13;
  aead: Aead;
  hash: Hash;
  keyLength: number;
  /**
   * Bytes of write IV from the key schedule: 12 for TLS 1.3 and ChaCha20 (nonce = IV xor
   * sequence number), 4 for TLS 1.2 AES-GCM (the salt before the record's explicit 8-byte nonce).
   */
  ivLength: number;
  /** TLS 1.2 AES-GCM: each record starts with its 8-byte explicit nonce (RFC 5288 3). */
  explicitNonce: boolean;
}

const gcm12 = (name: string, aead: "aes-128-gcm" | "aes-256-gcm", hash: Hash): SuiteInfo => ({
  name,
  tls: 12,
  aead,
  hash,
  keyLength: aead === "aes-128-gcm" ? 16 : 32,
  ivLength: 4,
  explicitNonce: true,
});
const chacha12 = (name: string): SuiteInfo => ({ name, tls: 12, aead: "chacha20-poly1305", hash: "sha256", keyLength: 32, ivLength: 12, explicitNonce: false });

/**
 * The suites kdiag decrypts. With a key log the key exchange does not matter (the log holds the
 * master secret), so the RSA and DHE variants of the same AEAD suites work as ECDHE's do.
 */
export const SUITES: ReadonlyMap<number, SuiteInfo> = new Map<number, SuiteInfo>([
  [0x1301, { name: "TLS_AES_128_GCM_SHA256", tls: 13, aead: "aes-128-gcm", hash: "sha256", keyLength: 16, ivLength: 12, explicitNonce: false }],
  [0x1302, { name: "TLS_AES_256_GCM_SHA384", tls: 13, aead: "aes-256-gcm", hash: "sha384", keyLength: 32, ivLength: 12, explicitNonce: false }],
  [0x1303, { name: "TLS_CHACHA20_POLY1305_SHA256", tls: 13, aead: "chacha20-poly1305", hash: "sha256", keyLength: 32, ivLength: 12, explicitNonce: false }],
  [0x009c, gcm12("TLS_RSA_WITH_AES_128_GCM_SHA256", "aes-128-gcm", "sha256")],
  [0x009d, gcm12("TLS_RSA_WITH_AES_256_GCM_SHA384", "aes-256-gcm", "sha384")],
  [0x009e, gcm12("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "aes-128-gcm", "sha256")],
  [0x009f, gcm12("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "aes-256-gcm", "sha384")],
  [0xc02b, gcm12("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "aes-128-gcm", "sha256")],
  [0xc02c, gcm12("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "aes-256-gcm", "sha384")],
  [0xc02f, gcm12("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "aes-128-gcm", "sha256")],
  [0xc030, gcm12("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "aes-256-gcm", "sha384")],
  [0xcca8, chacha12("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")],
  [0xcca9, chacha12("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")],
  [0xccaa, chacha12("TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256")],
]);

/** HKDF-Expand (RFC 5869 2.3): T(i) = HMAC(PRK, T(i-1) | info | i). node:crypto only offers extract-then-expand. */
export function hkdfExpand(hash: Hash, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  // What TLS asks for (a key, an IV, a secret) is at most one hash long: T(1) = HMAC(PRK, info | 1),
  // in one update (each is a call through node's checks; a TLS 1.3 connection derives eight).
  if (length <= (hash === "sha256" ? 32 : 48)) {
    const input = new Uint8Array(info.length + 1);
    input.set(info);
    input[info.length] = 1;
    return new Uint8Array(createHmac(hash, prk).update(input).digest().subarray(0, length));
  }
  const out = new Uint8Array(length);
  let previous = new Uint8Array(0);
  let filled = 0;
  for (let i = 1; filled < length; i++) {
    const block = createHmac(hash, prk).update(previous).update(info).update(Uint8Array.of(i)).digest();
    previous = new Uint8Array(block);
    out.set(previous.subarray(0, Math.min(previous.length, length - filled)), filled);
    filled += previous.length;
  }
  return out;
}

/** HKDF-Expand-Label (RFC 8446 7.1): HkdfLabel = length(2) | "tls13 " + label <7..255> | context <0..255>. */
export function hkdfExpandLabel(hash: Hash, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const fullLabel = Buffer.from(`tls13 ${label}`, "ascii");
  const info = new Uint8Array(2 + 1 + fullLabel.length + 1 + context.length);
  info[0] = length >> 8;
  info[1] = length & 0xff;
  info[2] = fullLabel.length;
  info.set(fullLabel, 3);
  info[3 + fullLabel.length] = context.length;
  info.set(context, 4 + fullLabel.length);
  return hkdfExpand(hash, secret, info, length);
}

/** The traffic key and IV of one direction from a TLS 1.3 traffic secret (RFC 8446 7.3). */
export function tls13TrafficKeys(suite: SuiteInfo, secret: Uint8Array): { key: Uint8Array; iv: Uint8Array } {
  const empty = new Uint8Array(0);
  return {
    key: hkdfExpandLabel(suite.hash, secret, "key", empty, suite.keyLength),
    iv: hkdfExpandLabel(suite.hash, secret, "iv", empty, suite.ivLength),
  };
}

/**
 * The next application traffic secret of one direction after a KeyUpdate (RFC 8446 7.2):
 * application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length).
 */
export function tls13NextTrafficSecret(suite: SuiteInfo, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(suite.hash, secret, "traffic upd", new Uint8Array(0), suite.hash === "sha256" ? 32 : 48);
}

/** The TLS 1.2 PRF (RFC 5246 5): P_hash(secret, label + seed), the suite's hash. */
export function prf12(hash: Hash, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const labelSeed = new Uint8Array(Buffer.concat([Buffer.from(label, "ascii"), seed]));
  const out = new Uint8Array(length);
  let a: Uint8Array = labelSeed; // A(0)
  let filled = 0;
  while (filled < length) {
    a = new Uint8Array(createHmac(hash, secret).update(a).digest());
    const block = createHmac(hash, secret).update(a).update(labelSeed).digest();
    out.set(block.subarray(0, Math.min(block.length, length - filled)), filled);
    filled += block.length;
  }
  return out;
}

export interface Tls12Keys {
  client: { key: Uint8Array; iv: Uint8Array };
  server: { key: Uint8Array; iv: Uint8Array };
}

/**
 * The TLS 1.2 key block (RFC 5246 6.3): PRF(master, "key expansion", server random + client
 * random), cut into MAC keys (none for AEAD suites), write keys, then write IVs.
 */
export function tls12Keys(suite: SuiteInfo, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): Tls12Keys {
  const seed = new Uint8Array(64);
  seed.set(serverRandom, 0);
  seed.set(clientRandom, 32);
  const k = suite.keyLength;
  const v = suite.ivLength;
  const block = prf12(suite.hash, master, "key expansion", seed, 2 * k + 2 * v);
  return {
    client: { key: block.slice(0, k), iv: block.slice(2 * k, 2 * k + v) },
    server: { key: block.slice(k, 2 * k), iv: block.slice(2 * k + v, 2 * k + 2 * v) },
  };
}
