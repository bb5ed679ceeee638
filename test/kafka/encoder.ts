/**
 * Test-only Kafka encoder driven by the same generated table as the interpreter.
 *
 * `sample()` builds a deterministic value for every field of a layout at a version (variants:
 * "full" = everything present, tagged fields and an unknown tag included; "nulls" = nulls where
 * nullable, tagged fields left out, short arrays). `encode()` writes it the way Kafka does and
 * returns the bytes plus the value the decoder should give back (records become {offset,length}).
 * Written independently of dissectors/kafka/schema/compile.ts: it shares only the table.
 */
import { inRange, type FieldDef, type Primitive } from "../../dissectors/kafka/schema/table.js";

export type Variant = "full" | "nulls";
type Value = null | boolean | number | bigint | string | Value[] | { [k: string]: Value };
type Obj = { [k: string]: Value };

export class Writer {
  private buf = new Uint8Array(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
  raw(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  private dv(n: number): DataView {
    this.room(n);
    const dv = new DataView(this.buf.buffer, this.length, n);
    this.length += n;
    return dv;
  }
  /** Low byte of v: accepts -128..255, so varint bytes (>= 0x80) go through here too. */
  int8(v: number): void { this.dv(1).setUint8(0, v & 0xff); }
  int16(v: number): void { this.dv(2).setInt16(0, v); }
  uint16(v: number): void { this.dv(2).setUint16(0, v); }
  int32(v: number): void { this.dv(4).setInt32(0, v); }
  int64(v: bigint): void { this.dv(8).setBigInt64(0, v); }
  float64(v: number): void { this.dv(8).setFloat64(0, v); }
  uvarint(v: number): void {
    while (v >= 0x80) {
      this.int8((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    this.int8(v);
  }
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

// ---- sample values ---------------------------------------------------------------------------

/** Deterministic counter so every field gets a distinct, reproducible value. */
class Seq {
  n = 0;
  next(): number {
    return ++this.n;
  }
}

function samplePrimitive(t: Primitive, key: string, seq: Seq, variant: Variant): Value {
  const i = seq.next();
  switch (t) {
    case "bool": return i % 2 === 0;
    case "int8": return (i % 2 ? -1 : 1) * (i % 100);
    case "int16": return i % 3 === 0 ? -1 : 300 + i;
    case "uint16": return 65000 + (i % 500);
    case "int32": return i % 4 === 0 ? -1 : 100000 + i;
    case "int64": return i % 5 === 0 ? -1n : 1_700_000_000_000n + BigInt(i) * 4_294_967_311n;
    case "float64": return i + 0.25;
    case "uuid": {
      const h = (i * 2654435761 >>> 0).toString(16).padStart(8, "0");
      return `${h}-0000-4000-8000-${h}${(i % 65536).toString(16).padStart(4, "0")}`;
    }
    // One non-ASCII name per message exercises the UTF-8 path.
    case "string": return variant === "nulls" && key === "name" ? `tópïc-${i}` : `${key.replace(/_/g, "-")}-${String.fromCharCode(97 + (i % 26))}`;
    case "bytes": return i % 2 ? "0102ab" : "";
    case "records": return "00112233445566778899";
  }
}

const UNKNOWN_TAG = 4000;

/** A sample object for `fields` at `version`. `depth` shortens arrays in nested structs. */
export function sample(fields: readonly FieldDef[], version: number, flexible: boolean, variant: Variant, seq = new Seq(), depth = 0): Obj {
  const o: Obj = {};
  for (const f of fields) {
    if (!inRange(f.v, version)) continue;
    const tagged = flexible && inRange(f.tv, version);
    if (tagged && variant === "nulls") continue;
    if (variant === "nulls" && inRange(f.nv, version)) {
      o[f.k] = null;
      continue;
    }
    const count = variant === "full" && depth === 0 ? 2 : 1;
    if (f.t === "struct") o[f.k] = sample(f.f!, version, flexible, variant, seq, depth + 1);
    else if (f.t === "[]struct") o[f.k] = Array.from({ length: count }, () => sample(f.f!, version, flexible, variant, seq, depth + 1));
    else if (f.t.startsWith("[]")) o[f.k] = Array.from({ length: count }, () => samplePrimitive(f.t.slice(2) as Primitive, f.k, seq, variant));
    else o[f.k] = samplePrimitive(f.t as Primitive, f.k, seq, variant);
  }
  if (flexible && variant === "full" && depth === 0) o._unknown_tags = [{ tag: UNKNOWN_TAG, length: 3, hex: "c0ffee" }];
  return o;
}

// ---- encoding --------------------------------------------------------------------------------

function writeLength(w: Writer, n: number, compact: boolean, wide: boolean): void {
  if (compact) w.uvarint(n + 1);
  else if (wide) w.int32(n);
  else w.int16(n);
}

/** Writes one primitive; returns the expected decoded value (records become a reference). */
function writePrimitive(w: Writer, t: Primitive, v: Value, compact: boolean): Value {
  switch (t) {
    case "bool": w.int8(v ? 1 : 0); return v;
    case "int8": w.int8(v as number); return v;
    case "int16": w.int16(v as number); return v;
    case "uint16": w.uint16(v as number); return v;
    case "int32": w.int32(v as number); return v;
    case "int64": w.int64(v as bigint); return v;
    case "float64": w.float64(v as number); return v;
    case "uuid": w.raw(hexToBytes((v as string).replace(/-/g, ""))); return v;
    case "string": {
      if (v === null) { writeLength(w, -1, compact, false); return null; }
      const b = new TextEncoder().encode(v as string);
      writeLength(w, b.length, compact, false);
      w.raw(b);
      return v;
    }
    case "bytes":
    case "records": {
      if (v === null) { writeLength(w, -1, compact, true); return null; }
      const b = hexToBytes(v as string);
      writeLength(w, b.length, compact, true);
      const offset = w.length;
      w.raw(b);
      return t === "records" ? { offset, length: b.length } : v;
    }
  }
}

function writeField(w: Writer, f: FieldDef, v: Value, version: number, flexible: boolean): Value {
  const compact = f.fv !== undefined ? inRange(f.fv, version) : flexible;
  if (f.t === "struct") {
    if (inRange(f.nv, version)) {
      w.int8(v === null ? -1 : 1);
      if (v === null) return null;
    }
    return writeStruct(w, f.f!, v as Obj, version, flexible);
  }
  if (f.t.startsWith("[]")) {
    if (v === null) { writeLength(w, -1, compact, true); return null; }
    const arr = v as Value[];
    writeLength(w, arr.length, compact, true);
    return arr.map((e) => (f.t === "[]struct" ? writeStruct(w, f.f!, e as Obj, version, flexible) : writePrimitive(w, f.t.slice(2) as Primitive, e, compact)));
  }
  return writePrimitive(w, f.t as Primitive, v, compact);
}

/** Encodes `value` as the struct `fields` at `version`, appending to `w`; returns the expected decode. */
export function writeStruct(w: Writer, fields: readonly FieldDef[], value: Obj, version: number, flexible: boolean): Obj {
  const expected: Obj = {};
  const tagged: { tag: number; key: string; bytes: Uint8Array; expect: Value }[] = [];
  for (const f of fields) {
    if (!inRange(f.v, version)) continue;
    if (flexible && inRange(f.tv, version)) {
      if (!(f.k in value)) continue;
      // A tagged value is encoded on its own; its offsets (records) would be relative to that
      // scratch buffer, so tagged records are not supported (Kafka has none).
      const sub = new Writer();
      const expect = writeField(sub, f, value[f.k]!, version, flexible);
      tagged.push({ tag: f.tag!, key: f.k, bytes: sub.bytes(), expect });
      continue;
    }
    if (!(f.k in value)) throw new Error(`sample lacks ${f.k}`);
    expected[f.k] = writeField(w, f, value[f.k]!, version, flexible);
  }
  if (flexible) {
    const unknown = (value._unknown_tags ?? []) as { tag: number; length: number; hex: string }[];
    const all = [
      ...tagged.map((t) => ({ tag: t.tag, bytes: t.bytes })),
      ...unknown.map((u) => ({ tag: u.tag, bytes: hexToBytes(u.hex) })),
    ].sort((a, b) => a.tag - b.tag);
    w.uvarint(all.length);
    for (const t of all) {
      w.uvarint(t.tag);
      w.uvarint(t.bytes.length);
      w.raw(t.bytes);
    }
    for (const t of tagged) expected[t.key] = t.expect;
    if (unknown.length > 0) expected._unknown_tags = unknown;
  }
  return expected;
}

export function encode(fields: readonly FieldDef[], value: Obj, version: number, flexible: boolean): { bytes: Uint8Array; expected: Obj } {
  const w = new Writer();
  const expected = writeStruct(w, fields, value, version, flexible);
  return { bytes: w.bytes(), expected };
}

/** A request header in the version the rules pick (0, 1 or 2). */
export function encodeRequestHeader(w: Writer, hv: 0 | 1 | 2, apiKey: number, apiVersion: number, correlationId: number, clientId: string | null): void {
  w.int16(apiKey);
  w.int16(apiVersion);
  w.int32(correlationId);
  if (hv >= 1) {
    if (clientId === null) w.int16(-1);
    else {
      const b = new TextEncoder().encode(clientId);
      w.int16(b.length);
      w.raw(b);
    }
  }
  if (hv === 2) w.uvarint(0);
}

export function encodeResponseHeader(w: Writer, hv: 0 | 1, correlationId: number): void {
  w.int32(correlationId);
  if (hv === 1) w.uvarint(0);
}
