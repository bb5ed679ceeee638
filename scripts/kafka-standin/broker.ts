/**
 * A protocol-level stand-in for a one-node Kafka broker, good enough for kcat (librdkafka) to
 * produce and consume, so that real client traffic can be captured with tcpdump. It is built on
 * the project's generated protocol table: requests are decoded with dissectors/kafka/schema and
 * responses are encoded with the test encoder (test/kafka/encoder.ts), so every version the
 * table knows can be answered.
 *
 *   npx tsx scripts/kafka-standin/broker.ts [--host 127.0.0.1] [--port 9092] [--partitions 1]
 *       [--advertised-host H] [--message-max-bytes N] [--socket-request-max-bytes N]
 *       [--idle-close-ms N] [--idle-close-style fin|rst] [--topic-max-bytes TOPIC=N]...
 *       [--refuse-close fin|rst] [--tls CERT,KEY] [--delay-ms API=N]...  [--eof-drops]
 *       [--sasl MECH[,MECH]] [--sasl-user USER:PASSWORD]... [--sasl-v0]
 *       [--groups [--group-initial-delay-ms N]] [--quiet]
 *
 * What it answers: ApiVersions, Metadata (itself as node 0, every topic asked for, auto-created
 * with --partitions partitions, leader 0), Produce (record batches are kept per topic-partition,
 * the broker assigns offsets like a real log), ListOffsets (earliest/latest), Fetch (the stored
 * batches from the fetch offset on; waits up to max_wait_ms when there is nothing new).
 * Any other API key is logged and the connection closed, as a real broker does for a request it
 * cannot parse.
 *
 * The two limits reproduce "Message too large" (incident 1 of the design notes):
 *   --message-max-bytes N (default 1048588, Kafka's message.max.bytes): a Produce partition whose
 *       record batch is larger than N is refused with error 10 MESSAGE_TOO_LARGE; with acks=0 the
 *       broker cannot answer, so it closes the connection right after the request, as Kafka's
 *       KafkaApis does.
 *   --socket-request-max-bytes N (default 104857600, socket.request.max.bytes): a request whose
 *       size prefix exceeds N is not read at all: the connection is closed, as Kafka's
 *       NetworkReceive/Selector do (InvalidReceiveException).
 *
 *   --topic-max-bytes TOPIC=N (repeatable): the topic-level max.message.bytes, which overrides
 *       --message-max-bytes for that topic.
 *   --refuse-close fin|rst (default fin): how a refused acks=0 Produce or an oversized request
 *       closes the connection. fin: close(2) with nothing left unread (Node has already read what
 *       arrived), so a FIN; data the client still sends afterwards draws RSTs from the kernel.
 *       rst: what a real broker's close(2) does while the rest of a big request is still unread
 *       in the receive buffer (Kafka reads the 4-byte size prefix, then closes): the kernel
 *       aborts the connection with a RST at once (here: SO_LINGER 0, socket.resetAndDestroy()).
 *
 * --idle-close-ms N (default 0: never) reproduces the broker's idle reaper (connections.max.idle.ms,
 *     Kafka's default 600000): a connection with no bytes read or written for N ms is closed with
 *     close(2), so the client sees the broker's FIN. That is normal broker behaviour, the negative
 *     control for the firewall idle-timeout incident (scripts/incidents/make-incidents.sh).
 *     --idle-close-style rst closes it with a RST instead (SO_LINGER 0; not what Kafka does).
 *
 * --tls CERT,KEY (PEM files) makes the listener TLS (node:tls), like a Kafka SSL listener: the
 *     broker's closes (idle reaper, refusals) send TLS close_notify and then the FIN, as Kafka's
 *     SslTransportLayer.close() does; with --refuse-close rst or --idle-close-style rst, those
 *     closes send close_notify and then a RST (no FIN), as that close(2) does with bytes unread
 *     (tls-abort.ts). --host may be an IPv6 address (e.g. fd98:2::2 or ::).
 *
 * --delay-ms API=N (repeatable; API is a key number or name such as Produce) makes a slow broker:
 *     requests of that API are handled and answered only N ms after they arrive (in order).
 *
 * --eof-drops: the client's EOF (its FIN) closes the connection at once and drops every answer not
 *     yet written, the one to a request read together with that EOF included, as Kafka's Selector
 *     does (a channel closed on EOF fails its pending sends: "Attempting to send response via
 *     channel for which there is no open connection"). Without it the stand-in answers a request
 *     read in the same read as the EOF first, as Node delivers the data before the end.
 *
 * --sasl MECH[,MECH] makes the listener SASL (SASL_PLAINTEXT, or SASL_SSL with --tls), like
 *     Kafka's sasl.enabled.mechanisms: PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 with the users of
 *     --sasl-user USER:PASSWORD (repeatable; SCRAM proofs are really verified, scripts/kafka-standin/
 *     sasl.ts). SaslHandshake v0-1 and SaslAuthenticate v0-2 are advertised; before a successful
 *     login any other request but ApiVersions closes the connection (Kafka: ILLEGAL_SASL_STATE is
 *     logged and the channel closed). A mechanism not enabled gets UNSUPPORTED_SASL_MECHANISM (33);
 *     a wrong password SASL_AUTHENTICATION_FAILED (58) with Kafka's message, then the close.
 *     --sasl-v0 advertises SaslHandshake v0 only and no SaslAuthenticate, as brokers before 1.0 do:
 *     clients then send bare SASL tokens framed by an int32 length (KIP-43), and a failed login is
 *     answered by closing the connection.
 *
 * --groups adds a consumer-group coordinator (scripts/kafka-standin/groups.ts): JoinGroup,
 *     SyncGroup, Heartbeat, LeaveGroup, OffsetCommit and OffsetFetch are advertised (capped at what
 *     Kafka 3.7 brokers advertise for the classic protocol) and answered as Kafka's GroupCoordinator
 *     does: MEMBER_ID_REQUIRED for a new member at JoinGroup v4+, joins held until every member
 *     rejoined or the rebalance timeout, REBALANCE_IN_PROGRESS to heartbeats meanwhile, members
 *     removed after their session timeout. --group-initial-delay-ms N is group.initial.rebalance.
 *     delay.ms (Kafka's default 3000). Without --groups nothing changes: the group APIs are neither
 *     advertised nor answered (the connection is closed, as before), so captures made earlier can
 *     be made again the same.
 *
 * Every request and what was done with it is logged on stderr, one line each.
 */
import { readFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { closeNotifyThenReset, createResettableTlsServer } from "./tls-abort.js";
import { APIS } from "../../dissectors/kafka/generated/protocol.js";
import {
  decodeRequest,
  isFlexible,
  responseHeaderVersion,
  type KafkaObject,
  type KafkaValue,
} from "../../dissectors/kafka/schema/index.js";
import { inRange, type FieldDef } from "../../dissectors/kafka/schema/table.js";
import { encodeResponseHeader, writeStruct, Writer } from "../../test/kafka/encoder.js";
import { createSaslServer, type SaslServer } from "./sasl.js";
import { GroupCoordinator } from "./groups.js";

// ---- options ---------------------------------------------------------------------------------

interface Options {
  host: string;
  port: number;
  advertisedHost: string;
  partitions: number;
  messageMaxBytes: number;
  socketRequestMaxBytes: number;
  idleCloseMs: number;
  idleCloseStyle: "fin" | "rst";
  topicMaxBytes: Map<string, number>;
  refuseClose: "fin" | "rst";
  tls: { cert: string; key: string } | null;
  /** --sasl: enabled mechanisms (empty: no SASL). */
  sasl: string[];
  saslUsers: Map<string, string>;
  saslV0: boolean;
  /** --delay-ms API=N (repeatable): requests of that API are handled only after N ms. */
  delayMs: Map<number, number>;
  /** --eof-drops: the client's EOF closes at once and drops the answers not yet written. */
  eofDrops: boolean;
  /** --groups: the group coordinator APIs; --group-initial-delay-ms. */
  groups: boolean;
  groupInitialDelayMs: number;
  quiet: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    host: "127.0.0.1",
    port: 9092,
    advertisedHost: "",
    partitions: 1,
    messageMaxBytes: 1048588,
    socketRequestMaxBytes: 104857600,
    idleCloseMs: 0,
    idleCloseStyle: "fin",
    topicMaxBytes: new Map(),
    refuseClose: "fin",
    tls: null,
    sasl: [],
    saslUsers: new Map(),
    saslV0: false,
    delayMs: new Map(),
    eofDrops: false,
    groups: false,
    groupInitialDelayMs: 3000,
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const int = (): number => {
      const v = next();
      if (!/^\d+$/.test(v)) throw new Error(`${a}: not a number: ${v}`);
      return Number(v);
    };
    const style = (): "fin" | "rst" => {
      const v = next();
      if (v !== "fin" && v !== "rst") throw new Error(`${a}: fin or rst, not ${v}`);
      return v;
    };
    switch (a) {
      case "--host": o.host = next(); break;
      case "--port": o.port = int(); break;
      case "--advertised-host": o.advertisedHost = next(); break;
      case "--partitions": o.partitions = Math.max(1, int()); break;
      case "--message-max-bytes": o.messageMaxBytes = int(); break;
      case "--socket-request-max-bytes": o.socketRequestMaxBytes = int(); break;
      case "--idle-close-ms": o.idleCloseMs = int(); break;
      case "--idle-close-style": o.idleCloseStyle = style(); break;
      case "--refuse-close": o.refuseClose = style(); break;
      case "--topic-max-bytes": {
        const m = /^(.+)=(\d+)$/.exec(next());
        if (!m) throw new Error(`${a}: TOPIC=N`);
        o.topicMaxBytes.set(m[1]!, Number(m[2]));
        break;
      }
      case "--tls": {
        const [cert, key] = next().split(",");
        if (!cert || !key) throw new Error(`${a}: CERT,KEY`);
        o.tls = { cert, key };
        break;
      }
      case "--delay-ms": {
        // API=N: a slow broker for that API (key number or name, e.g. Produce=6000).
        const m = /^(\w+)=(\d+)$/.exec(next());
        if (!m) throw new Error(`${a}: API=N`);
        const key = /^\d+$/.test(m[1]!) ? Number(m[1]) : APIS.find((x) => x.name === m[1])?.key;
        if (key === undefined) throw new Error(`${a}: unknown API ${m[1]}`);
        o.delayMs.set(key, Number(m[2]));
        break;
      }
      case "--eof-drops": o.eofDrops = true; break;
      case "--sasl": o.sasl = next().split(",").map((m) => m.trim().toUpperCase()).filter(Boolean); break;
      case "--sasl-user": {
        const v = next();
        const colon = v.indexOf(":");
        if (colon < 1) throw new Error(`--sasl-user: USER:PASSWORD, not ${v}`);
        o.saslUsers.set(v.slice(0, colon), v.slice(colon + 1));
        break;
      }
      case "--sasl-v0": o.saslV0 = true; break;
      case "--groups": o.groups = true; break;
      case "--group-initial-delay-ms": o.groupInitialDelayMs = int(); break;
      case "--quiet": o.quiet = true; break;
      case "-h":
      case "--help":
        process.stdout.write(
          "usage: npx tsx scripts/kafka-standin/broker.ts [--host H] [--port P] [--advertised-host H]\n" +
            "         [--partitions N] [--message-max-bytes N] [--socket-request-max-bytes N]\n" +
            "         [--idle-close-ms N] [--idle-close-style fin|rst] [--topic-max-bytes TOPIC=N]...\n" +
            "         [--refuse-close fin|rst] [--tls CERT,KEY] [--delay-ms API=N]... [--eof-drops]\n" +
            "         [--sasl MECH[,MECH]] [--sasl-user USER:PASSWORD]... [--sasl-v0]\n" +
            "         [--groups [--group-initial-delay-ms N]] [--quiet]\n",
        );
        process.exit(0);
      default:
        throw new Error(`unknown option ${a}`);
    }
  }
  if (o.advertisedHost === "") o.advertisedHost = o.host;
  return o;
}

const opts = ((): Options => {
  try {
    return parseArgs(process.argv.slice(2));
  } catch (e) {
    // A bad option is a one-line error, not a stack trace.
    process.stderr.write(`broker.ts: ${(e as Error).message}\n`);
    process.exit(2);
  }
})();
const log = (msg: string): void => {
  if (!opts.quiet) process.stderr.write(`[standin ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
};

// ---- advertised versions ---------------------------------------------------------------------

/**
 * The APIs the stand-in implements, and the highest version it advertises for each: the table's
 * valid range capped at what Apache Kafka 3.7 brokers advertise. librdkafka 2.0.2 (kcat 1.7.1)
 * then picks min(its own max, this): ApiVersions v3, Metadata v4, Produce v7, ListOffsets v2,
 * Fetch v11 (test/fixtures/kcat/README.md).
 */
const CAPS: Record<number, number> = {
  0: 10, // Produce
  1: 16, // Fetch
  2: 8, // ListOffsets
  3: 12, // Metadata
  // Not needed by kcat -P / -C -p, but librdkafka only compresses with LZ4 when the broker
  // advertises GroupCoordinator (FindCoordinator) v0 ("Broker does not support compression type
  // lz4" otherwise: its feature map treats such a broker as older than 0.8.2).
  10: 4, // FindCoordinator
  18: 3, // ApiVersions
  // --sasl: SaslHandshake v1 + SaslAuthenticate (KIP-152), or with --sasl-v0 SaslHandshake v0 alone.
  ...(opts.sasl.length > 0 ? (opts.saslV0 ? { 17: 0 } : { 17: 1, 36: 2 }) : {}),
  // --groups: the classic group protocol as Kafka 3.7 advertises it (OffsetCommit v9 and
  // OffsetFetch v9 belong to the new consumer protocol, KIP-848, not implemented here).
  ...(opts.groups ? { 8: 8, 9: 8, 11: 9, 12: 4, 13: 5, 14: 5 } : ({} as Record<number, number>)),
};
const API_BY_KEY = new Map(APIS.map((a) => [a.key, a]));
const ADVERTISED = Object.entries(CAPS).map(([key, cap]) => {
  const api = API_BY_KEY.get(Number(key))!;
  return { api_key: api.key, min_version: api.valid[0], max_version: Math.min(api.valid[1], cap) };
});
const supported = (key: number, version: number): boolean =>
  ADVERTISED.some((a) => a.api_key === key && version >= a.min_version && version <= a.max_version);

// ---- responses from the table ----------------------------------------------------------------

type Obj = { [k: string]: Value };
type Value = null | boolean | number | bigint | string | Value[] | Obj;

const ZERO_UUID = "00000000-0000-0000-0000-000000000000";

function defaultFor(f: FieldDef, version: number, flexible: boolean): Value {
  if (inRange(f.nv, version)) return null;
  if (f.t === "struct") return complete(f.f!, {}, version, flexible);
  if (f.t.startsWith("[]")) return [];
  switch (f.t) {
    case "bool": return false;
    case "int64": return 0n;
    case "string": return "";
    case "uuid": return ZERO_UUID;
    case "bytes":
    case "records": return "";
    default: return 0;
  }
}

/**
 * Completes a partial value for `fields` at `version`: fields present in the version but missing
 * from `partial` get Kafka's defaults (0, "", null when nullable, [] ...). Tagged fields are only
 * written when given. Keys that do not exist at this version are dropped, so one response shape
 * serves every version.
 */
function complete(fields: readonly FieldDef[], partial: Obj, version: number, flexible: boolean): Obj {
  const out: Obj = {};
  for (const f of fields) {
    if (!inRange(f.v, version)) continue;
    const tagged = flexible && inRange(f.tv, version);
    const given = partial[f.k];
    if (given === undefined) {
      if (!tagged) out[f.k] = defaultFor(f, version, flexible);
      continue;
    }
    if (given === null) out[f.k] = null;
    else if (f.t === "struct") out[f.k] = complete(f.f!, given as Obj, version, flexible);
    else if (f.t === "[]struct") out[f.k] = (given as Obj[]).map((e) => complete(f.f!, e, version, flexible));
    else if (f.t === "int64" && typeof given === "number") out[f.k] = BigInt(given);
    else out[f.k] = given;
  }
  return out;
}

function encodeResponse(apiKey: number, version: number, correlationId: number, body: Obj): Uint8Array {
  const api = API_BY_KEY.get(apiKey)!;
  const flexible = isFlexible(apiKey, version);
  const w = new Writer();
  w.int32(0); // size, patched below
  encodeResponseHeader(w, responseHeaderVersion(apiKey, version)!, correlationId);
  writeStruct(w, api.res, complete(api.res, body, version, flexible), version, flexible);
  const bytes = w.bytes();
  new DataView(bytes.buffer, bytes.byteOffset).setInt32(0, bytes.length - 4);
  return bytes;
}

const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

// ---- the log ---------------------------------------------------------------------------------

interface Batch {
  baseOffset: bigint;
  /** Offsets the batch takes (lastOffsetDelta + 1 for magic 2). */
  count: number;
  bytes: Uint8Array;
}
interface Partition {
  batches: Batch[];
  next: bigint;
  waiters: Set<() => void>;
}
const topics = new Map<string, Partition[]>();

function topic(name: string): Partition[] {
  let t = topics.get(name);
  if (!t) {
    t = Array.from({ length: opts.partitions }, () => ({ batches: [], next: 0n, waiters: new Set<() => void>() }));
    topics.set(name, t);
    log(`created topic ${JSON.stringify(name)} with ${opts.partitions} partition(s)`);
  }
  return t;
}

/** A stable, made-up topic id (Metadata v10+), derived from the name. */
function topicId(name: string): string {
  let h = 0x811c9dc5;
  for (const c of Buffer.from(name)) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  const x = h.toString(16).padStart(8, "0");
  return `${x}-0000-4000-8000-0000${x}`;
}

/**
 * Splits a records field into batches and appends them, assigning offsets (rewrites each batch's
 * baseOffset; the v2 CRC does not cover it). Returns the base offset of the first.
 */
const CODECS = ["none", "gzip", "snappy", "lz4", "zstd"];

function append(p: Partition, records: Uint8Array): { base: bigint; batches: number; records: number; codecs: string[] } {
  const base = p.next;
  let pos = 0;
  let batches = 0;
  let recs = 0;
  const codecs = new Set<string>();
  while (pos + 12 <= records.length) {
    const dv = new DataView(records.buffer, records.byteOffset + pos);
    const size = 12 + dv.getInt32(8);
    if (size < 12 || pos + size > records.length) break;
    const magic = size > 16 ? dv.getInt8(16) : -1;
    const count = magic === 2 ? dv.getInt32(23) + 1 : 1;
    if (magic === 2) recs += dv.getInt32(57);
    else recs += 1;
    const attributes = magic === 2 ? dv.getInt16(21) : magic >= 0 ? dv.getInt8(17) : 0;
    codecs.add(`magic ${magic} ${CODECS[attributes & 7] ?? `codec ${attributes & 7}`}`);
    const bytes = records.slice(pos, pos + size);
    new DataView(bytes.buffer).setBigInt64(0, p.next);
    p.batches.push({ baseOffset: p.next, count, bytes });
    p.next += BigInt(count);
    pos += size;
    batches++;
  }
  for (const wake of p.waiters) wake();
  p.waiters.clear();
  return { base, batches, records: recs, codecs: [...codecs] };
}

// ---- request handlers ------------------------------------------------------------------------

interface Request {
  apiKey: number;
  version: number;
  correlationId: number;
  clientId: string | null | undefined;
  body: KafkaObject;
  bytes: Uint8Array;
  size: number;
}

interface Conn {
  id: number;
  socket: Socket;
  peer: string;
  /** Closes the connection: FIN (close(2)), or RST with style "rst"; over TLS close_notify first. */
  close(why: string, style?: "fin" | "rst"): void;
  /** --sasl: the login in progress, and whether it succeeded. */
  sasl?: SaslServer;
  saslMechanism?: string;
  /** After SaslHandshake v0: the next frames are bare SASL tokens. */
  saslRaw?: boolean;
  authenticated?: boolean;
}

/** Answers one request; `version` overrides the request's (ApiVersions fallback to v0). */
type Reply = (body: Obj, version?: number) => void;

const str = (v: KafkaValue | undefined): string => (typeof v === "string" ? v : "");
const arr = (v: KafkaValue | undefined): KafkaObject[] => (Array.isArray(v) ? (v as KafkaObject[]) : []);
const num = (v: KafkaValue | undefined): number => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : 0);

function handleApiVersions(c: Conn, r: Request, reply: Reply): void {
  if (!supported(18, r.version)) {
    // Kafka answers an ApiVersions it does not know with v0 and UNSUPPORTED_VERSION (35), so the
    // client can retry with a version from the list.
    log(`#${c.id} ApiVersions v${r.version} unsupported: answering v0 with error 35`);
    reply({ error_code: 35, api_keys: ADVERTISED }, 0);
    return;
  }
  reply({ error_code: 0, api_keys: ADVERTISED, throttle_time_ms: 0 });
}

function handleMetadata(c: Conn, r: Request, reply: Reply): void {
  const asked = r.body.topics;
  const names = asked === null || asked === undefined ? [...topics.keys()] : arr(asked).map((t) => str(t.name)).filter((n) => n !== "");
  const out = names.map((name) => ({
    error_code: 0,
    name,
    topic_id: topicId(name),
    is_internal: false,
    partitions: topic(name).map((_, i) => ({
      error_code: 0,
      partition_index: i,
      leader_id: 0,
      leader_epoch: 0,
      replica_nodes: [0],
      isr_nodes: [0],
      offline_replicas: [],
    })),
    topic_authorized_operations: -2147483648,
  }));
  reply({
    throttle_time_ms: 0,
    brokers: [{ node_id: 0, host: opts.advertisedHost, port: opts.port, rack: null }],
    cluster_id: "kdiag-standin",
    controller_id: 0,
    topics: out,
    cluster_authorized_operations: -2147483648,
  });
}

function handleProduce(c: Conn, r: Request, reply: Reply): void {
  const acks = num(r.body.acks);
  let tooLarge = false;
  const responses = arr(r.body.topic_data).map((t) => {
    const name = str(t.name);
    const parts = topic(name);
    return {
      name,
      partition_responses: arr(t.partition_data).map((pd) => {
        const index = num(pd.index);
        const ref = pd.records as { offset: number; length: number } | null;
        const size = ref ? ref.length : 0;
        if (index < 0 || index >= parts.length) {
          log(`#${c.id} Produce ${name}[${index}]: UNKNOWN_TOPIC_OR_PARTITION`);
          return { index, error_code: 3, base_offset: -1n, log_append_time_ms: -1n, log_start_offset: -1n, error_message: null };
        }
        const limit = opts.topicMaxBytes.get(name) ?? opts.messageMaxBytes;
        if (size > limit) {
          tooLarge = true;
          const which = opts.topicMaxBytes.has(name) ? "topic max.message.bytes" : "message.max.bytes";
          log(`#${c.id} Produce ${name}[${index}] acks=${acks}: ${size} bytes of records > ${which} ${limit}: MESSAGE_TOO_LARGE`);
          return { index, error_code: 10, base_offset: -1n, log_append_time_ms: -1n, log_start_offset: -1n, error_message: null };
        }
        const p = parts[index]!;
        const a = ref ? append(p, r.bytes.subarray(ref.offset, ref.offset + ref.length)) : { base: p.next, batches: 0, records: 0, codecs: [] };
        log(`#${c.id} Produce ${name}[${index}] acks=${acks}: ${a.batches} batch(es) (${a.codecs.join(", ")}), ${a.records} record(s), ${size} bytes at offset ${a.base}`);
        return { index, error_code: 0, base_offset: a.base, log_append_time_ms: -1n, log_start_offset: 0n, error_message: null };
      }),
    };
  });
  if (acks === 0) {
    // No response for acks=0; an error can only be signalled by closing the connection
    // (KafkaApis.handleProduceRequest: "closing connection due to error during produce request").
    if (tooLarge) c.close("acks=0 Produce with an error: closing the connection", opts.refuseClose);
    return;
  }
  reply({ responses, throttle_time_ms: 0 });
}

function handleListOffsets(c: Conn, r: Request, reply: Reply): void {
  const t = arr(r.body.topics).map((tt) => {
    const name = str(tt.name);
    const parts = topic(name);
    return {
      name,
      partitions: arr(tt.partitions).map((pp) => {
        const index = num(pp.partition_index);
        const ts = num(pp.timestamp);
        const p = parts[index];
        if (!p) return { partition_index: index, error_code: 3, old_style_offsets: [], timestamp: -1n, offset: -1n, leader_epoch: -1 };
        // -2 earliest, -1 latest; a real timestamp gets the earliest too (no time index here).
        const offset = ts === -1 ? p.next : 0n;
        log(`#${c.id} ListOffsets ${name}[${index}] timestamp ${ts}: offset ${offset}`);
        return { partition_index: index, error_code: 0, old_style_offsets: [offset], timestamp: -1n, offset, leader_epoch: 0 };
      }),
    };
  });
  reply({ throttle_time_ms: 0, topics: t });
}

function handleFetch(c: Conn, r: Request, reply: Reply): void {
  if (r.version >= 13) {
    // Topic ids instead of names: not needed for librdkafka 2.0 (Fetch <= v11).
    c.close(`Fetch v${r.version} (topic ids) not implemented`);
    return;
  }
  const maxWait = Math.min(num(r.body.max_wait_ms), 5000);
  const build = (): { body: Obj; bytes: number } => {
    let total = 0;
    const responses = arr(r.body.topics).map((tt) => {
      const name = str(tt.topic);
      const parts = topic(name);
      return {
        topic: name,
        partitions: arr(tt.partitions).map((pp) => {
          const index = num(pp.partition);
          const p = parts[index];
          if (!p) return { partition_index: index, error_code: 3, high_watermark: -1n, last_stable_offset: -1n, log_start_offset: -1n, aborted_transactions: null, preferred_read_replica: -1, records: null };
          const from = BigInt(num(pp.fetch_offset));
          const limit = Math.max(1, num(pp.partition_max_bytes));
          if (from > p.next) {
            return { partition_index: index, error_code: 1, high_watermark: p.next, last_stable_offset: p.next, log_start_offset: 0n, aborted_transactions: null, preferred_read_replica: -1, records: null };
          }
          const chunks: Uint8Array[] = [];
          let size = 0;
          for (const b of p.batches) {
            if (b.baseOffset + BigInt(b.count) <= from) continue;
            // Like Kafka, always return at least one whole batch, then stop at the limit.
            if (chunks.length > 0 && size + b.bytes.length > limit) break;
            chunks.push(b.bytes);
            size += b.bytes.length;
          }
          total += size;
          const records = Buffer.concat(chunks);
          return {
            partition_index: index,
            error_code: 0,
            high_watermark: p.next,
            last_stable_offset: p.next,
            log_start_offset: 0n,
            aborted_transactions: null,
            preferred_read_replica: -1,
            records: toHex(records),
          };
        }),
      };
    });
    return { body: { throttle_time_ms: 0, error_code: 0, session_id: 0, responses }, bytes: total };
  };
  const later = (): void => {
    const { body, bytes } = build();
    log(`#${c.id} Fetch v${r.version} corr ${r.correlationId}: ${bytes} bytes of records`);
    reply(body);
  };
  const first = build();
  if (first.bytes > 0 || maxWait <= 0) {
    log(`#${c.id} Fetch v${r.version} corr ${r.correlationId}: ${first.bytes} bytes of records`);
    reply(first.body);
    return;
  }
  // Nothing new: wait for a Produce or max_wait_ms, like a real broker's purgatory.
  const parts: Partition[] = [];
  for (const tt of arr(r.body.topics)) for (const pp of arr(tt.partitions)) {
    const p = topic(str(tt.topic))[num(pp.partition)];
    if (p) parts.push(p);
  }
  let done = false;
  const fire = (): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    for (const p of parts) p.waiters.delete(fire);
    if (!c.socket.destroyed) later();
  };
  const timer = setTimeout(fire, maxWait);
  for (const p of parts) p.waiters.add(fire);
}

/** This broker is every coordinator (group or transaction). */
function handleFindCoordinator(c: Conn, r: Request, reply: Reply): void {
  const keys = r.version >= 4 ? (Array.isArray(r.body.coordinator_keys) ? (r.body.coordinator_keys as string[]) : []) : [str(r.body.key)];
  log(`#${c.id} FindCoordinator ${JSON.stringify(keys)}: node 0`);
  const me = { node_id: 0, host: opts.advertisedHost, port: opts.port, error_code: 0, error_message: null };
  reply({ throttle_time_ms: 0, ...me, coordinators: keys.map((key) => ({ key, ...me })) });
}

function handleSaslHandshake(c: Conn, r: Request, reply: Reply): void {
  const mechanism = str(r.body.mechanism);
  const server = opts.sasl.includes(mechanism.toUpperCase()) ? createSaslServer(mechanism.toUpperCase(), opts.saslUsers) : null;
  if (!server) {
    log(`#${c.id} SaslHandshake ${JSON.stringify(mechanism)}: not enabled (${opts.sasl.join(",")}): UNSUPPORTED_SASL_MECHANISM`);
    reply({ error_code: 33, mechanisms: opts.sasl });
    // Kafka closes the channel after the failed handshake.
    setImmediate(() => c.close("unsupported SASL mechanism"));
    return;
  }
  c.sasl = server;
  c.saslMechanism = mechanism.toUpperCase();
  c.saslRaw = r.version === 0;
  log(`#${c.id} SaslHandshake v${r.version} ${c.saslMechanism}${c.saslRaw ? ": raw tokens follow" : ""}`);
  reply({ error_code: 0, mechanisms: opts.sasl });
}

/** One SASL token, from SaslAuthenticate or (after SaslHandshake v0) bare; the reply token or null. */
function saslToken(c: Conn, token: Uint8Array): { reply: Uint8Array | null; error?: string } {
  if (!c.sasl) return { reply: null, error: "Unexpected SASL token: no SaslHandshake before it" };
  const step = c.sasl.step(token);
  if (step.error) {
    log(`#${c.id} SASL ${c.saslMechanism} login of ${JSON.stringify(step.user ?? "")} failed: ${step.error}`);
    return { reply: null, error: step.error };
  }
  if (step.done) {
    c.authenticated = true;
    c.saslRaw = false;
    log(`#${c.id} SASL ${c.saslMechanism} login of ${JSON.stringify(step.user ?? "")} succeeded`);
  }
  return { reply: step.reply };
}

function handleSaslAuthenticate(c: Conn, r: Request, reply: Reply): void {
  const hex = str(r.body.auth_bytes);
  const token = Uint8Array.from(Buffer.from(hex, "hex"));
  const out = saslToken(c, token);
  if (out.error) {
    reply({ error_code: c.sasl ? 58 : 34, error_message: out.error, auth_bytes: "", session_lifetime_ms: 0n });
    setImmediate(() => c.close("SASL authentication failed"));
    return;
  }
  reply({ error_code: 0, error_message: null, auth_bytes: Buffer.from(out.reply ?? new Uint8Array(0)).toString("hex"), session_lifetime_ms: 0n });
}

const coordinator = opts.groups ? new GroupCoordinator({ initialRebalanceDelayMs: opts.groupInitialDelayMs, log }) : null;
const groupHandlers = (g: GroupCoordinator): Record<number, (c: Conn, r: Request, reply: Reply) => void> => ({
  8: (c, r, reply) => g.offsetCommit(c.id, r, reply),
  9: (c, r, reply) => g.offsetFetch(c.id, r, reply),
  11: (c, r, reply) => g.joinGroup(c.id, r, reply),
  12: (c, r, reply) => g.heartbeat(c.id, r, reply),
  13: (c, r, reply) => g.leaveGroup(c.id, r, reply),
  14: (c, r, reply) => g.syncGroup(c.id, r, reply),
});

const HANDLERS: Record<number, (c: Conn, r: Request, reply: Reply) => void> = {
  ...(coordinator ? groupHandlers(coordinator) : {}),
  17: handleSaslHandshake,
  36: handleSaslAuthenticate,
  0: handleProduce,
  1: handleFetch,
  2: handleListOffsets,
  3: handleMetadata,
  10: handleFindCoordinator,
  18: handleApiVersions,
};

// ---- connections -----------------------------------------------------------------------------

let connections = 0;

function serve(socket: Socket): void {
  const id = ++connections;
  const peer = `${socket.remoteAddress}:${socket.remotePort}`;
  let buf: Buffer = Buffer.alloc(0);
  let closed = false;
  // Responses go out in request order even when a Fetch waits (Kafka answers in order per
  // connection): each request that expects a response gets a slot, filled when it is ready.
  const queue: { bytes: Uint8Array | null }[] = [];
  const write = (): void => {
    while (queue.length > 0 && queue[0]!.bytes !== null) socket.write(queue.shift()!.bytes!);
  };
  // --eof-drops: answers go out only after the next poll of the socket. libuv stops reading at a
  // partial read and delivers the EOF behind the request in the next loop iteration's poll; two
  // setImmediate hops put the write after that poll, so an EOF already waiting behind the request
  // closes the connection first and the answer is dropped, as Kafka does.
  let flushing = false;
  const flush = (): void => {
    if (!opts.eofDrops) return write();
    if (flushing) return;
    flushing = true;
    setImmediate(() => setImmediate(() => {
      flushing = false;
      if (!closed) write();
    }));
  };

  const c: Conn = {
    id,
    socket,
    peer,
    close(why, style = "fin") {
      if (closed) return;
      closed = true;
      log(`#${id} closing (${opts.tls ? "TLS close_notify, " : ""}${style === "rst" ? "RST" : "FIN"}): ${why}`);
      if (style === "rst" && opts.tls) {
        // Kafka's SslTransportLayer.close() with the request unread: close_notify, then the
        // kernel's RST for the close(2) (tls-abort.ts: node:tls alone cannot do both).
        if (!closeNotifyThenReset(socket)) socket.destroy();
      } else if (style === "rst") {
        // SO_LINGER 0 + close(2): the kernel aborts with a RST, as it does for a close(2) with
        // unread bytes in the receive buffer.
        socket.resetAndDestroy();
      } else if (opts.tls) {
        // Kafka's SslTransportLayer.close(): close_notify, flushed, then the socket closed. end()
        // writes close_notify (SSL_shutdown, written at once) and asks for the TCP shutdown; the fd
        // is closed in the next turn of the loop (FIN), so a reply arriving later draws a RST.
        socket.end();
        setImmediate(() => socket.destroy());
      } else {
        // destroy(): close(2) on the socket, as Kafka's Selector does (no half-close, no linger).
        socket.destroy();
      }
    },
  };
  log(`#${id} connection from ${peer}`);
  if (opts.idleCloseMs > 0) {
    // Kafka's Selector closes a channel with no completed read or write for connections.max.idle.ms;
    // Node's socket timeout measures the same inactivity (reads and writes).
    socket.setTimeout(opts.idleCloseMs);
    socket.on("timeout", () => c.close(`idle for ${opts.idleCloseMs} ms (connections.max.idle.ms)`, opts.idleCloseStyle));
  }

  socket.on("data", (chunk: Buffer) => {
    if (closed) return;
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    while (!closed && buf.length >= 4) {
      const size = buf.readInt32BE(0);
      if (size < 0 || size > opts.socketRequestMaxBytes) {
        // Stop reading (what arrives from now on stays unread in the kernel's buffer), then close.
        socket.pause();
        c.close(`request size ${size} > socket.request.max.bytes ${opts.socketRequestMaxBytes} (InvalidReceiveException); not reading it`, opts.refuseClose);
        return;
      }
      if (buf.length < 4 + size) return;
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset + 4, size);
      buf = buf.subarray(4 + size);
      handle(bytes, size);
    }
  });
  if (opts.eofDrops) {
    socket.on("end", () => {
      const pending = queue.length;
      c.close(`client closed (EOF)${pending > 0 ? `: ${pending} answer(s) not yet written dropped` : ""}`);
    });
  }
  socket.on("error", (e) => log(`#${id} socket error: ${e.message}`));
  socket.on("close", () => {
    closed = true;
    log(`#${id} closed`);
  });

  function handle(bytes: Uint8Array, size: number): void {
    if (c.saslRaw) {
      // KIP-43: after SaslHandshake v0, a bare token; the answer is a bare token too, and a failed
      // login is answered by closing the connection.
      const out = saslToken(c, bytes);
      if (out.error) {
        c.close("SASL authentication failed (raw token)");
        return;
      }
      const frame = Buffer.alloc(4 + (out.reply?.length ?? 0));
      frame.writeInt32BE(out.reply?.length ?? 0, 0);
      if (out.reply) frame.set(out.reply, 4);
      queue.push({ bytes: frame });
      flush();
      return;
    }
    const d = decodeRequest(bytes, 0, bytes.length);
    const h = d.header;
    if (h.api_key === undefined || h.api_version === undefined || h.correlation_id === undefined) {
      c.close(`undecodable request header (${size} bytes)`);
      return;
    }
    const name = API_BY_KEY.get(h.api_key)?.name ?? `api${h.api_key}`;
    log(`#${id} <- ${name} v${h.api_version} corr ${h.correlation_id} client ${JSON.stringify(h.client_id)} (${size} bytes)`);
    if (opts.sasl.length > 0 && !c.authenticated && h.api_key !== 18 && h.api_key !== 17 && h.api_key !== 36) {
      c.close(`${name} before SASL authentication (ILLEGAL_SASL_STATE)`);
      return;
    }
    const handler = HANDLERS[h.api_key];
    if (!handler || (h.api_key !== 18 && !supported(h.api_key, h.api_version))) {
      c.close(`${name} v${h.api_version} not supported`);
      return;
    }
    if (!d.ok && h.api_key !== 18) {
      c.close(`cannot decode ${name} v${h.api_version}: ${d.error?.code} at ${d.error?.path}`);
      return;
    }
    // acks=0 Produce expects no response: no slot, so later responses are not held back.
    const expectsResponse = !(h.api_key === 0 && num(d.body.acks) === 0);
    const slot = { bytes: null as Uint8Array | null };
    if (expectsResponse) queue.push(slot);
    const apiKey = h.api_key;
    const correlationId = h.correlation_id;
    const reply: Reply = (body, version = h.api_version!) => {
      if (closed || slot.bytes !== null || !expectsResponse) return;
      slot.bytes = encodeResponse(apiKey, version, correlationId, body);
      flush();
    };
    const req = { apiKey, version: h.api_version, correlationId, clientId: h.client_id, body: d.body, bytes, size };
    const delay = opts.delayMs.get(apiKey) ?? 0;
    if (delay > 0) {
      // --delay-ms: a slow broker; the request is handled (and answered) only after the delay.
      log(`#${id} delaying ${name} corr ${correlationId} by ${delay} ms`);
      setTimeout(() => { if (!closed) handler(c, req, reply); }, delay);
    } else handler(c, req, reply);
  }
}

const tlsOptions = opts.tls ? { cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) } : null;
const handshakeFailed = (e: Error, peer: string): void => log(`TLS handshake with ${peer} failed: ${e.message}`);
// Closes with a RST over TLS need the resettable listener (close_notify, then RST); the others
// keep node:tls's own.
const server = !tlsOptions
  ? createServer(serve)
  : opts.refuseClose === "rst" || opts.idleCloseStyle === "rst"
    ? createResettableTlsServer(tlsOptions, serve, handshakeFailed)
    : createTlsServer(tlsOptions, serve).on("tlsClientError", (e, s) => handshakeFailed(e, `${s.remoteAddress}:${s.remotePort}`));
server.listen(opts.port, opts.host, () => {
  log(
    `listening on ${opts.host}:${opts.port}${opts.tls ? " (TLS)" : ""} (advertised ${opts.advertisedHost}), ${opts.partitions} partition(s) per topic, ` +
      `message.max.bytes ${opts.messageMaxBytes}, socket.request.max.bytes ${opts.socketRequestMaxBytes}` +
      `${[...opts.topicMaxBytes].map(([t, n]) => `, ${t} max.message.bytes ${n}`).join("")}` +
      `${opts.idleCloseMs > 0 ? `, connections.max.idle.ms ${opts.idleCloseMs} (${opts.idleCloseStyle})` : ""}` +
      `${opts.groups ? `, group coordinator (group.initial.rebalance.delay.ms ${opts.groupInitialDelayMs})` : ""}` +
      `, refusals close with ${opts.refuseClose}; ` +
      `APIs ${ADVERTISED.map((a) => `${API_BY_KEY.get(a.api_key)!.name} v${a.min_version}-${a.max_version}`).join(", ")}`,
  );
});
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    server.close();
    process.exit(0);
  });
}
