/**
 * One TLS connection: each framed record becomes a PDU, with its handshake messages (reassembled
 * when they span records), alerts and the facts a later decryption needs.
 *
 * What is readable without keys: every record header; in TLS 1.0-1.2 the handshake up to each
 * side's ChangeCipherSpec (hellos, certificates) and alerts before it; in TLS 1.3 only the two
 * hellos (and a HelloRetryRequest): the server's certificate and everything after are encrypted.
 *
 * With a key log (`StreamContext.preferences` "tls.keylog", from `--tls-keylog`) records are
 * decrypted (dissectors/tls/decrypt.ts): `state` holds what the key log lookup and key derivation
 * need (client random, server random, negotiated version and cipher suite). TLS 1.3 uses the
 * handshake traffic secrets from the ServerHello (so the certificate is read) and each side's
 * application secret after its Finished; TLS 1.2 the master secret from each side's
 * ChangeCipherSpec. Decrypted application data goes to an inner Kafka dissector
 * (`StreamContext.openInner`). When a connection cannot be decrypted, one note says why and its
 * records stay opaque, as without a key log. A TLS 1.3 KeyUpdate switches its sender's keys to
 * the next application traffic secret, derived from the one before (RFC 8446 7.2), so the key
 * log needs only the _0 secrets. Not done: 0-RTT early data.
 */

import type { Dir, FieldValue, InnerStream, PacketRef, Pdu, StreamContext, StreamDissector, TreeNode, CloseInfo } from "../../src/plugins/api.js";
import { DecryptError, RecordCipher } from "./decrypt.js";
import { KeyLog } from "./keylog.js";
import { SUITES, tls12Keys, tls13NextTrafficSecret, tls13TrafficKeys, type Tls12Keys } from "./keys.js";
import { RECORD_HEADER } from "./framing.js";
import { HandshakeError, alertLevelName, copy, handshakeName, readHandshake, type HandshakeInfo } from "./handshake.js";
import { ALERT_NAMES, ALERT_TITLES, CONTENT_TYPES, cipherSuiteName, versionName } from "./names.js";

/**
 * Largest handshake message gathered across records. Certificate chains are the big ones (a few
 * KiB, rarely 64 KiB); a peer announcing more is not worth holding.
 */
const MAX_HANDSHAKE_MESSAGE = 256 * 1024;

/** What the handshake told about the connection: the inputs a decryptor would need. */
export interface TlsConnectionState {
  clientRandom: Uint8Array | null;
  serverRandom: Uint8Array | null;
  /** From the ServerHello: 0x0304 for TLS 1.3. */
  version: number | null;
  cipherSuite: number | null;
}

interface DirState {
  /** Handshake bytes of a message not yet complete (it spans records), copied. */
  pending: Uint8Array;
  /** The message in `pending` is too large or broken: its bytes are skipped until the next ChangeCipherSpec or gap. */
  lost: boolean;
  /** After this side's ChangeCipherSpec (or in TLS 1.3, its hello), its records are encrypted. */
  encrypted: boolean;
  /** Keys for this side's encrypted records, when the key log has them. */
  cipher: RecordCipher | null;
  /** Offset in this side's stream of the record being read (for the inner dissector's byte views). */
  recordOffset: number;
  /** TLS 1.3: this side's current application traffic secret, the input of its next KeyUpdate. */
  secret: Uint8Array | null;
}

/**
 * The inner protocol of decrypted application data: kdiag's TLS runs on Kafka's SSL listeners.
 * The preference "tls.inner" names another registered dissector (tests use it to see plaintext).
 */
const INNER = "kafka";

/** Starts the one note of a connection that could not be decrypted (the CLI shows these notes). */
export const TLS_NOT_DECRYPTED = "TLS not decrypted: ";

const EMPTY = new Uint8Array(0);

export class TlsSession implements StreamDissector {
  readonly state: TlsConnectionState = { clientRandom: null, serverRandom: null, version: null, cipherSuite: null };
  private readonly dirs: Record<Dir, DirState> = {
    c2s: { pending: EMPTY, lost: false, encrypted: false, cipher: null, recordOffset: 0, secret: null },
    s2c: { pending: EMPTY, lost: false, encrypted: false, cipher: null, recordOffset: 0, secret: null },
  };
  private readonly keyLog: KeyLog | null;
  /** Set once decryption is given up on this connection (the reason was noted). */
  private undecryptable = false;
  /** The packet of the record being read, for notes. */
  private packet = 0;
  private inner: InnerStream | null = null;
  /** TLS 1.2: the key block, derived at the first ChangeCipherSpec. */
  private keyBlock: Tls12Keys | null = null;
  private innerTried = false;
  /**
   * Whether each decrypted application-data record is reported as a PDU of its own. The
   * preference "tls.record_pdus" false (commands that show no TLS record: kafka, exchanges)
   * reports only what the records carry; the handshake, alerts and records that fail stay.
   */
  private readonly recordPdus: boolean;

  constructor(private readonly ctx: StreamContext) {
    const log = ctx.preferences?.get("tls.keylog");
    this.keyLog = log instanceof KeyLog ? log : null;
    this.recordPdus = ctx.preferences?.get("tls.record_pdus") !== false;
  }

  pdu(dir: Dir, bytes: Uint8Array, at: PacketRef, wireLength: number): void {
    const type = bytes[0]!;
    const side = this.dirs[dir];
    // A record cut by a gap or by the end of the capture: its header is all we can trust.
    const whole = bytes.length === wireLength && at.endedAfter === undefined;
    this.packet = at.last;
    side.recordOffset = at.streamOffset;
    // The hot path of a decrypted connection: one whole record under known keys.
    if (whole && side.cipher !== null && type !== 20) return this.decrypted(dir, side, side.cipher, bytes, at, wireLength);
    const record = this.newRecord(dir, bytes, at, wireLength);
    const body = bytes.subarray(RECORD_HEADER);
    if (!whole) {
      record.summary = `${CONTENT_TYPES[type] ?? "Record"} (incomplete: ${Math.min(bytes.length, at.endedAfter ?? bytes.length)} of ${wireLength} bytes seen)`;
      if (type === 22) this.dropPending(side);
    } else if (type === 22 && side.encrypted) {
      record.summary = "Encrypted Handshake Message";
    } else if (type === 22) {
      this.handshake(dir, body, record);
    } else if (type === 21) {
      this.alert(side, body, record);
    } else if (type === 20) {
      record.summary = "Change Cipher Spec";
      // TLS 1.3 sends it only for middleboxes (RFC 8446 D.4), also between a HelloRetryRequest
      // and the second ClientHello, which is still in the clear: there it changes nothing.
      if (this.state.version !== 0x0304) {
        side.encrypted = true;
        this.dropPending(side);
        this.startTls12(dir);
      }
    } else if (type === 23) {
      record.summary = this.applicationData(dir, body);
    } else {
      record.summary = CONTENT_TYPES[type] ?? `Unknown Record (${type})`;
    }
    this.emit(record);
  }

  /** A record's PDU in the making: its header fields, summary and tree to come. */
  private newRecord(dir: Dir, bytes: Uint8Array, at: PacketRef, wireLength: number): RecordOut {
    const fields: Record<string, FieldValue> = {
      "tls.record.content_type": bytes[0]!,
      "tls.record.version": (bytes[1]! << 8) | bytes[2]!,
      "tls.record.length": wireLength - RECORD_HEADER,
    };
    return { dir, at, wireLength, fields, tree: [], summary: "", malformed: undefined };
  }

  /**
   * An application_data record. Without keys its bytes are opaque; in TLS 1.3 they also hide the
   * rest of the handshake. With a decryptor this is where plaintext would be fed on.
   */
  private applicationData(_dir: Dir, _body: Uint8Array): string {
    return "Application Data";
  }

  /**
   * A whole record under known keys: opened, then read as its real content type says. Decrypted
   * application data, nearly every record of a decrypted connection, takes the short way: its
   * plaintext straight to the inner dissector, its PDU built in one go (no tree unless asked for).
   */
  private decrypted(dir: Dir, side: DirState, cipher: RecordCipher, bytes: Uint8Array, at: PacketRef, wireLength: number): void {
    let plaintext: Uint8Array;
    try {
      plaintext = cipher.open(bytes, at.last);
    } catch (err) {
      if (!(err instanceof DecryptError)) throw err;
      this.failed(dir, cipher, err);
      const record = this.newRecord(dir, bytes, at, wireLength);
      record.summary = bytes[0] === 22 ? "Encrypted Handshake Message" : CONTENT_TYPES[bytes[0]!] ?? "Record";
      return this.emit(record);
    }
    const type = cipher.type;
    if (type === 23 && !this.ctx.detail) {
      // The inner PDUs this record completes are reported before the record's own, as below.
      this.feedInner(dir, plaintext, at, cipher.prefix);
      if (!this.recordPdus) return;
      this.ctx.emit({
        dir,
        ref: at,
        length: wireLength,
        summary: decryptedSummary(plaintext.length),
        fields: decryptedFields(bytes[0]!, (bytes[1]! << 8) | bytes[2]!, wireLength - RECORD_HEADER),
      });
      return;
    }
    const record = this.newRecord(dir, bytes, at, wireLength);
    record.fields["tls.record.decrypted_type"] = type;
    if (type === 22) {
      this.handshake(dir, plaintext, record, false);
    } else if (type === 21) {
      this.alert(side, plaintext, record, true);
    } else if (type === 23) {
      record.summary = decryptedSummary(plaintext.length);
      this.feedInner(dir, plaintext, at, cipher.prefix);
    } else {
      record.summary = `${CONTENT_TYPES[type] ?? `Unknown Record (${type})`} (decrypted)`;
    }
    this.emit(record);
  }

  /**
   * Decrypted application data to the inner dissector. Its bytes keep the packets of the record
   * that carried them; the stream offset given is that of the record's ciphertext, so a byte view
   * shows the encrypted bytes where the inner PDU begins (the same length, AEAD adds no padding).
   */
  private feedInner(dir: Dir, plaintext: Uint8Array, at: PacketRef, prefix: number): void {
    if (!this.innerTried) {
      this.innerTried = true;
      const name = this.ctx.preferences?.get("tls.inner");
      this.inner = this.ctx.openInner?.(typeof name === "string" ? name : INNER) ?? null;
    }
    if (!this.inner || plaintext.length === 0) return;
    const ref: PacketRef = { first: at.first, last: at.last, tsUs: at.tsUs, streamOffset: at.streamOffset + RECORD_HEADER + prefix };
    this.inner.data(dir, plaintext, ref);
  }

  /**
   * One note per connection, then its records stay opaque (TCP-level analysis is unaffected).
   * `packet`: the packet the note is about, by default that of the record being read.
   */
  private giveUp(reason: string, packet = this.packet): void {
    this.dirs.c2s.cipher?.discard();
    this.dirs.s2c.cipher?.discard();
    this.dirs.c2s.cipher = null;
    this.dirs.s2c.cipher = null;
    if (this.undecryptable) return;
    this.undecryptable = true;
    this.ctx.note("warning", packet, `${TLS_NOT_DECRYPTED}${reason}`);
  }

  /** A record of `dir` did not authenticate: the note names it (its packet, when it is not the one being read). */
  private failed(dir: Dir, cipher: RecordCipher, err: DecryptError): void {
    this.giveUp(`${err.message} (${dir === "c2s" ? "client to server" : "server to client"}, ${cipher.suite.name}): wrong or mismatched key log entry`, err.packet);
  }

  /**
   * Authenticates the records of `dir` decrypted but not yet checked (decrypt.ts checks AES-GCM
   * records in batches): at each key change, gap and close. False when one failed (given up).
   */
  private settle(dir: Dir): boolean {
    const cipher = this.dirs[dir].cipher;
    if (!cipher) return true;
    try {
      cipher.check();
      return true;
    } catch (err) {
      if (!(err instanceof DecryptError)) throw err;
      this.failed(dir, cipher, err);
      return false;
    }
  }

  /** The suite, if kdiag decrypts it; otherwise gives up, naming it. */
  private suite(tls: 12 | 13) {
    const id = this.state.cipherSuite;
    const suite = id === null ? undefined : SUITES.get(id);
    if (!suite || suite.tls !== tls) {
      this.giveUp(`cipher suite ${id === null ? "unknown" : cipherSuiteName(id)} is not supported for decryption`);
      return null;
    }
    return suite;
  }

  /** TLS 1.3, at the ServerHello: handshake traffic keys for both sides. */
  private startTls13(): void {
    if (!this.keyLog || this.undecryptable) return;
    const cr = this.state.clientRandom;
    if (!cr || !this.keyLog.knows(cr)) return this.giveUp("the key log has no entry for this connection's client random");
    const suite = this.suite(13);
    if (!suite) return;
    const client = this.keyLog.get("CLIENT_HANDSHAKE_TRAFFIC_SECRET", cr);
    const server = this.keyLog.get("SERVER_HANDSHAKE_TRAFFIC_SECRET", cr);
    if (!client || !server) return this.giveUp("the key log lacks this connection's handshake traffic secrets");
    const c = tls13TrafficKeys(suite, client);
    const s = tls13TrafficKeys(suite, server);
    this.dirs.c2s.cipher = new RecordCipher(suite, c.key, c.iv);
    this.dirs.s2c.cipher = new RecordCipher(suite, s.key, s.iv);
  }

  /** TLS 1.3, after a side's Finished: its application traffic keys (sequence numbers restart). */
  private switchTls13(dir: Dir): void {
    const cipher = this.dirs[dir].cipher;
    if (!this.keyLog || !cipher || !this.state.clientRandom || !this.settle(dir)) return;
    const secret = this.keyLog.get(dir === "c2s" ? "CLIENT_TRAFFIC_SECRET_0" : "SERVER_TRAFFIC_SECRET_0", this.state.clientRandom);
    if (!secret) return this.giveUp("the key log lacks this connection's application traffic secrets");
    const k = tls13TrafficKeys(cipher.suite, secret);
    this.dirs[dir].cipher = new RecordCipher(cipher.suite, k.key, k.iv);
    this.dirs[dir].secret = secret;
  }

  /**
   * TLS 1.3, after a KeyUpdate from `dir`: its next records use the next application traffic
   * secret (RFC 8446 4.6.3), sequence numbers from 0. The records under the old keys are
   * authenticated first. (A KeyUpdate asking the peer to update too changes nothing on the
   * peer's side until the peer's own KeyUpdate, which comes as a record of its own.)
   */
  private keyUpdate(dir: Dir): void {
    const side = this.dirs[dir];
    const cipher = side.cipher;
    if (!cipher || !side.secret || !this.settle(dir)) return;
    side.secret = tls13NextTrafficSecret(cipher.suite, side.secret);
    const k = tls13TrafficKeys(cipher.suite, side.secret);
    side.cipher = new RecordCipher(cipher.suite, k.key, k.iv);
  }

  /** TLS 1.2, at a side's ChangeCipherSpec: its write keys from the master secret. */
  private startTls12(dir: Dir): void {
    if (!this.keyLog || this.undecryptable || !this.settle(dir)) return;
    const cr = this.state.clientRandom;
    const sr = this.state.serverRandom;
    if (!cr || !sr) return this.giveUp("the handshake's hellos were not seen");
    const master = this.keyLog.get("CLIENT_RANDOM", cr);
    if (!master) return this.giveUp("the key log has no entry for this connection's client random");
    const suite = this.suite(12);
    if (!suite) return;
    // One key block for both sides: the second ChangeCipherSpec reuses the first's.
    const keys = (this.keyBlock ??= tls12Keys(suite, master, cr, sr));
    const k = dir === "c2s" ? keys.client : keys.server;
    this.dirs[dir].cipher = new RecordCipher(suite, k.key, k.iv);
  }

  private handshake(dir: Dir, body: Uint8Array, record: RecordOut, clear = true): void {
    const side = this.dirs[dir];
    const messages: HandshakeInfo[] = [];
    const nodes: TreeNode[] = [];
    // Bytes of a message begun in earlier records come first; `carried` of them.
    const data = side.pending.length > 0 ? concat(side.pending, body) : body;
    const carried = side.pending.length;
    side.pending = EMPTY;
    let pos = 0;
    while (!side.lost && data.length - pos >= 4) {
      const type = data[pos]!;
      const len = (data[pos + 1]! << 16) | (data[pos + 2]! << 8) | data[pos + 3]!;
      if (len > MAX_HANDSHAKE_MESSAGE) {
        record.malformed = `handshake message ${handshakeName(type)} of ${len} bytes (more than ${MAX_HANDSHAKE_MESSAGE} kept)`;
        side.lost = true;
        break;
      }
      if (data.length - pos - 4 < len) break;
      const msgBody = data.subarray(pos + 4, pos + 4 + len);
      // A message that began in an earlier record has no offsets in this one.
      // Nor does one decrypted: its bytes are not the record's.
      const offset = clear && pos >= carried ? RECORD_HEADER + pos - carried : undefined;
      let info: HandshakeInfo;
      try {
        info = readHandshake(type, msgBody, this.state.version === 0x0304);
      } catch (err) {
        if (!(err instanceof HandshakeError)) throw err;
        record.malformed = `${handshakeName(type)}: ${err.message}`;
        info = { type, summary: handshakeName(type), fields: {}, tree: [] };
      }
      messages.push(info);
      this.learn(dir, info);
      if (this.ctx.detail) nodes.push(messageNode(info, len, offset));
      pos += 4 + len;
    }
    // A copy: `data` may be a view of the capture reader's chunk, reused before the next record.
    if (!side.lost && pos < data.length) side.pending = copy(data.subarray(pos));
    record.summary = messages.length > 0 ? messages.map((m) => m.summary).join(", ") : "Handshake (fragment of a message spanning records)";
    if (messages.length > 0) {
      record.fields["tls.handshake.type"] = messages.length === 1 ? messages[0]!.type : messages.map((m) => m.type);
      for (const m of messages) Object.assign(record.fields, m.fields);
    }
    record.tree.push(...nodes);
  }

  /** Keeps what decryption will need, and notes when the rest of the handshake goes dark. */
  private learn(dir: Dir, info: HandshakeInfo): void {
    if (info.type === 1 && dir === "c2s") this.state.clientRandom = info.random ?? null;
    // TLS 1.3: a side's Finished is the last record under its handshake keys.
    if (info.type === 20 && this.state.version === 0x0304) this.switchTls13(dir);
    // A KeyUpdate is the last message under its sender's current keys (RFC 8446 5.1).
    if (info.type === 24 && this.state.version === 0x0304) this.keyUpdate(dir);
    if (info.type !== 2) return;
    this.state.version = info.negotiatedVersion ?? null;
    // A HelloRetryRequest asks for a second ClientHello; the ServerHello comes after it.
    if (info.summary === "Hello Retry Request") return;
    this.state.serverRandom = info.random ?? null;
    const suite = info.fields["tls.handshake.ciphersuite"];
    this.state.cipherSuite = typeof suite === "number" ? suite : null;
    if (this.state.version === 0x0304) {
      // TLS 1.3 encrypts everything after the ServerHello, the certificate included (RFC 8446 2).
      info.fields["tls.handshake.certificates_encrypted"] = true;
      info.tree.push({ label: "TLS 1.3: the certificates and the rest of the handshake are encrypted (a key log is needed to see them)" });
      this.dirs.s2c.encrypted = true;
      this.dirs.c2s.encrypted = true;
      this.startTls13();
    }
  }

  private alert(side: DirState, body: Uint8Array, record: RecordOut, decrypted = false): void {
    // An encrypted alert is as long as its cipher's overhead; a clear one is exactly 2 bytes.
    if ((side.encrypted && !decrypted) || body.length !== 2) {
      record.summary = "Encrypted Alert";
      return;
    }
    const level = body[0]!;
    const desc = body[1]!;
    record.fields["tls.alert_message.level"] = level;
    record.fields["tls.alert_message.desc"] = desc;
    const title = ALERT_TITLES[desc] ?? `Unknown (${desc})`;
    record.summary = `Alert (Level: ${alertLevelName(level)}, Description: ${title})`;
    if (this.ctx.detail && decrypted) record.tree.push({ label: `Decrypted Alert: Level ${alertLevelName(level)}, ${title}` });
    else if (this.ctx.detail) {
      record.tree.push({
        label: "Alert Message",
        offset: RECORD_HEADER,
        length: 2,
        children: [
          { label: `Level: ${alertLevelName(level)} (${level})`, offset: RECORD_HEADER, length: 1 },
          { label: `Description: ${title} (${desc}, ${ALERT_NAMES[desc] ?? "unassigned"})`, offset: RECORD_HEADER + 1, length: 1 },
        ],
      });
    }
  }

  private dropPending(side: DirState): void {
    side.pending = EMPTY;
    side.lost = false;
  }

  private emit(record: RecordOut): void {
    const pdu: Pdu = { dir: record.dir, ref: record.at, length: record.wireLength, summary: record.summary, fields: record.fields };
    if (this.ctx.detail) {
      const type = record.fields["tls.record.content_type"] as number;
      const version = record.fields["tls.record.version"] as number;
      pdu.tree = [
        {
          label: `Record Layer: ${CONTENT_TYPES[type] ?? `Unknown (${type})`} Protocol: ${record.summary}`,
          offset: 0,
          length: record.wireLength,
          children: [
            { label: `Content Type: ${CONTENT_TYPES[type] ?? "Unknown"} (${type})`, offset: 0, length: 1 },
            { label: `Version: ${versionName(version)} (0x${version.toString(16).padStart(4, "0")})`, offset: 1, length: 2 },
            { label: `Length: ${record.wireLength - RECORD_HEADER}`, offset: 3, length: 2 },
            ...record.tree,
          ],
        },
      ];
    }
    if (record.malformed) pdu.malformed = record.malformed;
    this.ctx.emit(pdu);
  }

  gap(dir: Dir, length: number, at: PacketRef): void {
    // The handshake message in progress lost bytes: drop it (the framer finds the next record).
    this.dropPending(this.dirs[dir]);
    // Records were lost with the bytes: the sequence number, hence the nonce, is unknown now.
    // Those read before the gap are authenticated first (a failure among them is the better reason).
    if (this.settle(dir) && this.dirs[dir].cipher) {
      this.packet = at.last;
      this.giveUp(`${length} bytes were not captured (${dir === "c2s" ? "client to server" : "server to client"}); the records after them cannot be decrypted`);
    }
    this.inner?.gap(dir, length, at);
  }

  close(how: CloseInfo): void {
    // The last records' authentication, before the connection's notes are final.
    if (this.settle("c2s")) this.settle("s2c");
    this.inner?.close(how);
    this.inner = null;
  }
}

interface RecordOut {
  dir: Dir;
  at: PacketRef;
  wireLength: number;
  fields: Record<string, FieldValue>;
  tree: TreeNode[];
  summary: string;
  malformed: string | undefined;
}

/**
 * "Application Data (decrypted, N bytes)", one string per length: a decrypted connection has a
 * record per segment or so, and the same string each time costs the PDU store nothing to pool.
 */
const DECRYPTED_SUMMARIES = new Map<number, string>();

function decryptedSummary(length: number): string {
  let summary = DECRYPTED_SUMMARIES.get(length);
  if (summary === undefined) {
    summary = `Application Data (decrypted, ${length} bytes)`;
    // Bounded by the record size limit (2^14 bytes of plaintext, and a few more from a peer that exceeds it).
    if (DECRYPTED_SUMMARIES.size < 20_000) DECRYPTED_SUMMARIES.set(length, summary);
  }
  return summary;
}

/**
 * The fields of a decrypted application data record, one frozen object per (content type,
 * version, length), shared by every record alike: the PDU store keeps one per record, and a
 * decrypted connection has a record per segment or so. Frozen, since every record holding it shares it.
 */
const DECRYPTED_FIELDS = new Map<number, Record<string, FieldValue>>();

function decryptedFields(type: number, version: number, length: number): Record<string, FieldValue> {
  const key = (type * 65536 + version) * 65536 + length;
  let fields = DECRYPTED_FIELDS.get(key);
  if (fields === undefined) {
    fields = Object.freeze({
      "tls.record.content_type": type,
      "tls.record.version": version,
      "tls.record.length": length,
      "tls.record.decrypted_type": 23,
    }) as Record<string, FieldValue>;
    if (DECRYPTED_FIELDS.size < 40_000) DECRYPTED_FIELDS.set(key, fields);
  }
  return fields;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** A handshake message's node; its fields' offsets are relative to its body, shifted to the record. */
function messageNode(info: HandshakeInfo, length: number, offset: number | undefined): TreeNode {
  const shift = (n: TreeNode): TreeNode => ({
    label: n.label,
    ...(offset !== undefined && n.offset !== undefined ? { offset: offset + 4 + n.offset, length: n.length ?? 0 } : {}),
    ...(n.children ? { children: n.children.map(shift) } : {}),
  });
  const suite = info.fields["tls.handshake.ciphersuite"];
  const label = `Handshake Protocol: ${info.summary}${info.type === 2 && typeof suite === "number" ? `, ${cipherSuiteName(suite)}` : ""}`;
  return {
    label,
    ...(offset !== undefined ? { offset, length: 4 + length } : {}),
    children: [{ label: `Handshake Type: ${handshakeName(info.type)} (${info.type})` }, { label: `Length: ${length}` }, ...info.tree.map(shift)],
  };
}
