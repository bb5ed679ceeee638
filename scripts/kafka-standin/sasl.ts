/**
 * The stand-in broker's SASL server side: PLAIN and SCRAM-SHA-256/512 (RFC 5802, real proofs
 * verified with node:crypto), one session per connection, fed the client's tokens one by one.
 * What a failure says matches Apache Kafka's authenticators, so captures show what a real broker
 * sends: PLAIN "Authentication failed: Invalid username or password", SCRAM "Authentication
 * failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256".
 */

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

export interface SaslStep {
  /** Token for the client (may be empty), or null after a failure. */
  reply: Uint8Array | null;
  done: boolean;
  /** Set on a failure: the message Kafka would send with SASL_AUTHENTICATION_FAILED. */
  error?: string;
  user?: string;
}

export interface SaslServer {
  step(token: Uint8Array): SaslStep;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export function createSaslServer(mechanism: string, users: ReadonlyMap<string, string>): SaslServer | null {
  if (mechanism === "PLAIN") return plain(users);
  if (mechanism === "SCRAM-SHA-256") return scram("sha256", mechanism, users);
  if (mechanism === "SCRAM-SHA-512") return scram("sha512", mechanism, users);
  return null;
}

function plain(users: ReadonlyMap<string, string>): SaslServer {
  return {
    step(token) {
      const parts = dec(token).split("\0");
      const fail = { reply: null, done: true, error: "Authentication failed: Invalid username or password" };
      if (parts.length !== 3) return fail;
      const [, user, password] = parts as [string, string, string];
      if (users.get(user) !== password) return { ...fail, user };
      return { reply: new Uint8Array(0), done: true, user };
    },
  };
}

function scram(hash: "sha256" | "sha512", mechanism: string, users: ReadonlyMap<string, string>): SaslServer {
  const hmac = (key: Uint8Array, data: string | Uint8Array): Buffer => createHmac(hash, key).update(data).digest();
  const keyLength = hash === "sha256" ? 32 : 64;
  const iterations = 4096;
  const failure = `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`;
  let state: { bare: string; serverFirst: string; nonce: string; user: string; salted: Buffer } | null = null;
  const attrs = (s: string): Map<string, string> => new Map(s.split(",").filter((p) => p[1] === "=").map((p) => [p[0]!, p.slice(2)]));
  return {
    step(token) {
      const text = dec(token);
      if (!state) {
        // client-first: gs2 header "n,," then n=user,r=nonce
        const bare = text.replace(/^[nyp][^,]*,[^,]*,/, "");
        const a = attrs(bare);
        const user = (a.get("n") ?? "").replace(/=2C/g, ",").replace(/=3D/g, "=");
        const password = users.get(user);
        // Kafka answers an unknown user with a server-first built from a made-up credential, so
        // the failure only shows at the proof (no user enumeration); so does the stand-in.
        const salt = randomBytes(16);
        const salted = pbkdf2Sync(password ?? randomBytes(16).toString("hex"), salt, iterations, keyLength, hash);
        const nonce = `${a.get("r") ?? ""}${randomBytes(18).toString("base64")}`;
        const serverFirst = `r=${nonce},s=${salt.toString("base64")},i=${iterations}`;
        state = { bare, serverFirst, nonce, user, salted };
        return { reply: enc(serverFirst), done: false, user };
      }
      const a = attrs(text);
      const proof = Buffer.from(a.get("p") ?? "", "base64");
      const withoutProof = text.replace(/,p=[^,]*$/, "");
      const authMessage = `${state.bare},${state.serverFirst},${withoutProof}`;
      const clientKey = hmac(state.salted, "Client Key");
      const storedKey = createHash(hash).update(clientKey).digest();
      const signature = hmac(storedKey, authMessage);
      const user = state.user;
      // Kafka's ScramSaslServer accepts a client-final nonce that ends with the server's (librdkafka
      // 2.0.2 sends its own nonce in front of it again); so does the stand-in.
      if (!(a.get("r") ?? "").endsWith(state.nonce) || proof.length !== signature.length) return { reply: null, done: true, error: failure, user };
      const recovered = Buffer.alloc(proof.length);
      for (let i = 0; i < proof.length; i++) recovered[i] = proof[i]! ^ signature[i]!;
      const ok = timingSafeEqual(createHash(hash).update(recovered).digest(), storedKey);
      if (!ok) return { reply: null, done: true, error: failure, user };
      const serverSignature = hmac(hmac(state.salted, "Server Key"), authMessage).toString("base64");
      return { reply: enc(`v=${serverSignature}`), done: true, user };
    },
  };
}
