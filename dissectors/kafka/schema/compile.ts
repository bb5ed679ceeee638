/**
 * The one Kafka schema interpreter: turns a table layout at one version into a reader closure.
 *
 * Compiling resolves, once per (layout, version), which fields exist, how each is encoded
 * (classic or compact, nullable, tagged) and the minimum bytes each needs; the closures then only
 * read. Decoded values are plain objects with snake_case keys. Wire counts are never trusted: an
 * array count is checked against the remaining bytes (times the element's minimum size) before
 * anything is allocated.
 */
import { inRange, type FieldDef, type Primitive } from "./table.js";
import { DecodeFail, Reader, toHex } from "./reader.js";

/** A decoded Kafka structure: snake_case keys → values. */
export type KafkaValue = null | boolean | number | bigint | string | KafkaValue[] | KafkaObject;
export interface KafkaObject {
  [key: string]: KafkaValue;
}

/** A tagged field whose tag the table does not know, kept raw. */
export interface UnknownTag {
  tag: number;
  length: number;
  hex: string;
}

/** Key under which unknown tagged fields of a struct are listed. */
export const UNKNOWN_TAGS = "_unknown_tags";

/**
 * Hook for `records` fields: given the whole buffer and the field's range, return what the tree
 * should hold. The default keeps a reference {offset, length} (offsets into the buffer handed to
 * the reader); the record batch decoder plugs in here.
 */
export type RecordsHook = (buf: Uint8Array, offset: number, length: number) => KafkaValue;

export const recordsRef: RecordsHook = (_buf, offset, length) => ({ offset, length });

/** Where a decoded value lies in the buffer handed to the reader: [start, end). */
export interface Span {
  start: number;
  end: number;
}

/**
 * Detail mode's byte map: for each decoded struct or array, the span of each of its fields (by
 * key) or elements (by index). Filled only when a view asks for it (the hex pane highlights a
 * field's bytes); the analysis pass never pays for it.
 */
export type SpanTable = WeakMap<object, Map<string | number, Span>>;

export interface ReadOptions {
  /** Record every field's span here (detail views only). */
  spans?: SpanTable;
  /** Struct nesting cap (Kafka's deepest layout is about 6). Default 32. */
  maxDepth?: number;
  records?: RecordsHook;
  /**
   * Cap on the count of an array whose elements may take 0 bytes (a struct with no fields at that
   * version), where the remaining-bytes check cannot bound the count. Default 10000.
   */
  maxEmptyElements?: number;
  /**
   * Build values only for the fields this selects (and the structs holding them); every other
   * field is still read with the same checks, so a message decodes, fails or leaves trailing bytes
   * exactly as in a full decode, but nothing is allocated for it. The analysis pass keeps the
   * fields its facts need; a view that shows the whole message decodes it again without this.
   */
  keep?: KeepField;
}

/**
 * Whether a field's value is built: `struct` is the type name of the struct it belongs to ("" for
 * a message body's own fields), `topLevel` true for those. Must answer the same for the same
 * arguments (compiled readers are cached per selector).
 */
export type KeepField = (field: FieldDef, struct: string, topLevel: boolean) => boolean;

export interface Ctx {
  readonly spans: SpanTable | null;
  readonly maxDepth: number;
  readonly records: RecordsHook;
  readonly maxEmptyElements: number;
}

/** The context of each options object, made once (a session decodes every message with the same one or two). */
const ctxs = new WeakMap<ReadOptions, Ctx>();
const DEFAULT_CTX = newCtx(undefined);

/** The (read-only) context of a decode with these options. */
export function makeCtx(o?: ReadOptions): Ctx {
  if (!o) return DEFAULT_CTX;
  let ctx = ctxs.get(o);
  if (!ctx) ctxs.set(o, (ctx = newCtx(o)));
  return ctx;
}

function newCtx(o: ReadOptions | undefined): Ctx {
  return {
    spans: o?.spans ?? null,
    maxDepth: o?.maxDepth ?? 32,
    records: o?.records ?? recordsRef,
    maxEmptyElements: o?.maxEmptyElements ?? 10000,
  };
}

type ValueReader = (r: Reader, ctx: Ctx, depth: number) => KafkaValue;

/**
 * Fills `into` field by field. On failure the DecodeFail carries the path (filled in outermost
 * first on the way out) and each level attaches what it had decoded, so the caller's root object
 * holds the partial tree.
 */
export type StructReader = (r: Reader, ctx: Ctx, depth: number, into: KafkaObject) => void;

interface Compiled {
  read: ValueReader;
  /** Fewest bytes this value can take on the wire. */
  min: number;
}

/** A failure carrying the value decoded so far at the level it is passing through. */
type PartialFail = DecodeFail & { partial?: KafkaValue };

function attachPartial(e: PartialFail, into: KafkaObject, key: string): void {
  if (e.partial !== undefined) {
    into[key] = e.partial;
    delete e.partial;
  }
}

interface Step {
  key: string;
  read: ValueReader;
  /** false: the field is read (checked) but its value is not built or stored (ReadOptions.keep). */
  store: boolean;
}

const FIXED: Partial<Record<Primitive, [number, (r: Reader) => KafkaValue]>> = {
  bool: [1, (r) => r.bool()],
  int8: [1, (r) => r.int8()],
  int16: [2, (r) => r.int16()],
  uint16: [2, (r) => r.uint16()],
  int32: [4, (r) => r.int32()],
  int64: [8, (r) => r.int64()],
  float64: [8, (r) => r.float64()],
  uuid: [16, (r) => r.uuid()],
};

function compilePrimitive(t: Primitive, compact: boolean, nullable: boolean): Compiled {
  const fixed = FIXED[t];
  if (fixed) {
    const [min, read] = fixed;
    return { min, read: (r) => read(r) };
  }
  const lenMin = compact ? 1 : t === "string" ? 2 : 4;
  switch (t) {
    case "string":
      return { min: lenMin, read: (r) => r.string(compact, nullable) };
    case "bytes":
      return {
        min: lenMin,
        read: (r) => {
          const b = r.bytesRange(compact, nullable);
          return b === null ? null : toHex(r.buf, b.start, b.start + b.length);
        },
      };
    case "records":
      return {
        min: lenMin,
        read: (r, ctx) => {
          const b = r.bytesRange(compact, nullable);
          return b === null ? null : ctx.records(r.buf, b.start, b.length);
        },
      };
    default:
      throw new Error(`unhandled primitive ${t}`);
  }
}

/** Skips a primitive with exactly the checks its reader makes (same errors at the same offsets). */
function skipPrimitive(t: Primitive, compact: boolean, nullable: boolean): Compiled {
  const fixed = FIXED[t];
  if (fixed) {
    const min = fixed[0];
    return {
      min,
      read: (r) => {
        r.need(min);
        r.pos += min;
        return null;
      },
    };
  }
  const lenMin = compact ? 1 : t === "string" ? 2 : 4;
  const wide = t !== "string";
  return {
    min: lenMin,
    read: (r) => {
      const at = r.pos;
      const n = r.length(compact, wide);
      if (n < 0) {
        if (nullable && n === -1) return null;
        throw new DecodeFail("bad_length", at);
      }
      r.skip(n, at);
      return null;
    },
  };
}

/**
 * An array's element count, checked before any element is read or allocated: null for a null
 * array where the field allows one.
 */
function arrayCount(r: Parameters<Compiled["read"]>[0], ctx: Parameters<Compiled["read"]>[1], compact: boolean, nullable: boolean, elemMin: number): number | null {
  const at = r.pos;
  const n = r.length(compact, true);
  if (n < 0) {
    if (nullable && n === -1) return null;
    throw new DecodeFail("bad_count", at);
  }
  if (elemMin > 0 ? n * elemMin > r.end - r.pos : n > ctx.maxEmptyElements) throw new DecodeFail("bad_count", at);
  return n;
}

/** Array framing around an element reader that builds nothing (a skipped field): the same checks as compileArray. */
function skipArray(elem: Compiled, compact: boolean, nullable: boolean): Compiled {
  const elemMin = elem.min;
  return {
    min: compact ? 1 : 4,
    read: (r, ctx, depth) => {
      const n = arrayCount(r, ctx, compact, nullable, elemMin);
      if (n === null) return null;
      let i = 0;
      try {
        for (; i < n; i++) elem.read(r, ctx, depth);
      } catch (e) {
        if (e instanceof DecodeFail) e.path.unshift(i);
        throw e;
      }
      return null;
    },
  };
}

/** Array framing around an element reader; the count is checked before any allocation. */
function compileArray(elem: Compiled, compact: boolean, nullable: boolean): Compiled {
  const elemMin = elem.min;
  return {
    min: compact ? 1 : 4,
    read: (r, ctx, depth) => {
      const n = arrayCount(r, ctx, compact, nullable, elemMin);
      if (n === null) return null;
      const out: KafkaValue[] = [];
      const spans = ctx.spans;
      const where = spans === null ? null : new Map<number, Span>();
      if (where) spans!.set(out, where);
      let i = 0;
      try {
        for (; i < n; i++) {
          const start = r.pos;
          const v = elem.read(r, ctx, depth);
          out.push(v);
          if (where) where.set(i, { start, end: r.pos });
        }
      } catch (e) {
        if (e instanceof DecodeFail) {
          e.path.unshift(i);
          // Keep the elements decoded so far (and the failing one's partial struct); the
          // enclosing struct reader attaches `out` on its way out.
          const withPartial = e as PartialFail;
          if (withPartial.partial !== undefined) out.push(withPartial.partial);
          withPartial.partial = out;
        }
        throw e;
      }
      return out;
    },
  };
}

/**
 * Compiles the fields of one struct (or a message body) present at `version`. `flexible` is the
 * message's flexibility at that version: it selects compact encodings (unless a field overrides
 * it) and adds the trailing tagged-field section.
 */
export function compileStruct(
  fields: readonly FieldDef[],
  version: number,
  flexible: boolean,
  keep?: KeepField,
  struct = "",
  topLevel = true,
): { fill: StructReader; min: number; keeps: boolean } {
  const steps: Step[] = [];
  const tagged = new Map<number, Step>();
  let min = flexible ? 1 : 0; // the tagged-field count
  let keeps = !keep;
  for (const f of fields) {
    if (!inRange(f.v, version)) continue;
    const isTagged = flexible && inRange(f.tv, version);
    const c = compileField(f, version, flexible, keep, struct, topLevel);
    if (c.store) keeps = true;
    if (isTagged) {
      tagged.set(f.tag!, { key: f.k, read: c.read, store: c.store });
    } else {
      steps.push({ key: f.k, read: c.read, store: c.store });
      min += c.min;
    }
  }
  const nSteps = steps.length;
  // A struct of which nothing is kept does not list its unknown tagged fields either.
  const keepUnknown = keeps;

  const fill: StructReader = (r, ctx, depth, into) => {
    if (depth > ctx.maxDepth) throw new DecodeFail("too_deep", r.pos);
    const spans = ctx.spans;
    let i = 0;
    try {
      if (spans === null) {
        for (; i < nSteps; i++) {
          const s = steps[i]!;
          const v = s.read(r, ctx, depth);
          if (s.store) into[s.key] = v;
        }
      } else {
        const where = spanMap(spans, into);
        for (; i < nSteps; i++) {
          const s = steps[i]!;
          const start = r.pos;
          const v = s.read(r, ctx, depth);
          if (!s.store) continue;
          into[s.key] = v;
          where.set(s.key, { start, end: r.pos });
        }
      }
    } catch (e) {
      if (e instanceof DecodeFail) {
        attachPartial(e, into, steps[i]!.key);
        e.path.unshift(steps[i]!.key);
      }
      throw e;
    }
    if (flexible) readTaggedSection(r, ctx, depth, into, tagged, keepUnknown);
  };
  return { fill, min, keeps };
}

function spanMap(spans: SpanTable, of: object): Map<string | number, Span> {
  let m = spans.get(of);
  if (!m) spans.set(of, (m = new Map()));
  return m;
}

/** A field's reader, and whether it builds and stores the value (ReadOptions.keep). */
function compileField(f: FieldDef, version: number, flexible: boolean, keep: KeepField | undefined, struct: string, topLevel: boolean): Compiled & { store: boolean } {
  // A field may override the message's flexibility for its own encoding (RequestHeader.ClientId).
  const compact = f.fv !== undefined ? inRange(f.fv, version) : flexible;
  const nullable = inRange(f.nv, version);
  if (f.t === "struct" || f.t === "[]struct") {
    const s = compileStruct(f.f!, version, flexible, keep, f.s ?? "", false);
    if (!s.keeps) {
      // Nothing inside is kept: walk it with the same checks, into an object never read.
      const skip: Compiled = {
        min: s.min,
        read: (r, ctx, depth) => {
          s.fill(r, ctx, depth + 1, UNUSED);
          return null;
        },
      };
      const c = f.t === "[]struct" ? skipArray(skip, compact, nullable) : !nullable ? skip : { min: 1, read: nullableStruct(skip) };
      return { ...c, store: false };
    }
    return { ...structField(f, s, compact, nullable), store: true };
  }
  const store = !keep || keep(f, struct, topLevel);
  if (!store) {
    if (f.t.startsWith("[]")) return { ...skipArray(skipPrimitive(f.t.slice(2) as Primitive, compact, false), compact, nullable), store };
    return { ...skipPrimitive(f.t as Primitive, compact, nullable), store };
  }
  if (f.t.startsWith("[]")) {
    return { ...compileArray(compilePrimitive(f.t.slice(2) as Primitive, compact, false), compact, nullable), store };
  }
  return { ...compilePrimitive(f.t as Primitive, compact, nullable), store };
}

/** Stands in for the object a skipped struct fills: its steps store nothing, so it stays empty. */
const UNUSED: KafkaObject = Object.freeze({}) as KafkaObject;

/** Nullable structs (KIP-893) carry an int8 marker: negative = null, otherwise the struct follows. */
function nullableStruct(elem: Compiled): ValueReader {
  return (r, ctx, depth) => (r.int8() < 0 ? null : elem.read(r, ctx, depth));
}

/** A struct or []struct field whose values are built. */
function structField(f: FieldDef, s: { fill: StructReader; min: number }, compact: boolean, nullable: boolean): Compiled {
  {
    const elem: Compiled = {
      min: s.min,
      read: (r, ctx, depth) => {
        const o: KafkaObject = {};
        try {
          s.fill(r, ctx, depth + 1, o);
        } catch (e) {
          if (e instanceof DecodeFail) (e as PartialFail).partial = o;
          throw e;
        }
        return o;
      },
    };
    if (f.t === "[]struct") return compileArray(elem, compact, nullable);
    if (!nullable) return elem;
    return { min: 1, read: nullableStruct(elem) };
  }
}

/**
 * The tagged-field section: uvarint count, then (uvarint tag, uvarint size, value) each. A known
 * tag is decoded inside its declared size and must use all of it; unknown tags are kept raw.
 */
function readTaggedSection(r: Reader, ctx: Ctx, depth: number, into: KafkaObject, tagged: Map<number, Step>, keepUnknown: boolean): void {
  const at = r.pos;
  const n = r.uvarint();
  // Each entry takes at least two bytes (tag and size).
  if (n * 2 > r.end - r.pos) throw new DecodeFail("bad_count", at);
  for (let i = 0; i < n; i++) {
    const tag = r.uvarint();
    const sizeAt = r.pos;
    const size = r.uvarint();
    if (size > r.end - r.pos) throw new DecodeFail("bad_length", sizeAt);
    const stop = r.pos + size;
    const known = tagged.get(tag);
    if (known) {
      const outer = r.end;
      r.end = stop;
      try {
        const start = r.pos;
        const v = known.read(r, ctx, depth);
        if (known.store) into[known.key] = v;
        if (r.pos !== stop) throw new DecodeFail("bad_length", sizeAt);
        if (ctx.spans && known.store) spanMap(ctx.spans, into).set(known.key, { start, end: stop });
      } catch (e) {
        if (e instanceof DecodeFail) {
          attachPartial(e, into, known.key);
          e.path.unshift(known.key);
        }
        throw e;
      } finally {
        r.end = outer;
      }
    } else {
      if (keepUnknown) {
        const list = (into[UNKNOWN_TAGS] ??= []) as KafkaValue[];
        list.push({ tag, length: size, hex: toHex(r.buf, r.pos, stop) });
      }
      r.pos = stop;
    }
  }
}
