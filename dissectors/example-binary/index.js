// An example dissector plugin for kdiag: BinKV, a binary length-prefixed key-value protocol with
// requests and responses paired by a correlation id (the shape of Kafka, Cassandra's CQL, memcached's
// binary protocol). Plain JavaScript: copy it, change it, load it with
// `kdiag --plugin ./my-plugin.js packets capture.pcap`. Walkthrough: docs/plugins.md ("The binary
// example"); the types are in `kdiag/plugin` (src/plugins/api.ts); a server and a client that
// speak it: scripts/fixtures/binkv.py.
//
// Every message, big-endian:
//   0  uint32  length          bytes after this field (at most MAX_BODY)
//   4  uint8   kind            0 request, 1 response
//   5  uint8   opcode          1 GET, 2 PUT, 3 DELETE, 4 MGET, 5 PING
//   6  uint32  correlation id  chosen by the client, echoed by the server
//  10  uint16  status          responses only: 0 OK, 1 NOT_FOUND, 2.. errors (STATUS below)
//  then the body:
//   request GET, DELETE   uint16 key length, key
//   request PUT           uint16 key length, key, uint32 value length, value
//   request MGET          uint16 count, then count x (uint16 key length, key)
//   response GET (OK)     uint32 value length, value
//   response MGET (OK)    uint16 count, then count x (uint32 value length or 0xffffffff, value)
//   response, status >= 2 uint16 message length, message (UTF-8)

/** The protocol's own limit on a message body: a longer length field is not BinKV (or corrupt). */
const MAX_BODY = 1024 * 1024;
/** The shortest body: kind, opcode and correlation id. */
const MIN_BODY = 6;
const OPCODE = { 1: "GET", 2: "PUT", 3: "DELETE", 4: "MGET", 5: "PING" };
const STATUS = { 0: "OK", 1: "NOT_FOUND", 2: "BAD_REQUEST", 3: "VALUE_TOO_LARGE", 4: "SERVER_BUSY", 5: "INTERNAL_ERROR" };
/** Statuses from here on are errors (NOT_FOUND is an answer, not a failure). */
const FIRST_ERROR_STATUS = 2;

/**
 * The heuristic: a plausible length, a kind, a known opcode. "client" when the first bytes are a
 * request (so kdiag knows which side is the client even when the capture missed the handshake).
 * @param {Uint8Array} head @returns {"yes" | "client" | "no" | "more"}
 */
function detect(head) {
  if (head.length < 6) return "more";
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const length = view.getUint32(0);
  const kind = head[4];
  if (length < MIN_BODY || length > MAX_BODY || kind > 1 || !(head[5] in OPCODE)) return "no";
  return kind === 0 ? "client" : "yes";
}

/**
 * Framing: kdiag gathers whole messages. A length no message can have is not resynchronised
 * over: the plugin asks for the 4-byte length field alone, so that pdu() can report it and give up.
 * @param {Uint8Array} head
 */
function pduLength(head) {
  const length = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0);
  return length > MAX_BODY || length < MIN_BODY ? 4 : length + 4;
}

/** Reads one message's fields, with the place of each in the message (PDU-relative offsets). */
class Reader {
  /** @param {Uint8Array} bytes */
  constructor(bytes) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
  }
  need(n, what) {
    if (this.pos + n > this.bytes.length) throw new Error(`${what} runs past the end of the message (offset ${this.pos})`);
  }
  u8(what) { this.need(1, what); return this.view.getUint8(this.pos++); }
  u16(what) { this.need(2, what); const v = this.view.getUint16(this.pos); this.pos += 2; return v; }
  u32(what) { this.need(4, what); const v = this.view.getUint32(this.pos); this.pos += 4; return v; }
  /** Text of `n` bytes: decoding copies it, so it outlives the call (the bytes do not). */
  text(n, what) {
    this.need(n, what);
    const s = new TextDecoder("utf-8", { fatal: false }).decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
}

/**
 * Decodes one whole message: its fields (for filters and rules), a one-line summary, and the tree
 * nodes with PDU-relative offsets (the hex pane highlights each field's bytes). Throws when the
 * bytes do not parse as the layout above says.
 * @param {Uint8Array} bytes
 */
function decode(bytes) {
  const r = new Reader(bytes);
  const tree = [];
  const node = (label, offset, length) => tree.push({ label, offset, length });
  const length = r.u32("length");
  node(`Length: ${length} bytes`, 0, 4);
  const kind = r.u8("kind");
  if (kind > 1) throw new Error(`kind ${kind} is neither request (0) nor response (1)`);
  node(`Kind: ${kind} (${kind === 0 ? "request" : "response"})`, 4, 1);
  const opcode = r.u8("opcode");
  node(`Opcode: ${opcode} (${OPCODE[opcode] ?? "unknown"})`, 5, 1);
  const correlationId = r.u32("correlation id");
  node(`Correlation id: 0x${correlationId.toString(16)}`, 6, 4);
  /** @type {Record<string, import("kdiag/plugin").FieldValue>} */
  const fields = {
    "binkv.length": length,
    "binkv.kind": kind,
    "binkv.opcode": opcode,
    "binkv.correlation_id": correlationId,
    "binkv.key": [],
    "binkv.value_length": [],
  };
  const keys = /** @type {string[]} */ (fields["binkv.key"]);
  const valueLengths = /** @type {number[]} */ (fields["binkv.value_length"]);
  const name = OPCODE[opcode] ?? `opcode ${opcode}`;
  const key = () => {
    const start = r.pos;
    const k = r.text(r.u16("key length"), "key");
    node(`Key: ${JSON.stringify(k)}`, start, r.pos - start);
    keys.push(k);
  };
  const value = (optional) => {
    const start = r.pos;
    const n = r.u32("value length");
    if (optional && n === 0xffffffff) return node("Value: (missing)", start, 4);
    r.need(n, "value");
    r.pos += n;
    node(`Value: ${n} bytes`, start, 4 + n);
    valueLengths.push(n);
  };

  if (kind === 0) {
    if (opcode === 1 || opcode === 3) key();
    else if (opcode === 2) {
      key();
      value(false);
    } else if (opcode === 4) {
      const count = r.u16("key count");
      node(`Keys: ${count}`, r.pos - 2, 2);
      for (let i = 0; i < count; i++) key();
    }
    return { fields, tree, summary: `${name} request #${correlationId}${keys.map((k) => ` ${k || "\"\""}`).join("")}` };
  }

  const status = r.u16("status");
  fields["binkv.status"] = status;
  node(`Status: ${status} (${STATUS[status] ?? "unknown"})`, 10, 2);
  let detail = "";
  if (status >= FIRST_ERROR_STATUS) {
    const start = r.pos;
    const message = r.text(r.u16("message length"), "message");
    node(`Message: ${JSON.stringify(message)}`, start, r.pos - start);
    fields["binkv.error"] = status;
    fields["binkv.error_message"] = message;
    detail = ` ${message}`;
  } else if (status === 0 && opcode === 1) value(false);
  else if (status === 0 && opcode === 4) {
    const count = r.u16("value count");
    node(`Values: ${count}`, r.pos - 2, 2);
    for (let i = 0; i < count; i++) value(true);
  }
  const sizes = valueLengths.length ? ` ${valueLengths.map((n) => `${n}B`).join(" ")}` : "";
  return { fields, tree, summary: `${name} response #${correlationId} ${STATUS[status] ?? `status ${status}`}${detail}${sizes}` };
}

/** @param {import("kdiag/plugin").StreamContext} ctx */
function open(ctx) {
  /** Requests waiting for their response, by correlation id (responses may come in any order). */
  const waiting = new Map();
  /**
   * One side of an exchange. `streamOffset` tells apart pipelined messages that share packets.
   * @param {import("kdiag/plugin").PacketRef} ref @param {number} length
   */
  const side = (ref, length) => ({ first: ref.first, last: ref.last, tsUs: ref.tsUs, length, streamOffset: ref.streamOffset });

  return {
    /** One whole message, framed by kdiag from the length field (see `framing`). */
    pdu(dir, bytes, at, wireLength) {
      if (wireLength === 4) {
        // pduLength() asked for the length field alone: no message can have that length.
        const length = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
        const why = length > MAX_BODY ? `length field ${length} is absurd (the protocol allows ${MAX_BODY})` : `length field ${length} is shorter than a header (${MIN_BODY})`;
        ctx.emit({
          dir, ref: at, length: 4, summary: `Length ${length}: not a BinKV message`, malformed: why,
          fields: { "binkv.length": length, "binkv.key": [], "binkv.value_length": [] },
          ...(ctx.detail ? { tree: [{ label: `Length: ${length} bytes (over ${MAX_BODY})`, offset: 0, length: 4 }] } : {}),
        });
        ctx.note("error", at.last, `BinKV ${why}`);
        // Nothing after it can be framed: throwing gives the connection up and marks it malformed.
        throw new Error(why);
      }
      if (bytes.length < wireLength) {
        // Only the head was kept or captured (a gap, or the stream ended inside the message).
        ctx.emit({ dir, ref: at, length: wireLength, summary: `BinKV message cut after ${bytes.length} of ${wireLength} bytes`, fields: { "binkv.key": [], "binkv.value_length": [] }, malformed: "message not captured whole" });
        return;
      }
      const m = decode(bytes);
      ctx.emit({ dir, ref: at, length: wireLength, summary: m.summary, fields: m.fields, ...(ctx.detail ? { tree: m.tree } : {}) });
      const id = m.fields["binkv.correlation_id"];
      if (m.fields["binkv.kind"] === 0) {
        waiting.set(id, { ref: at, length: wireLength, fields: m.fields, summary: m.summary });
        return;
      }
      const status = /** @type {number} */ (m.fields["binkv.status"]);
      if (status >= FIRST_ERROR_STATUS) ctx.note("warning", at.last, `BinKV error status ${STATUS[status] ?? status}: ${m.fields["binkv.error_message"]}`);
      const req = waiting.get(id);
      if (!req) {
        ctx.note("warning", at.last, `BinKV response #${id} matches no request waiting`);
        ctx.exchange({ request: null, response: side(at, wireLength), status: "orphan-response", confidence: "likely", summary: m.summary, fields: m.fields });
        return;
      }
      waiting.delete(id);
      ctx.exchange({
        request: side(req.ref, req.length),
        response: side(at, wireLength),
        status: "answered",
        confidence: "certain",
        // The status first: the TUI's exchanges pane shows as much of this line as fits.
        summary: `${OPCODE[m.fields["binkv.opcode"]] ?? "?"} #${id} ${STATUS[status] ?? status}${req.fields["binkv.key"].map((k) => ` ${k || "\"\""}`).join("")}`,
        // The request's keys and the response's status together; the time from the packets' `at`.
        fields: {
          ...req.fields,
          ...m.fields,
          "binkv.key": req.fields["binkv.key"],
          "binkv.value_length": [...req.fields["binkv.value_length"], ...m.fields["binkv.value_length"]],
          "binkv.response_time": (at.tsUs - req.ref.tsUs) / 1000,
        },
      });
    },
    /** Bytes never captured: kdiag's framer resynchronises; requests before the hole stay waiting. */
    gap() {},
    /** Whatever is still waiting was never answered (the server reset, or the capture ended). */
    close() {
      for (const req of waiting.values()) {
        ctx.exchange({ request: side(req.ref, req.length), response: null, status: "unanswered", confidence: "certain", summary: `${req.summary} (no response)`, fields: req.fields });
      }
      waiting.clear();
    },
  };
}

/** @type {import("kdiag/plugin").DissectorPlugin} */
export default {
  apiVersion: 1,
  name: "binkv",
  label: "BinKV",
  messages: { c2s: "request", s2c: "response" },
  description: "Example: BinKV, a binary length-prefixed key-value protocol (requests and responses by correlation id)",
  layer: "stream",
  ports: [7070],
  detect,
  framing: { headerLength: 4, pduLength, maxPduLength: MAX_BODY + 4 },
  fields: [
    { name: "binkv.length", type: "uint", unit: "bytes", description: "Length field: bytes of the message after it" },
    { name: "binkv.kind", type: "uint", values: { 0: "request", 1: "response" }, description: "Request (0) or response (1)" },
    { name: "binkv.opcode", type: "uint", values: OPCODE, exchange: "operation", description: "Operation: GET, PUT, DELETE, MGET, PING" },
    { name: "binkv.correlation_id", type: "uint", display: "hex", description: "Chosen by the client, echoed by the server's response" },
    { name: "binkv.status", type: "uint", values: STATUS, description: "Response status: OK, NOT_FOUND, or an error (2 and up)" },
    { name: "binkv.error", type: "uint", values: STATUS, exchange: "error", description: "The status of a response that is an error (2 and up); absent with OK and NOT_FOUND" },
    { name: "binkv.error_message", type: "string", description: "The server's text with an error status" },
    { name: "binkv.key", type: "string", repeated: true, description: "Keys of the request (one, or several for MGET)" },
    { name: "binkv.value_length", type: "uint", repeated: true, unit: "bytes", description: "Length of each value carried (PUT request, GET and MGET responses)" },
    { name: "binkv.response_time", type: "double", unit: "ms", display: "ms", description: "Request to response, from the packets' capture times (exchanges)" },
  ],
  expert: [
    { name: "binkv.error_status", severity: "warning", description: "The server answered with an error status (BAD_REQUEST, VALUE_TOO_LARGE, SERVER_BUSY, INTERNAL_ERROR)" },
    { name: "binkv.orphan_response", severity: "warning", description: "A response whose correlation id matches no request waiting" },
    { name: "binkv.length_absurd", severity: "error", description: "A length field over the protocol's 1 MiB limit: the connection is given up and marked malformed" },
  ],
  open,
};
