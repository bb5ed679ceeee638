/**
 * SASL tokens as Kafka carries them (SaslAuthenticate auth_bytes, or after a SaslHandshake v0 the
 * raw tokens framed by a bare int32 length): what each mechanism's token says, and where in the
 * token its secrets lie. The mechanism is not in the token: it comes from the connection's
 * SaslHandshake request.
 *
 * What counts as a secret: a PLAIN password, a SCRAM client proof and server signature (with the
 * salt and nonces they let an attacker test guesses offline; the proof is what is masked), an
 * OAUTHBEARER token. A secret never reaches a field, a summary or a tree unless `show` is true.
 */

import type { FieldValue, TreeNode } from "../../src/plugins/api.js";

export type SaslStep =
  | "plain"
  | "scram-client-first"
  | "scram-server-first"
  | "scram-client-final"
  | "scram-server-final"
  | "oauthbearer-client"
  | "oauthbearer-server"
  | "gssapi"
  | "empty"
  | "opaque";

export interface SaslToken {
  step: SaslStep;
  /** kafka.sasl.* fields (never a secret unless shown). */
  fields: Record<string, FieldValue>;
  /** Ranges (offsets into the token) that hold a secret. */
  secrets: Array<{ offset: number; length: number }>;
  /** One phrase for summaries: "PLAIN user=alice password=****". */
  text: string;
  /** Tree children, offsets into the token. */
  nodes: TreeNode[];
}

/** What a masked secret looks like in text: its length is not given away. */
export const MASK = "****";

const MAX_TEXT = 256;

const latin = (b: Uint8Array, from: number, to: number): string => {
  let s = "";
  for (let i = from; i < Math.min(to, from + MAX_TEXT); i++) s += String.fromCharCode(b[i]!);
  return s;
};

/** `key=value` attributes of a SCRAM message, each with where its value lies in the token. */
function scramAttributes(b: Uint8Array): Map<string, { value: string; offset: number; length: number }> {
  const out = new Map<string, { value: string; offset: number; length: number }>();
  let start = 0;
  for (let i = 0; i <= b.length; i++) {
    if (i < b.length && b[i] !== 0x2c) continue;
    // "n,," of a client-first GS2 header has one-letter parts without "=": skipped.
    if (i - start >= 2 && b[start + 1] === 0x3d) {
      const key = String.fromCharCode(b[start]!);
      if (!out.has(key)) out.set(key, { value: latin(b, start + 2, i), offset: start + 2, length: i - start - 2 });
    }
    start = i + 1;
  }
  return out;
}

/** Where ASCII `text` starts in `b`, or -1. */
function indexOfText(b: Uint8Array, text: string): number {
  outer: for (let i = 0; i + text.length <= b.length; i++) {
    for (let j = 0; j < text.length; j++) if (b[i + j] !== text.charCodeAt(j)) continue outer;
    return i;
  }
  return -1;
}

/** SCRAM escapes "," and "=" in user names as =2C and =3D (RFC 5802 5.1). */
const scramName = (s: string): string => s.replace(/=2C/g, ",").replace(/=3D/g, "=");

export interface DecodeSaslOptions {
  /** Put secrets in fields, text and trees (`--show-secrets`). */
  show: boolean;
  dir: "c2s" | "s2c";
}

/**
 * Decodes one token by mechanism. `mechanism` is the SaslHandshake's (upper case) or null when the
 * handshake is not in the capture (then the token is guessed from its shape).
 */
export function decodeSaslToken(mechanism: string | null, token: Uint8Array, opts: DecodeSaslOptions): SaslToken {
  const mech = mechanism ?? guessMechanism(token, opts.dir);
  const fields: Record<string, FieldValue> = {};
  if (mech) fields["kafka.sasl.mechanism"] = mech;
  const secret = (v: string): string => (opts.show ? v : MASK);
  if (token.length === 0) return { step: "empty", fields, secrets: [], text: "empty token", nodes: [{ label: "SASL token: empty" }] };

  if (mech === "PLAIN" && opts.dir === "c2s") {
    const nul1 = token.indexOf(0);
    const nul2 = nul1 < 0 ? -1 : token.indexOf(0, nul1 + 1);
    if (nul2 < 0) return opaque(mech, token, fields, "PLAIN token without its two NUL separators");
    const authzid = latin(token, 0, nul1);
    const user = latin(token, nul1 + 1, nul2);
    const pw = { offset: nul2 + 1, length: token.length - nul2 - 1 };
    fields["kafka.sasl.username"] = user;
    if (authzid) fields["kafka.sasl.authzid"] = authzid;
    if (opts.show) fields["kafka.sasl.password"] = latin(token, pw.offset, token.length);
    return {
      step: "plain",
      fields,
      secrets: pw.length > 0 ? [pw] : [],
      text: `PLAIN user=${user}${authzid ? ` authzid=${authzid}` : ""} password=${secret(latin(token, pw.offset, token.length))}`,
      nodes: [
        { label: `authzid: ${JSON.stringify(authzid)}`, offset: 0, length: nul1 },
        { label: `username: ${JSON.stringify(user)}`, field: "kafka.sasl.username", value: user, offset: nul1 + 1, length: nul2 - nul1 - 1 },
        { label: `password: ${opts.show ? JSON.stringify(latin(token, pw.offset, token.length)) : `${MASK} (masked; --show-secrets shows it)`}`, offset: pw.offset, length: pw.length },
      ],
    };
  }

  if (mech?.startsWith("SCRAM")) {
    const a = scramAttributes(token);
    const node = (k: string, label: string, masked = false) => {
      const v = a.get(k);
      if (!v) return [];
      const shown = masked && !opts.show ? `${MASK} (masked; --show-secrets shows it)` : JSON.stringify(v.value);
      return [{ label: `${label}: ${shown}`, offset: v.offset, length: v.length }];
    };
    if (opts.dir === "c2s" && a.has("n") && (token[0] === 0x6e || token[0] === 0x79 || token[0] === 0x70)) {
      // client-first: gs2-header ("n,," / "y,," / "p=...,") then n=user,r=nonce
      const user = scramName(a.get("n")!.value);
      fields["kafka.sasl.username"] = user;
      fields["kafka.sasl.scram_step"] = "client-first";
      return { step: "scram-client-first", fields, secrets: [], text: `${mech} client-first user=${user}`, nodes: [...node("n", "username"), ...node("r", "client nonce")] };
    }
    if (opts.dir === "c2s" && a.has("c") && a.has("p")) {
      const p = a.get("p")!;
      fields["kafka.sasl.scram_step"] = "client-final";
      if (opts.show) fields["kafka.sasl.scram_proof"] = p.value;
      return {
        step: "scram-client-final",
        fields,
        secrets: [{ offset: p.offset, length: p.length }],
        text: `${mech} client-final proof=${secret(p.value)}`,
        nodes: [...node("c", "channel binding"), ...node("r", "nonce"), ...node("p", "client proof", true)],
      };
    }
    if (opts.dir === "s2c" && a.has("r") && a.has("s") && a.has("i")) {
      const iterations = Number.parseInt(a.get("i")!.value, 10);
      fields["kafka.sasl.scram_step"] = "server-first";
      if (Number.isFinite(iterations)) fields["kafka.sasl.scram_iterations"] = iterations;
      return {
        step: "scram-server-first",
        fields,
        secrets: [],
        text: `${mech} server-first iterations=${a.get("i")!.value}`,
        nodes: [...node("r", "nonce"), ...node("s", "salt (base64)"), ...node("i", "iterations")],
      };
    }
    if (opts.dir === "s2c" && (a.has("v") || a.has("e"))) {
      fields["kafka.sasl.scram_step"] = "server-final";
      const e = a.get("e");
      if (e) {
        fields["kafka.sasl.scram_error"] = e.value;
        return { step: "scram-server-final", fields, secrets: [], text: `${mech} server-final error=${e.value}`, nodes: node("e", "error") };
      }
      const v = a.get("v")!;
      return {
        step: "scram-server-final",
        fields,
        secrets: [{ offset: v.offset, length: v.length }],
        text: `${mech} server-final verifier=${secret(v.value)}`,
        nodes: node("v", "server signature", true),
      };
    }
    return opaque(mech, token, fields, "SCRAM message not recognised");
  }

  if (mech === "OAUTHBEARER") {
    if (opts.dir === "c2s") {
      // gs2-header, then \x01-separated key=value pairs; auth=Bearer <token>. Located in the
      // bytes (a token is often longer than the text kept for display).
      const at = indexOfText(token, "auth=Bearer ");
      let end = at;
      if (at >= 0) {
        end = at + "auth=Bearer ".length;
        while (end < token.length && token[end] !== 0x01) end++;
      }
      const secrets = at >= 0 ? [{ offset: at + "auth=Bearer ".length, length: end - at - "auth=Bearer ".length }] : [];
      const value = at >= 0 ? latin(token, secrets[0]!.offset, end) : "";
      if (at >= 0 && opts.show) fields["kafka.sasl.oauth_token"] = value;
      return {
        step: "oauthbearer-client",
        fields,
        secrets: secrets.filter((r) => r.length > 0),
        text: `OAUTHBEARER ${at >= 0 ? `token=${secret(value)}` : "client message"}`,
        nodes: secrets.map((r) => ({ label: `bearer token: ${opts.show ? JSON.stringify(value) : `${MASK} (masked; --show-secrets shows it)`}`, ...r })),
      };
    }
    return { step: "oauthbearer-server", fields, secrets: [], text: `OAUTHBEARER server message (${token.length} bytes)`, nodes: [{ label: `server message: ${JSON.stringify(latin(token, 0, token.length))}`, offset: 0, length: token.length }] };
  }

  if (mech === "GSSAPI") {
    return { step: "gssapi", fields, secrets: [], text: `GSSAPI token (${token.length} bytes, Kerberos)`, nodes: [{ label: `GSSAPI (Kerberos) token, ${token.length} bytes`, offset: 0, length: token.length }] };
  }
  return opaque(mech, token, fields, "mechanism not decoded");
}

function opaque(mech: string | null, token: Uint8Array, fields: Record<string, FieldValue>, why: string): SaslToken {
  return {
    step: "opaque",
    fields,
    secrets: [],
    text: `${mech ?? "SASL"} token (${token.length} bytes)`,
    nodes: [{ label: `${mech ?? "SASL"} token, ${token.length} bytes (${why})`, offset: 0, length: token.length }],
  };
}

/**
 * Without the handshake in the capture: PLAIN's two NULs, SCRAM's "n,," or "c=" and "r=", an
 * OAUTHBEARER "auth=Bearer". null when nothing fits (the token is shown as bytes).
 */
function guessMechanism(token: Uint8Array, dir: "c2s" | "s2c"): string | null {
  const head = latin(token, 0, Math.min(token.length, 64));
  if (dir === "c2s") {
    if (/^[ny],[^,]*,n=/.test(head) || /^c=[^,]*,r=/.test(head)) return "SCRAM";
    if (indexOfText(token, "auth=Bearer ") >= 0) return "OAUTHBEARER";
    const nul1 = token.indexOf(0);
    if (nul1 >= 0 && token.indexOf(0, nul1 + 1) > nul1) return "PLAIN";
  } else if (/^r=[^,]*,s=/.test(head) || /^[ve]=/.test(head)) return "SCRAM";
  return null;
}
