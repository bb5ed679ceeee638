/**
 * The dissector registry: one instance per run (never global), built from plugin descriptors.
 * Registration is data — a port table and a list of named heuristics — and `dispatch.ts` alone
 * decides which dissector takes a connection.
 */

import type { DissectorPlugin, FieldSpec } from "./api.js";
import { PLUGIN_API_VERSION } from "./api.js";

/**
 * The preference `--show-secrets` sets (StreamContext.preferences): dissectors put secrets they
 * decode (a SASL password, a SCRAM proof) in fields, summaries and trees only when it is true.
 */
export const SHOW_SECRETS = "kdiag.show_secrets";

/**
 * The preference a command sets to false when it shows no TLS record (kafka, exchanges): the TLS
 * dissector then reports no message for each decrypted application-data record, only what the
 * records carry (Kafka). A 200 MB decrypted capture has 220,275 such records; storing each as a
 * message cost about as much as decrypting it (bench/README.md, "TLS decryption").
 */
export const TLS_RECORD_PDUS = "tls.record_pdus";

export type PluginErrorCode =
  | "plugin_not_found"
  | "plugin_load_failed"
  | "plugin_invalid"
  | "plugin_duplicate"
  | "plugin_unknown";

/** A plugin problem the user can act on: printed as one line, never as a stack trace. */
export class PluginError extends Error {
  constructor(
    readonly code: PluginErrorCode,
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
    this.name = "PluginError";
  }
}

export interface RegisteredPlugin {
  plugin: DissectorPlugin;
  /** "builtin" or the path the user named. */
  source: string;
}

export interface Heuristic {
  name: string;
  enabled: boolean;
}

const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;
const FIELD_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;
const FIELD_TYPES = new Set(["int", "uint", "bool", "string", "bytes", "double", "time"]);
/** Types a `repeated` field may have: rules see them as list<int> or list<string>. */
const REPEATED_TYPES = new Set(["int", "uint", "string", "bytes"]);
const DISPLAYS = new Set(["dec", "hex", "ms"]);
const EXCHANGE_ROLES = new Set(["operation", "client", "error"]);
const SEVERITIES = new Set(["note", "warning", "error"]);
/**
 * Names a plugin may not take: kdiag's own fact variables (src/facts/schema.ts), which the plugin's
 * would hide in rules and filters, and words of the expression language (CEL).
 */
const RESERVED_NAMES = new Set([
  "frame", "ip", "ipv6", "udp", "conn", "exchange", "capture", "pair", "end", "path", "other", "window", "params",
  "true", "false", "null", "in", "has", "dyn", "cel",
]);

export class Registry {
  private readonly plugins = new Map<string, RegisteredPlugin>();
  /** tcp.port -> dissector name (Wireshark's "tcp.port" dissector table). */
  readonly portTable = new Map<number, string>();
  /** Stream dissectors with a detect() heuristic, tried in registration order. */
  readonly heuristics: Heuristic[] = [];
  /**
   * Run-wide settings handed to every dissector as `StreamContext.preferences`, keyed
   * "plugin.setting": "tls.keylog" holds the parsed `--tls-keylog` file.
   */
  readonly preferences = new Map<string, unknown>();

  /** Checks the descriptor and adds it to the tables. Throws PluginError on a bad descriptor. */
  register(candidate: unknown, source = "builtin"): DissectorPlugin {
    const plugin = validatePlugin(candidate, source);
    if (this.plugins.has(plugin.name)) {
      throw new PluginError(
        "plugin_duplicate",
        source,
        `a dissector named "${plugin.name}" is already registered (from ${this.plugins.get(plugin.name)!.source})`,
      );
    }
    this.plugins.set(plugin.name, { plugin, source });
    for (const port of plugin.ports ?? []) this.portTable.set(port, plugin.name);
    if (plugin.detect) this.heuristics.push({ name: plugin.name, enabled: true });
    return plugin;
  }

  get(name: string): DissectorPlugin | undefined {
    return this.plugins.get(name)?.plugin;
  }

  list(): RegisteredPlugin[] {
    return [...this.plugins.values()];
  }

  /** `--decode-as PORT=NAME`: edits the port table, not code. */
  decodeAs(port: number, name: string): void {
    const plugin = this.get(name);
    if (!plugin || plugin.layer !== "stream") {
      throw new PluginError("plugin_unknown", "--decode-as", `no stream dissector named "${name}"`);
    }
    this.portTable.set(port, name);
  }

  /** Every declared field, for filters, rules and `kdiag fields`. */
  fields(): Array<FieldSpec & { dissector: string }> {
    const out: Array<FieldSpec & { dissector: string }> = [];
    for (const { plugin } of this.plugins.values()) {
      for (const f of plugin.fields) out.push({ ...f, dissector: plugin.name });
    }
    return out;
  }
}

function invalid(source: string, what: string): PluginError {
  return new PluginError("plugin_invalid", source, what);
}

/** Checks a plugin descriptor's shape up front, so a bad plugin fails at load time with a clear message. */
export function validatePlugin(candidate: unknown, source: string): DissectorPlugin {
  if (typeof candidate !== "object" || candidate === null) {
    throw invalid(source, "the default export is not a plugin descriptor object");
  }
  const p = candidate as Partial<DissectorPlugin>;
  if (p.apiVersion !== PLUGIN_API_VERSION) {
    throw invalid(source, `apiVersion must be ${PLUGIN_API_VERSION} (got ${JSON.stringify(p.apiVersion)})`);
  }
  if (typeof p.name !== "string" || !NAME_PATTERN.test(p.name)) {
    throw invalid(source, `name must match ${NAME_PATTERN} (got ${JSON.stringify(p.name)})`);
  }
  if (RESERVED_NAMES.has(p.name)) throw invalid(source, `name "${p.name}" is taken by kdiag's own facts or rule language (${p.name}.*)`);
  if (p.label !== undefined && (typeof p.label !== "string" || p.label.length === 0 || p.label.length > 32)) {
    throw invalid(source, "label must be a short text (1-32 characters)");
  }
  if (p.messages !== undefined && (typeof p.messages !== "object" || p.messages === null || typeof p.messages.c2s !== "string" || typeof p.messages.s2c !== "string")) {
    throw invalid(source, 'messages must be { c2s: "request", s2c: "response" } (two texts)');
  }
  if (p.layer !== "segment" && p.layer !== "stream") {
    throw invalid(source, `layer must be "segment" or "stream" (got ${JSON.stringify(p.layer)})`);
  }
  if (typeof p.description !== "string") throw invalid(source, "description must be a string");
  if (p.ports !== undefined) {
    if (!Array.isArray(p.ports) || !p.ports.every((x) => Number.isInteger(x) && x > 0 && x < 65536)) {
      throw invalid(source, "ports must be a list of TCP port numbers (1-65535)");
    }
  }
  if (p.detect !== undefined && typeof p.detect !== "function") throw invalid(source, "detect must be a function");
  if (p.layer === "stream" && typeof p.open !== "function") {
    throw invalid(source, "a stream dissector needs an open(ctx) function");
  }
  if (!Array.isArray(p.fields)) throw invalid(source, "fields must be a list (it may be empty)");
  const seen = new Set<string>();
  for (const f of p.fields) {
    if (!f || typeof f.name !== "string" || !FIELD_PATTERN.test(f.name)) {
      throw invalid(source, `field name ${JSON.stringify(f?.name)} must look like "proto.field"`);
    }
    if (!f.name.startsWith(`${p.name}.`)) {
      throw invalid(source, `field ${f.name} must start with the plugin name "${p.name}."`);
    }
    if (!FIELD_TYPES.has(f.type)) throw invalid(source, `field ${f.name} has unknown type ${JSON.stringify(f.type)}`);
    if (seen.has(f.name)) throw invalid(source, `field ${f.name} is declared twice`);
    if (f.repeated !== undefined && typeof f.repeated !== "boolean") throw invalid(source, `field ${f.name}: repeated must be true or false`);
    if (f.repeated && !REPEATED_TYPES.has(f.type)) throw invalid(source, `field ${f.name}: a repeated field must be int, uint, string or bytes`);
    if (f.unit !== undefined && typeof f.unit !== "string") throw invalid(source, `field ${f.name}: unit must be a text`);
    if (f.display !== undefined && !DISPLAYS.has(f.display)) throw invalid(source, `field ${f.name}: display must be "dec", "hex" or "ms"`);
    if (f.exchange !== undefined) {
      if (!EXCHANGE_ROLES.has(f.exchange)) throw invalid(source, `field ${f.name}: exchange must be "operation", "client" or "error"`);
      const other = p.fields.find((g) => g !== f && g?.exchange === f.exchange && seen.has(g.name));
      if (other) throw invalid(source, `fields ${other.name} and ${f.name} both declare exchange: "${f.exchange}" (one field per role)`);
    }
    seen.add(f.name);
  }
  // Rules read fields as nested names: one name cannot be both a value and a parent.
  for (const name of seen) {
    const parent = name.slice(0, name.lastIndexOf("."));
    if (seen.has(parent)) throw invalid(source, `field ${parent} is both a value and the parent of ${name} (rename one, e.g. ${parent}_value)`);
  }
  if (p.expert !== undefined) {
    if (!Array.isArray(p.expert)) throw invalid(source, "expert must be a list of { name, severity, description }");
    for (const e of p.expert) {
      if (!e || typeof e.name !== "string" || !e.name.startsWith(`${p.name}.`)) throw invalid(source, `expert note ${JSON.stringify(e?.name)} must start with "${p.name}."`);
      if (!SEVERITIES.has(e.severity)) throw invalid(source, `expert note ${e.name}: severity must be note, warning or error`);
      if (typeof e.description !== "string") throw invalid(source, `expert note ${e.name}: description must be a text`);
    }
  }
  if (p.framing !== undefined) {
    const fr = p.framing;
    if (
      typeof fr !== "object" ||
      !Number.isInteger(fr.headerLength) ||
      fr.headerLength < 1 ||
      typeof fr.pduLength !== "function" ||
      !Number.isInteger(fr.maxPduLength)
    ) {
      throw invalid(source, "framing needs headerLength, pduLength(head) and maxPduLength");
    }
  }
  return p as DissectorPlugin;
}
