/**
 * One connection's SASL exchange as the Kafka session sees it: the mechanism the client asked for
 * in SaslHandshake, the tokens of SaslAuthenticate (decoded by sasl.ts, secrets located), and the
 * raw phase after a SaslHandshake v0, when the client sends bare SASL tokens framed only by an
 * int32 length (no Kafka header) and the broker answers the same way, until authentication is
 * over and Kafka requests resume.
 */

import type { Dir, FieldValue, Framing, PacketRef, Pdu, TreeNode } from "../../src/plugins/api.js";
import { plausibleRequest } from "./framing.js";
import type { KafkaObject } from "./schema/index.js";
import { decodeSaslToken, type SaslToken } from "./sasl.js";

const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;
/** Largest raw token accepted (Kafka's SaslServerAuthenticator refuses more than 512 kB). */
const MAX_RAW_TOKEN = 1024 * 1024;

/** Raw SASL tokens after a SaslHandshake v0: a bare int32 length, which may be 0. */
const RAW_TOKEN_FRAMING: Framing = {
  headerLength: 4,
  pduLength(head: Uint8Array): number {
    const size = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) | 0;
    return size < 0 || size > MAX_RAW_TOKEN ? -1 : size + 4;
  },
  maxPduLength: MAX_RAW_TOKEN + 4,
};

/** Tokens each side sends in a successful exchange, for the mechanisms with a fixed count. */
const TOKENS: Record<string, { c2s: number; s2c: number }> = {
  PLAIN: { c2s: 1, s2c: 1 },
  "SCRAM-SHA-256": { c2s: 2, s2c: 2 },
  "SCRAM-SHA-512": { c2s: 2, s2c: 2 },
};

export interface SaslPart {
  fields: Record<string, FieldValue>;
  /** Offsets into the PDU. */
  secrets: Array<{ offset: number; length: number }>;
  text: string;
  /** Detail mode: the token's tree, offsets into the PDU. */
  node: TreeNode | null;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** Where `needle` starts in `hay` at or after `from` (the token inside its message), or -1. */
function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  if (needle.length === 0) return -1;
  outer: for (let i = from; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function shift(n: TreeNode, by: number): TreeNode {
  return {
    ...n,
    ...(n.offset !== undefined ? { offset: n.offset + by } : {}),
    ...(n.children ? { children: n.children.map((c) => shift(c, by)) } : {}),
  };
}

export class SaslState {
  /** From the SaslHandshake request (upper case); null before (or without) one. */
  private mechanism: string | null = null;
  private handshakeVersion = -1;
  /** After a successful SaslHandshake v0, until Kafka requests resume. */
  private rawPhase = false;
  private rawSeen = { c2s: 0, s2c: 0 };

  constructor(
    private readonly show: boolean,
    private readonly trees: boolean,
  ) {}

  framingFor(dir: Dir): Framing | undefined {
    return this.rawPhase && this.rawExpected(dir) ? RAW_TOKEN_FRAMING : undefined;
  }

  /** Whether the next PDU of `dir` may still be a raw token. */
  private rawExpected(dir: Dir): boolean {
    const n = this.mechanism ? TOKENS[this.mechanism] : undefined;
    return !n || this.rawSeen[dir] < n[dir];
  }

  /** A raw token of the v0 phase as a PDU, or null when the bytes are Kafka again. */
  rawToken(dir: Dir, bytes: Uint8Array, at: PacketRef, wireLength: number): Pdu | null {
    if (!this.rawPhase) return null;
    if (!this.rawExpected(dir) || (dir === "c2s" && !(this.mechanism && TOKENS[this.mechanism]) && plausibleRequest(bytes, 0) !== undefined)) {
      // The client is back to Kafka requests: the exchange is over.
      if (dir === "c2s") this.rawPhase = false;
      return null;
    }
    this.rawSeen[dir]++;
    const token = bytes.subarray(4);
    const t = decodeSaslToken(this.mechanism, token, { show: this.show, dir });
    const part = this.part(t, 4);
    const fields: Record<string, FieldValue> = { "kafka.len": wireLength - 4, "kafka.sasl.raw_token": true, ...part.fields };
    return {
      dir,
      ref: at,
      length: wireLength,
      summary: `SASL ${dir === "c2s" ? "client" : "server"} token (after SaslHandshake v0): ${t.text}`,
      fields,
      ...(part.node ? { tree: [{ label: `Raw SASL token, length ${wireLength - 4}`, offset: 0, length: 4 }, part.node] } : {}),
      ...(part.secrets.length > 0 ? { secrets: part.secrets } : {}),
    };
  }

  request(apiKey: number, apiVersion: number, body: KafkaObject, pdu: Uint8Array, bodyOffset: number): SaslPart | null {
    if (apiKey === SASL_HANDSHAKE) {
      const m = typeof body.mechanism === "string" ? body.mechanism.toUpperCase() : null;
      this.mechanism = m;
      this.handshakeVersion = apiVersion;
      return { fields: m ? { "kafka.sasl.mechanism": m } : {}, secrets: [], text: m ? `mechanism=${m}` : "", node: null };
    }
    if (apiKey === SASL_AUTHENTICATE) return this.authBytes(body, pdu, bodyOffset, "c2s");
    return null;
  }

  response(apiKey: number, apiVersion: number, body: KafkaObject, pdu: Uint8Array, bodyOffset: number): SaslPart | null {
    if (apiKey === SASL_HANDSHAKE) {
      const enabled = Array.isArray(body.mechanisms) ? body.mechanisms.filter((x): x is string => typeof x === "string") : [];
      const fields: Record<string, FieldValue> = { "kafka.sasl.enabled_mechanisms": enabled };
      if (this.mechanism) fields["kafka.sasl.mechanism"] = this.mechanism;
      // Version 0: the tokens follow without Kafka headers (KIP-43); version 1 wraps them in
      // SaslAuthenticate (KIP-152).
      if (body.error_code === 0 && apiVersion === 0 && this.handshakeVersion === 0) {
        this.rawPhase = true;
        this.rawSeen = { c2s: 0, s2c: 0 };
      }
      return { fields, secrets: [], text: `enabled=${enabled.join(",")}`, node: null };
    }
    if (apiKey === SASL_AUTHENTICATE) {
      const part = this.authBytes(body, pdu, bodyOffset, "s2c");
      // A refusal carries no token: the error name (in the summary already) says it all.
      const code = typeof body.error_code === "number" ? body.error_code : 0;
      if (code !== 0 && part && part.fields["kafka.sasl.scram_step"] === undefined) part.text = "";
      return part;
    }
    return null;
  }

  private authBytes(body: KafkaObject, pdu: Uint8Array, bodyOffset: number, dir: Dir): SaslPart | null {
    const hex = body.auth_bytes;
    if (typeof hex !== "string") return null;
    const token = hexToBytes(hex);
    // The token's place in the message: the bytes field is the last (request) or follows the
    // error message (response); searching from the body finds it without re-reading lengths.
    const at = token.length > 0 ? indexOfBytes(pdu, token, bodyOffset) : -1;
    const t = decodeSaslToken(this.mechanism, token, { show: this.show, dir });
    return this.part(t, at);
  }

  private part(t: SaslToken, at: number): SaslPart {
    const secrets = at >= 0 ? t.secrets.map((s) => ({ offset: s.offset + at, length: s.length })) : [];
    const node: TreeNode | null = this.trees
      ? { label: `SASL ${t.fields["kafka.sasl.mechanism"] ?? ""} token: ${t.text}`.replace("  ", " "), ...(at >= 0 ? { offset: at } : {}), children: at >= 0 ? t.nodes.map((n) => shift(n, at)) : t.nodes.map(({ offset: _o, length: _l, ...rest }) => rest) }
      : null;
    return { fields: t.fields, secrets, text: t.text, node };
  }
}
