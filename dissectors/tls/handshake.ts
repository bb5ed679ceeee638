/**
 * Reading handshake messages (RFC 8446 4, RFC 5246 7.4) that travel in the clear: ClientHello,
 * ServerHello (and HelloRetryRequest), and the TLS 1.0-1.2 Certificate. Pure functions over a
 * view of one whole message body; every length is checked against the bytes left before it is
 * used, and a message that does not parse throws a HandshakeError the session reports as malformed.
 */

import { X509Certificate } from "node:crypto";
import type { FieldValue, TreeNode } from "../../src/plugins/api.js";
import { ALERT_LEVELS, EXTENSIONS, HANDSHAKE_TYPES, KEY_UPDATE_REQUESTS, cipherSuiteName, isGrease, versionName } from "./names.js";

export class HandshakeError extends Error {}

/** A bounds-checked cursor over one message body. */
class Reader {
  constructor(
    readonly b: Uint8Array,
    public at = 0,
    readonly end = b.length,
  ) {}
  need(n: number, what: string): void {
    if (this.end - this.at < n) throw new HandshakeError(`${what}: needs ${n} bytes, ${this.end - this.at} left`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.b[this.at++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const v = (this.b[this.at]! << 8) | this.b[this.at + 1]!;
    this.at += 2;
    return v;
  }
  u24(what: string): number {
    this.need(3, what);
    const v = (this.b[this.at]! << 16) | (this.b[this.at + 1]! << 8) | this.b[this.at + 2]!;
    this.at += 3;
    return v;
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  /** A sub-reader over a length-prefixed vector (the prefix is `size` bytes). */
  vector(size: 1 | 2 | 3, what: string): Reader {
    const n = size === 1 ? this.u8(what) : size === 2 ? this.u16(what) : this.u24(what);
    this.need(n, what);
    const r = new Reader(this.b, this.at, this.at + n);
    this.at += n;
    return r;
  }
  get left(): number {
    return this.end - this.at;
  }
}

/** What one handshake message adds to its record's PDU. */
export interface HandshakeInfo {
  type: number;
  /** "Client Hello (SNI=broker-1)", "Certificate"... */
  summary: string;
  fields: Record<string, FieldValue>;
  /** Tree nodes under the message's node; offsets relative to the message body. */
  tree: TreeNode[];
  /** Negotiated protocol version, from a ServerHello (supported_versions, else its version). */
  negotiatedVersion?: number;
  /** A ServerHello's random (also from a ClientHello): what a key log is keyed by. */
  random?: Uint8Array;
}

/** SHA-256("HelloRetryRequest"): a ServerHello with this random is a HelloRetryRequest (RFC 8446 4.1.3). */
const HELLO_RETRY_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c";

const decoder = new TextDecoder("utf-8", { fatal: false });

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

function code(v: number): string {
  return `0x${v.toString(16).padStart(4, "0")}`;
}

function node(label: string, offset?: number, length?: number, children?: TreeNode[]): TreeNode {
  return { label, ...(offset !== undefined ? { offset, length: length ?? 0 } : {}), ...(children ? { children } : {}) };
}

export function handshakeName(type: number): string {
  return HANDSHAKE_TYPES[type] ?? `Unknown Handshake Message (${type})`;
}

/** One handshake message body (after its 4-byte header). */
/** `tls13`: the connection negotiated TLS 1.3, whose Certificate message has another layout. */
export function readHandshake(type: number, body: Uint8Array, tls13 = false): HandshakeInfo {
  switch (type) {
    case 1:
      return readHello(body, true);
    case 2:
      return readHello(body, false);
    case 11:
      return readCertificate(body, tls13);
    case 24:
      return readKeyUpdate(body);
    default:
      return { type, summary: handshakeName(type), fields: {}, tree: [] };
  }
}

/**
 * KeyUpdate (RFC 8446 4.6.3): one byte, whether the peer is asked to update its keys too. Only
 * ever seen decrypted (it is sent under the application traffic keys).
 */
function readKeyUpdate(body: Uint8Array): HandshakeInfo {
  const r = new Reader(body);
  const request = r.u8("request_update");
  const name = KEY_UPDATE_REQUESTS[request] ?? `unknown (${request})`;
  return {
    type: 24,
    summary: request === 1 ? "Key Update (update requested)" : "Key Update",
    fields: { "tls.handshake.key_update.request_update": request },
    tree: [node(`KeyUpdateRequest: ${name} (${request})`, 0, 1)],
  };
}

/** ClientHello and ServerHello share their start and their extension block. */
function readHello(body: Uint8Array, client: boolean): HandshakeInfo {
  const r = new Reader(body);
  const fields: Record<string, FieldValue> = {};
  const tree: TreeNode[] = [];
  const version = r.u16("version");
  fields["tls.handshake.version"] = version;
  tree.push(node(`Version: ${versionName(version)} (${code(version)})`, 0, 2));
  const random = r.bytes(32, "random");
  tree.push(node(`Random: ${hex(random)}`, 2, 32));
  const sidAt = r.at;
  const sid = r.vector(1, "session id");
  tree.push(node(`Session ID Length: ${sid.left}`, sidAt, 1 + sid.left));
  const retry = !client && hex(random) === HELLO_RETRY_RANDOM;
  const info: HandshakeInfo = { type: client ? 1 : 2, summary: client ? "Client Hello" : retry ? "Hello Retry Request" : "Server Hello", fields, tree, random: copy(random) };
  if (client) {
    const suitesAt = r.at;
    const suites = r.vector(2, "cipher suites");
    const list: number[] = [];
    while (suites.left >= 2) list.push(suites.u16("cipher suite"));
    fields["tls.handshake.ciphersuite"] = list;
    tree.push(node(`Cipher Suites (${list.length} suites)`, suitesAt, r.at - suitesAt, list.map((s) => node(`Cipher Suite: ${cipherSuiteName(s)} (${code(s)})`))));
    r.vector(1, "compression methods");
  } else {
    const suite = r.u16("cipher suite");
    fields["tls.handshake.ciphersuite"] = suite;
    tree.push(node(`Cipher Suite: ${cipherSuiteName(suite)} (${code(suite)})`, r.at - 2, 2));
    r.u8("compression method");
  }
  // Hellos before TLS 1.2 may end here, without extensions.
  if (r.left > 0) readExtensions(r, client, info);
  if (!client) info.negotiatedVersion = (fields["tls.handshake.extensions.supported_version"] as number | undefined) ?? version;
  const sni = fields["tls.handshake.extensions_server_name"];
  if (client && typeof sni === "string") info.summary += ` (SNI=${sni})`;
  return info;
}

function readExtensions(r: Reader, client: boolean, info: HandshakeInfo): void {
  const { fields } = info;
  const start = r.at;
  const all = r.vector(2, "extensions");
  const children: TreeNode[] = [];
  while (all.left > 0) {
    const at = all.at;
    const type = all.u16("extension type");
    const data = all.vector(2, `extension ${type}`);
    const name = isGrease(type) ? "Reserved (GREASE)" : (EXTENSIONS[type] ?? `Unknown type ${type}`);
    const ext = node(`Extension: ${name} (len=${data.left})`, at, all.at - at);
    const details = readExtension(type, data, client, fields);
    if (details.length > 0) ext.children = details;
    children.push(ext);
  }
  info.tree.push(node(`Extensions Length: ${r.at - start - 2}`, start, r.at - start, children));
}

/** Reads the extensions the dissector reports; returns their tree lines. */
function readExtension(type: number, r: Reader, client: boolean, fields: Record<string, FieldValue>): TreeNode[] {
  switch (type) {
    case 0: {
      // server_name: a list of (type, name); only host_name (0) is defined. A ServerHello's is empty.
      if (r.left === 0) return [];
      const list = r.vector(2, "server name list");
      const names: string[] = [];
      while (list.left > 0) {
        const kind = list.u8("server name type");
        const name = list.vector(2, "server name");
        if (kind === 0) names.push(decoder.decode(name.bytes(name.left, "server name")));
        else name.bytes(name.left, "server name");
      }
      if (names.length > 0) fields["tls.handshake.extensions_server_name"] = names[0]!;
      return names.map((n) => node(`Server Name: ${n}`));
    }
    case 16: {
      const list = r.vector(2, "protocol name list");
      const protocols: string[] = [];
      while (list.left > 0) {
        const p = list.vector(1, "protocol name");
        protocols.push(decoder.decode(p.bytes(p.left, "protocol name")));
      }
      fields["tls.handshake.extensions_alpn_str"] = protocols;
      return protocols.map((p) => node(`ALPN Next Protocol: ${p}`));
    }
    case 43: {
      if (!client) {
        const v = r.u16("selected version");
        fields["tls.handshake.extensions.supported_version"] = v;
        return [node(`Supported Version: ${versionName(v)} (${code(v)})`)];
      }
      const list = r.vector(1, "supported versions");
      const versions: number[] = [];
      while (list.left >= 2) versions.push(list.u16("supported version"));
      fields["tls.handshake.extensions.supported_version"] = versions;
      return versions.map((v) => node(`Supported Version: ${versionName(v)} (${code(v)})`));
    }
    default:
      return [];
  }
}

/** Certificates read per message: a chain is rarely longer, and each parse costs. */
const MAX_CERTIFICATES = 10;

/**
 * The TLS 1.0-1.2 Certificate message: a list of DER certificates, the server's first. (In TLS 1.3
 * this message is encrypted and never reaches here without keys.)
 */
function readCertificate(body: Uint8Array, tls13: boolean): HandshakeInfo {
  const r = new Reader(body);
  // TLS 1.3 (RFC 8446 4.4.2): a request context first, and extensions after each certificate.
  if (tls13) r.vector(1, "certificate request context");
  const list = r.vector(3, "certificates");
  const subjects: string[] = [];
  const issuers: string[] = [];
  const notAfter: string[] = [];
  const tree: TreeNode[] = [];
  while (list.left > 0) {
    const at = list.at;
    const der = list.vector(3, "certificate");
    const bytes = der.bytes(der.left, "certificate");
    if (tls13) list.vector(2, "certificate extensions");
    if (subjects.length >= MAX_CERTIFICATES) continue;
    const cert = parseCertificate(bytes);
    if (!cert) {
      tree.push(node(`Certificate (${bytes.length} bytes): not a certificate kdiag can read`, at, 3 + bytes.length));
      continue;
    }
    subjects.push(cert.subject);
    issuers.push(cert.issuer);
    notAfter.push(cert.notAfter);
    tree.push(
      node(`Certificate: ${cert.subject} (${bytes.length} bytes)`, at, 3 + bytes.length, [
        node(`Subject: ${cert.subject}`),
        node(`Issuer: ${cert.issuer}`),
        node(`Not Before: ${cert.notBefore}`),
        node(`Not After: ${cert.notAfter}`),
        ...(cert.san ? [node(`Subject Alternative Names: ${cert.san}`)] : []),
      ]),
    );
  }
  const fields: Record<string, FieldValue> = {
    "tls.handshake.certificate.subject": subjects,
    "tls.handshake.certificate.issuer": issuers,
    "tls.handshake.certificate.not_after": notAfter,
  };
  return { type: 11, summary: "Certificate", fields, tree };
}

interface CertificateText {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  san: string | undefined;
}

/** Distinguished names one line each ("O=kdiag test, CN=broker-1"); dates in ISO 8601. */
function parseCertificate(der: Uint8Array): CertificateText | null {
  try {
    const cert = new X509Certificate(der);
    const oneLine = (dn: string) => dn.split("\n").filter(Boolean).join(", ");
    return {
      subject: oneLine(cert.subject),
      issuer: oneLine(cert.issuer),
      notBefore: new Date(cert.validFrom).toISOString(),
      notAfter: new Date(cert.validTo).toISOString(),
      san: cert.subjectAltName,
    };
  } catch {
    return null;
  }
}

/** An alert's two bytes, as tshark shows them. */
export function alertLevelName(level: number): string {
  return ALERT_LEVELS[level] ?? `Unknown (${level})`;
}

/**
 * A copy that owns its bytes. The message may be a Buffer view of the capture reader's chunk,
 * which the reader reuses: Buffer's own slice() is a view too, so a random kept that way changed
 * under a later chunk and the key log lookup at the Finished failed on large captures.
 */
export function copy(bytes: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes);
}
