/**
 * Kafka message decoding from the generated table: headers (hand-written version rules, table
 * fields), bodies (compiled readers, cached per api/version/kind), and version fitting for
 * responses whose request was not captured.
 *
 * Nothing here throws on bad bytes: every entry point returns a result with `ok`, the value
 * decoded so far, where decoding stopped and how many bytes were left unread.
 */
import { APIS, REQUEST_HEADER, RESPONSE_HEADER } from "../generated/protocol.js";
import { inRange, type ApiDef, type MessageDef } from "./table.js";
import { DecodeFail, Reader, type DecodeErrorCode } from "./reader.js";
import { compileStruct, makeCtx, type KafkaObject, type KeepField, type ReadOptions, type StructReader } from "./compile.js";

export type { DecodeErrorCode } from "./reader.js";
export type { KafkaObject, KafkaValue, KeepField, ReadOptions, RecordsHook, Span, SpanTable, UnknownTag } from "./compile.js";
export { UNKNOWN_TAGS, recordsRef } from "./compile.js";

export type Kind = "request" | "response";

export interface DecodeError {
  code: DecodeErrorCode;
  /** Offset into the buffer given to the reader. */
  offset: number;
  /** Field path, e.g. "topics[0].partitions[1].error_code"; "" for the message itself. */
  path: string;
}

export interface DecodeResult {
  ok: boolean;
  /** Present when ok is false. */
  error?: DecodeError;
  /** Everything decoded (up to the failure when ok is false). */
  value: KafkaObject;
  /** Offset where decoding stopped. */
  end: number;
  /** Bytes between `end` and the limit that no field consumed. */
  trailing: number;
}

/** Decodes one body from `bytes[start, end)`; offsets in the result refer to `bytes`. */
export type BodyReader = (bytes: Uint8Array, start?: number, end?: number, options?: ReadOptions) => DecodeResult;

const BY_KEY = new Map<number, ApiDef>(APIS.map((a) => [a.key, a]));

export function apiDef(apiKey: number): ApiDef | undefined {
  return BY_KEY.get(apiKey);
}

export function apiName(apiKey: number): string | undefined {
  return BY_KEY.get(apiKey)?.name;
}

export function isValidVersion(apiKey: number, version: number): boolean {
  const a = BY_KEY.get(apiKey);
  return a !== undefined && inRange(a.valid, version);
}

export function isFlexible(apiKey: number, version: number): boolean {
  const a = BY_KEY.get(apiKey);
  return a !== undefined && a.flex !== null && version >= a.flex;
}

function pathString(path: readonly (string | number)[]): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s === "" ? p : `.${p}`;
  return s;
}

/** Runs a compiled struct reader and folds a DecodeFail into a result. */
function run(fill: StructReader, bytes: Uint8Array, start: number, end: number, options?: ReadOptions): DecodeResult {
  const limit = Math.min(end, bytes.length);
  const r = new Reader(bytes, start, limit);
  const value: KafkaObject = {};
  try {
    fill(r, makeCtx(options), 0, value);
  } catch (e) {
    if (!(e instanceof DecodeFail)) throw e; // a bug in the interpreter, not bad bytes
    return {
      ok: false,
      error: { code: e.code, offset: e.offset, path: pathString(e.path) },
      value,
      end: e.offset,
      trailing: limit - e.offset,
    };
  }
  return { ok: true, value, end: r.pos, trailing: limit - r.pos };
}

function failing(code: DecodeErrorCode): BodyReader {
  return (bytes, start = 0, end = bytes.length) => ({
    ok: false,
    error: { code, offset: start, path: "" },
    value: {},
    end: start,
    trailing: Math.min(end, bytes.length) - start,
  });
}

const UNKNOWN_API = failing("unknown_api");
const UNKNOWN_VERSION = failing("unknown_version");

/** Compiled readers; only valid (api, version, kind) triples enter, so its size is bounded by the table. */
const cache = new Map<number, BodyReader>();
/** The same for each field selector (ReadOptions.keep): a handful of selectors, each bounded as above. */
const keptCaches = new WeakMap<KeepField, Map<number, BodyReader>>();

/** Number of compiled body readers held (for tests and benchmarks). */
export function compiledReaderCount(): number {
  return cache.size;
}

/**
 * The body reader for one API version, compiled from the table on first use and cached. An
 * unknown API key or version gives a reader that reports "unknown_api"/"unknown_version".
 */
export function compileReader(apiKey: number, version: number, kind: Kind, keep?: KeepField): BodyReader {
  const id = ((apiKey & 0xffff) * 0x10000 + (version & 0xffff)) * 2 + (kind === "request" ? 0 : 1);
  let readers = cache;
  if (keep) {
    let kept = keptCaches.get(keep);
    if (!kept) keptCaches.set(keep, (kept = new Map()));
    readers = kept;
  }
  let reader = readers.get(id);
  if (reader) return reader;
  const api = BY_KEY.get(apiKey);
  // Unknown keys/versions come from the wire: answering them must not grow the cache.
  if (!api) return UNKNOWN_API;
  if (!inRange(api.valid, version)) return UNKNOWN_VERSION;
  const flexible = api.flex !== null && version >= api.flex;
  const { fill } = compileStruct(kind === "request" ? api.req : api.res, version, flexible, keep);
  reader = (bytes, start = 0, end = bytes.length, options) => run(fill, bytes, start, end, options);
  readers.set(id, reader);
  return reader;
}

// ---- headers ---------------------------------------------------------------------------------

/**
 * Request header version for an API version: flexible versions use v2, others v1, except
 * ControlledShutdown v0 which predates client_id (v0). null when the API/version is unknown.
 */
export function requestHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 | 2 | null {
  if (!isValidVersion(apiKey, apiVersion)) return null;
  if (apiKey === 7 && apiVersion === 0) return 0;
  return isFlexible(apiKey, apiVersion) ? 2 : 1;
}

/**
 * Response header version: v1 (with tagged fields) for flexible versions, else v0. ApiVersions
 * (18) always answers with v0 so that a client can parse the reply to any version it asked for.
 */
export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 | null {
  if (!isValidVersion(apiKey, apiVersion)) return null;
  if (apiKey === 18) return 0;
  return isFlexible(apiKey, apiVersion) ? 1 : 0;
}

const headerReaders = new Map<string, StructReader>();
function headerReader(def: MessageDef, which: string, version: number): StructReader {
  const id = `${which}${version}`;
  let f = headerReaders.get(id);
  if (!f) {
    f = compileStruct(def.fields, version, def.flex !== null && version >= def.flex).fill;
    headerReaders.set(id, f);
  }
  return f;
}

export interface RequestHeader {
  api_key: number;
  api_version: number;
  correlation_id: number;
  /** Absent in header v0; null when the client sent a null id. */
  client_id?: string | null;
  header_version: 0 | 1 | 2;
  /** Tagged fields of header v2, when any. */
  tagged?: KafkaObject;
}

export interface HeaderResult<H> {
  ok: boolean;
  error?: DecodeError;
  /** Whatever was decoded; complete when ok. */
  header: Partial<H>;
  /** Offset of the body (where the header ended). */
  end: number;
}

/**
 * Decodes a request header from `bytes[start, end)` (the bytes after the int32 size). For an API
 * or version the table does not know, it still decodes a v1 header — every request since Kafka
 * 0.8 starts that way — and reports unknown_api/unknown_version, so the PDU can still be paired.
 */
export function decodeRequestHeader(bytes: Uint8Array, start = 0, end = bytes.length): HeaderResult<RequestHeader> {
  const limit = Math.min(end, bytes.length);
  if (limit - start < 4) {
    return { ok: false, error: { code: "short", offset: start, path: "request_api_key" }, header: {}, end: start };
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const apiKey = dv.getInt16(start);
  const apiVersion = dv.getInt16(start + 2);
  const hv = requestHeaderVersion(apiKey, apiVersion);
  const res = run(headerReader(REQUEST_HEADER, "req", hv ?? 1), bytes, start, limit);
  const v = res.value;
  const header: Partial<RequestHeader> = {};
  if (typeof v.request_api_key === "number") header.api_key = v.request_api_key;
  if (typeof v.request_api_version === "number") header.api_version = v.request_api_version;
  if (typeof v.correlation_id === "number") header.correlation_id = v.correlation_id;
  if ("client_id" in v) header.client_id = v.client_id as string | null;
  header.header_version = hv ?? 1;
  const tagged = v._unknown_tags;
  if (tagged !== undefined) header.tagged = { _unknown_tags: tagged };
  if (!res.ok) return { ok: false, error: res.error!, header, end: res.end };
  if (hv === null) {
    const code: DecodeErrorCode = BY_KEY.has(apiKey) ? "unknown_version" : "unknown_api";
    return { ok: false, error: { code, offset: start, path: code === "unknown_api" ? "api_key" : "api_version" }, header, end: res.end };
  }
  return { ok: true, header, end: res.end };
}

export interface ResponseHeader {
  correlation_id: number;
  header_version: 0 | 1;
  tagged?: KafkaObject;
}

export function decodeResponseHeader(bytes: Uint8Array, headerVersion: 0 | 1, start = 0, end = bytes.length): HeaderResult<ResponseHeader> {
  const res = run(headerReader(RESPONSE_HEADER, "res", headerVersion), bytes, start, end);
  const header: Partial<ResponseHeader> = { header_version: headerVersion };
  if (typeof res.value.correlation_id === "number") header.correlation_id = res.value.correlation_id;
  if (res.value._unknown_tags !== undefined) header.tagged = { _unknown_tags: res.value._unknown_tags };
  return res.ok ? { ok: true, header, end: res.end } : { ok: false, error: res.error!, header, end: res.end };
}

// ---- whole messages --------------------------------------------------------------------------

export interface MessageResult<H> {
  ok: boolean;
  error?: DecodeError;
  header: Partial<H>;
  /** The body decoded so far (empty when the header failed). */
  body: KafkaObject;
  /** Offset of the body's first byte. */
  bodyOffset: number;
  end: number;
  trailing: number;
}

/** A request PDU without its int32 size prefix: header, then the body the header announces. */
export function decodeRequest(bytes: Uint8Array, start = 0, end = bytes.length, options?: ReadOptions): MessageResult<RequestHeader> {
  const limit = Math.min(end, bytes.length);
  const h = decodeRequestHeader(bytes, start, limit);
  if (!h.ok) return { ok: false, error: h.error!, header: h.header, body: {}, bodyOffset: h.end, end: h.end, trailing: limit - h.end };
  const b = compileReader(h.header.api_key!, h.header.api_version!, "request", options?.keep)(bytes, h.end, limit, options);
  return messageResult(b, h.header, h.end);
}

/** A response PDU without its size prefix, given the API key and version of its request. */
export function decodeResponse(
  bytes: Uint8Array,
  apiKey: number,
  apiVersion: number,
  start = 0,
  end = bytes.length,
  options?: ReadOptions,
): MessageResult<ResponseHeader> {
  const limit = Math.min(end, bytes.length);
  const hv = responseHeaderVersion(apiKey, apiVersion);
  if (hv === null) {
    // Still read the correlation id: pairing and reports need it even for an unknown API.
    const h = decodeResponseHeader(bytes, 0, start, limit);
    const code: DecodeErrorCode = BY_KEY.has(apiKey) ? "unknown_version" : "unknown_api";
    return { ok: false, error: { code, offset: start, path: "" }, header: h.header, body: {}, bodyOffset: h.end, end: h.end, trailing: limit - h.end };
  }
  const h = decodeResponseHeader(bytes, hv, start, limit);
  if (!h.ok) return { ok: false, error: h.error!, header: h.header, body: {}, bodyOffset: h.end, end: h.end, trailing: limit - h.end };
  const b = compileReader(apiKey, apiVersion, "response", options?.keep)(bytes, h.end, limit, options);
  return messageResult(b, h.header, h.end);
}

/** A message's result from its body's (an object spread here cost as much as the header's decode). */
function messageResult<H>(b: DecodeResult, header: Partial<H>, bodyOffset: number): MessageResult<H> {
  if (b.error) return { ok: b.ok, error: b.error, header, body: b.value, bodyOffset, end: b.end, trailing: b.trailing };
  return { ok: b.ok, header, body: b.value, bodyOffset, end: b.end, trailing: b.trailing };
}

// ---- version fitting -------------------------------------------------------------------------

/**
 * Versions of `apiKey` whose `kind` layout consumes `body[start, end)` exactly: no error, no
 * trailing bytes. Ascending. Used for orphan responses; several fits mean lower confidence.
 */
export function fitVersions(apiKey: number, kind: Kind, body: Uint8Array, start = 0, end = body.length): number[] {
  const api = BY_KEY.get(apiKey);
  if (!api) return [];
  const out: number[] = [];
  for (let v = api.valid[0]; v <= api.valid[1]; v++) {
    const r = compileReader(apiKey, v, kind)(body, start, end);
    if (r.ok && r.trailing === 0) out.push(v);
  }
  return out;
}

/**
 * Like fitVersions for a whole response PDU (after the size prefix): for each candidate version
 * the matching response header (v0 or v1) is stripped first.
 */
export function fitResponseVersions(apiKey: number, pdu: Uint8Array, start = 0, end = pdu.length): number[] {
  const api = BY_KEY.get(apiKey);
  if (!api) return [];
  const out: number[] = [];
  for (let v = api.valid[0]; v <= api.valid[1]; v++) {
    const r = decodeResponse(pdu, apiKey, v, start, end);
    if (r.ok && r.trailing === 0) out.push(v);
  }
  return out;
}
