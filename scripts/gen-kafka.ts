/**
 * Generates the Kafka protocol table from Kafka's own message definitions.
 *
 *   npm run gen:kafka        (tsx scripts/gen-kafka.ts [protocolDir])
 *
 * Reads ../shared/kafka-protocol/message/*.json (requests, responses, the two headers) and
 * errors.tsv, and writes dissectors/kafka/generated/{protocol,errors}.ts. Only facts are written
 * (names, types, version ranges), sorted, so regenerating is deterministic and
 * test/kafka/generated-table.test.ts can fail on any difference.
 *
 * `generate()` is pure (directory in, file texts out) so the test can regenerate in memory.
 */
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { OPEN, type FieldDef, type FieldType, type Primitive, type VersionRange } from "../dissectors/kafka/schema/table.js";

const HEADER = "// generated from ../shared/kafka-protocol by scripts/gen-kafka.ts — do not edit\n";

const PRIMITIVES: ReadonlySet<string> = new Set<Primitive>([
  "bool", "int8", "int16", "uint16", "int32", "int64", "float64", "uuid", "string", "bytes", "records",
]);

/** JSON with `//` comments: drop each comment up to its line end, but never inside a string. */
export function stripLineComments(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === "\\") {
        // An escape: copy the escaped character too, so `\"` does not end the string.
        if (i + 1 < text.length) out += text[++i]!;
      } else if (c === '"') {
        inString = false;
      }
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      if (i < text.length) out += "\n";
    } else {
      out += c;
    }
  }
  return out;
}

/** "0+" → [0, OPEN], "1-3" → [1, 3], "5" → [5, 5], "none" → null. */
export function parseRange(spec: string): VersionRange | null {
  const s = spec.trim();
  if (s === "none") return null;
  let m = /^(\d+)\+$/.exec(s);
  if (m) return [Number(m[1]), OPEN];
  m = /^(\d+)-(\d+)$/.exec(s);
  if (m) return [Number(m[1]), Number(m[2])];
  m = /^(\d+)$/.exec(s);
  if (m) return [Number(m[1]), Number(m[1])];
  throw new Error(`bad version range ${JSON.stringify(spec)}`);
}

/** PascalCase → snake_case: "ThrottleTimeMs" → "throttle_time_ms", "KRaftVersion" → "kraft_version". */
export function snakeCase(name: string): string {
  return name
    .replace(/KRaft/g, "Kraft")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

interface JsonField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number | string; // BrokerHeartbeatRequest writes "tag": "0"
  flexibleVersions?: string;
  fields?: JsonField[];
}

interface JsonMessage {
  apiKey?: number;
  type: string;
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: JsonField[];
  commonStructs?: { name: string; fields: JsonField[] }[];
}

/**
 * Converts one message's fields. Structs may be defined inline once and referenced by name
 * elsewhere in the same message, or listed in commonStructs: both are resolved here, so the
 * table always carries the nested fields.
 */
function convertFields(msg: JsonMessage): FieldDef[] {
  const structs = new Map<string, JsonField[]>();
  for (const cs of msg.commonStructs ?? []) structs.set(cs.name, cs.fields);
  const collect = (fields: JsonField[]): void => {
    for (const f of fields) {
      if (f.fields) {
        structs.set(f.type.replace(/^\[\]/, ""), f.fields);
        collect(f.fields);
      }
    }
  };
  collect(msg.fields);
  for (const cs of msg.commonStructs ?? []) collect(cs.fields);

  const convert = (fields: JsonField[], where: string, depth: number): FieldDef[] => {
    if (depth > 16) throw new Error(`${where}: struct nesting too deep (recursive struct?)`);
    const seen = new Set<string>();
    return fields.map((f) => {
      const isArray = f.type.startsWith("[]");
      const base = isArray ? f.type.slice(2) : f.type;
      const v = parseRange(f.versions);
      if (v === null) throw new Error(`${where}.${f.name}: versions "none"`);
      const k = snakeCase(f.name);
      if (seen.has(k)) throw new Error(`${where}: two fields map to ${k}`);
      seen.add(k);
      const def: {
        n: string; k: string; t: FieldType; v: VersionRange; nv?: VersionRange; tv?: VersionRange;
        tag?: number; fv?: VersionRange | null; s?: string; f?: FieldDef[];
      } = { n: f.name, k, t: "int8", v };
      if (PRIMITIVES.has(base)) {
        def.t = (isArray ? `[]${base}` : base) as FieldType;
      } else {
        const sub = structs.get(base);
        if (!sub) throw new Error(`${where}.${f.name}: unknown struct type ${base}`);
        def.t = isArray ? "[]struct" : "struct";
        def.s = base;
        def.f = convert(sub, `${where}.${f.name}`, depth + 1);
      }
      if (f.nullableVersions !== undefined) {
        const nv = parseRange(f.nullableVersions);
        if (nv) def.nv = nv;
      }
      if (f.taggedVersions !== undefined) {
        const tv = parseRange(f.taggedVersions);
        if (tv) {
          const tag = typeof f.tag === "string" && /^\d+$/.test(f.tag) ? Number(f.tag) : f.tag;
          if (typeof tag !== "number") throw new Error(`${where}.${f.name}: tagged without tag`);
          def.tv = tv;
          def.tag = tag;
        }
      }
      if (f.flexibleVersions !== undefined) def.fv = parseRange(f.flexibleVersions);
      return def;
    });
  };
  return convert(msg.fields, msg.name, 0);
}

/** Field objects with short unquoted keys, one field per line, nested fields indented. */
function emitFields(fields: readonly FieldDef[], indent: string): string {
  if (fields.length === 0) return "[]";
  const lines = fields.map((f) => {
    const parts = [`n: ${JSON.stringify(f.n)}`, `k: ${JSON.stringify(f.k)}`, `t: ${JSON.stringify(f.t)}`, `v: ${emitRange(f.v)}`];
    if (f.nv) parts.push(`nv: ${emitRange(f.nv)}`);
    if (f.tv) parts.push(`tv: ${emitRange(f.tv)}`, `tag: ${f.tag}`);
    if (f.fv !== undefined) parts.push(`fv: ${f.fv === null ? "null" : emitRange(f.fv)}`);
    if (f.s) parts.push(`s: ${JSON.stringify(f.s)}`);
    if (f.f) parts.push(`f: ${emitFields(f.f, indent + "  ")}`);
    return `${indent}  { ${parts.join(", ")} },`;
  });
  return `[\n${lines.join("\n")}\n${indent}]`;
}

function emitRange(r: VersionRange): string {
  return r[1] === OPEN ? `[${r[0]}, OPEN]` : `[${r[0]}, ${r[1]}]`;
}

function readMessages(protocolDir: string): JsonMessage[] {
  const dir = join(protocolDir, "message");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      try {
        return JSON.parse(stripLineComments(readFileSync(join(dir, f), "utf8"))) as JsonMessage;
      } catch (e) {
        throw new Error(`${f}: ${(e as Error).message}`);
      }
    });
}

function flexOf(msg: JsonMessage): number | null {
  const r = parseRange(msg.flexibleVersions);
  if (r && r[1] !== OPEN) throw new Error(`${msg.name}: flexible versions must be open-ended`);
  return r ? r[0] : null;
}

export function generateProtocol(protocolDir: string): string {
  const msgs = readMessages(protocolDir);
  const reqs = new Map<number, JsonMessage>();
  const ress = new Map<number, JsonMessage>();
  let reqHeader: JsonMessage | undefined;
  let resHeader: JsonMessage | undefined;
  for (const m of msgs) {
    if (m.type === "request") reqs.set(m.apiKey!, m);
    else if (m.type === "response") ress.set(m.apiKey!, m);
    else if (m.type === "header" && m.name === "RequestHeader") reqHeader = m;
    else if (m.type === "header" && m.name === "ResponseHeader") resHeader = m;
  }
  if (!reqHeader || !resHeader) throw new Error("RequestHeader/ResponseHeader definitions missing");

  const apis: string[] = [];
  for (const key of [...reqs.keys()].sort((a, b) => a - b)) {
    const req = reqs.get(key)!;
    const res = ress.get(key);
    if (!res) throw new Error(`api ${key}: request without response`);
    const valid = parseRange(req.validVersions)!;
    const resValid = parseRange(res.validVersions)!;
    if (valid[0] !== resValid[0] || valid[1] !== resValid[1]) throw new Error(`api ${key}: request/response versions differ`);
    const flex = flexOf(req);
    if (flex !== flexOf(res)) throw new Error(`api ${key}: request/response flexible versions differ`);
    const name = req.name.replace(/Request$/, "");
    apis.push(
      `  {\n    key: ${key}, name: ${JSON.stringify(name)}, valid: ${emitRange(valid)}, flex: ${flex},\n` +
        `    req: ${emitFields(convertFields(req), "    ")},\n` +
        `    res: ${emitFields(convertFields(res), "    ")},\n  },`,
    );
  }
  const header = (m: JsonMessage): string =>
    `{\n  valid: ${emitRange(parseRange(m.validVersions)!)}, flex: ${flexOf(m)},\n  fields: ${emitFields(convertFields(m), "  ")},\n}`;

  return (
    HEADER +
    `import { OPEN, type ApiDef, type MessageDef } from "../schema/table.js";\n\n` +
    `export const REQUEST_HEADER: MessageDef = ${header(reqHeader)};\n\n` +
    `export const RESPONSE_HEADER: MessageDef = ${header(resHeader)};\n\n` +
    `/** Every API key, ascending. */\n` +
    `export const APIS: readonly ApiDef[] = [\n${apis.join("\n")}\n];\n`
  );
}

export function generateErrors(protocolDir: string): string {
  const rows = readFileSync(join(protocolDir, "errors.tsv"), "utf8")
    .split("\n")
    .slice(1)
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const [code, name] = l.split("\t");
      if (!/^-?\d+$/.test(code ?? "") || !/^[A-Z0-9_]+$/.test(name ?? "")) throw new Error(`errors.tsv: bad row ${JSON.stringify(l)}`);
      return [Number(code), name!] as const;
    })
    .sort((a, b) => a[0] - b[0]);
  const body = rows.map(([c, n]) => `  ${c < 0 ? `"${c}"` : c}: ${JSON.stringify(n)},`).join("\n");
  return (
    HEADER +
    `/** Kafka protocol error code → name (errors.tsv). */\n` +
    `export const KAFKA_ERRORS: Readonly<Record<number, string>> = {\n${body}\n};\n`
  );
}

export function generate(protocolDir: string): { "protocol.ts": string; "errors.ts": string } {
  return { "protocol.ts": generateProtocol(protocolDir), "errors.ts": generateErrors(protocolDir) };
}

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_PROTOCOL_DIR = resolve(REPO_ROOT, "../shared/kafka-protocol");
export const OUT_DIR = resolve(REPO_ROOT, "dissectors/kafka/generated");

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const files = generate(process.argv[2] ? resolve(process.argv[2]) : DEFAULT_PROTOCOL_DIR);
  mkdirSync(OUT_DIR, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(OUT_DIR, name), text);
    console.log(`wrote ${join(OUT_DIR, name)} (${text.length} bytes)`);
  }
}
