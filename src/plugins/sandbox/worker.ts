/**
 * A plugin's own thread (see host.ts): imports the plugin, answers each call synchronously from
 * kdiag's point of view (the reply is posted, then the shared flag is raised), and rebuilds every
 * value the plugin returns (clean.ts) so that nothing unusual crosses over.
 */

import { pathToFileURL } from "node:url";
import { workerData, type MessagePort } from "node:worker_threads";
import type { DissectorPlugin, StreamContext, StreamDissector } from "../api.js";
import { cleanDetect, cleanExchange, cleanOffset, cleanPdu, describe, PluginOutputError, safeString } from "./clean.js";
import type { Call, ContextEvent, Descriptor, LoadReply, Reply } from "./protocol.js";

const { path, port, flag } = workerData as { path: string; port: MessagePort; flag: Int32Array };

// The plugin's console output is not kdiag's (it would corrupt results on stdout): dropped.
for (const m of ["log", "info", "warn", "error", "debug", "trace", "dir", "table"] as const) console[m] = () => {};
process.stdout.write = (() => true) as typeof process.stdout.write;
process.stderr.write = (() => true) as typeof process.stderr.write;

// A hook that returned a rejected promise is reported as a wrong return value; the rejection
// itself must not end the thread.
process.on("unhandledRejection", () => {});

let plugin: DissectorPlugin;
const instances = new Map<number, { dissector: StreamDissector; events: ContextEvent[] }>();
/** Events of the call under way (context callbacks push here). */
let events: ContextEvent[] = [];

function signal(): void {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function read(o: unknown, key: string): unknown {
  try {
    return (o as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** An object's own data under `keys` only (absent keys left out), so the descriptor stays plain data. */
function plain(o: unknown, keys: readonly string[]): unknown {
  if (typeof o !== "object" || o === null) return o;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = read(o, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function list(o: unknown, keys: readonly string[]): unknown {
  return Array.isArray(o) ? o.map((x) => plain(x, keys)) : o;
}

function descriptor(p: unknown): Descriptor {
  const framing = read(p, "framing");
  const fields = read(p, "fields");
  return {
    apiVersion: read(p, "apiVersion"),
    name: read(p, "name"),
    description: read(p, "description"),
    layer: read(p, "layer"),
    ports: read(p, "ports"),
    // Fields are data: a clone check happens when the descriptor is posted.
    label: read(p, "label"),
    messages: plain(read(p, "messages"), ["c2s", "s2c"]),
    expert: list(read(p, "expert"), ["name", "severity", "description"]),
    fields: list(fields, ["name", "type", "description", "values", "repeated", "unit", "display", "exchange"]),
    hasDetect: typeof read(p, "detect") === "function",
    hasOpen: typeof read(p, "open") === "function",
    framing:
      typeof framing === "object" && framing !== null
        ? {
            headerLength: read(framing, "headerLength"),
            maxPduLength: read(framing, "maxPduLength"),
            bufferLimit: read(framing, "bufferLimit"),
            hasResync: typeof read(framing, "resync") === "function",
          }
        : null,
  };
}

/** A hook's return value, refused when it is a promise (the rejection, if any, is swallowed). */
function sync<T>(v: T, hook: string): T {
  if (v !== null && (typeof v === "object" || typeof v === "function") && typeof (v as { then?: unknown }).then === "function") {
    try {
      (v as unknown as Promise<unknown>).then(undefined, () => {});
    } catch {
      // not a real promise: nothing to swallow
    }
    throw new PluginOutputError(`${hook}() returned ${describe(v)}`);
  }
  return v;
}

function instance(id: number): StreamDissector {
  const i = instances.get(id);
  if (!i) throw new PluginOutputError("no such connection (closed, or open() failed)");
  return i.dissector;
}

function handle(call: Call): { value?: unknown; methods?: string[] } {
  switch (call.op) {
    case "detect":
      return { value: cleanDetect(sync(plugin.detect!(call.head, call.dir), "detect")) };
    case "pduLength":
      return { value: cleanOffset(sync(plugin.framing!.pduLength(call.head, call.dir), "framing.pduLength"), "framing.pduLength()") };
    case "framingResync":
      return { value: cleanOffset(sync(plugin.framing!.resync!(call.bytes, call.dir), "framing.resync"), "framing.resync()") };
    case "open": {
      const ctx: StreamContext = {
        connectionId: call.info.connectionId,
        client: call.info.client,
        server: call.info.server,
        ...(call.info.detail ? { detail: true } : {}),
        emit: (pdu) => events.push({ t: "emit", pdu: cleanPdu(pdu) }),
        exchange: (ex) => events.push({ t: "exchange", ex: cleanExchange(ex) }),
        note: (severity, packet, message) =>
          events.push({
            t: "note",
            severity: severity === "error" || severity === "warning" ? severity : "note",
            packet: typeof packet === "number" && Number.isFinite(packet) ? packet : 0,
            message: safeString(message, 500),
          }),
      };
      const d = sync(plugin.open!(ctx), "open") as unknown;
      if (typeof d !== "object" || d === null) throw new PluginOutputError(`open() returned ${describe(d)}, not an object with data/pdu, gap and close`);
      const methods = ["data", "pdu", "gap", "close", "resync"].filter((m) => typeof read(d, m) === "function");
      instances.set(call.id, { dissector: d as StreamDissector, events: [] });
      return { methods };
    }
    case "data":
      sync(instance(call.id).data!(call.dir, call.bytes, call.at), "data");
      return {};
    case "pdu":
      sync(instance(call.id).pdu!(call.dir, call.bytes, call.at, call.wireLength), "pdu");
      return {};
    case "gap":
      sync(instance(call.id).gap(call.dir, call.length, call.at), "gap");
      return {};
    case "resync":
      return { value: cleanOffset(sync(instance(call.id).resync!(call.dir, call.bytes), "resync"), "resync()") };
    case "close":
      try {
        sync(instance(call.id).close(call.how), "close");
      } finally {
        instances.delete(call.id);
      }
      return {};
  }
}

function errorText(err: unknown): string {
  let text: string;
  try {
    text = err instanceof Error ? String(err.message) : String(err);
  } catch {
    text = "an error that cannot be shown";
  }
  return safeString(text.split("\n")[0]!, 300);
}

function reply(r: Reply | LoadReply): void {
  try {
    port.postMessage(r);
  } catch (err) {
    port.postMessage({ ok: false, error: `the plugin's result cannot be passed on: ${errorText(err)}`, events: [] } satisfies Reply);
  }
  signal();
}

port.on("message", (call: Call) => {
  events = [];
  let r: Reply;
  try {
    r = { ok: true, ...handle(call), events };
  } catch (err) {
    r = { ok: false, error: errorText(err), events };
  }
  reply(r);
});

try {
  const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  if (mod.default === undefined) {
    reply({ ok: false, code: "plugin_invalid", error: "the module has no default export (export default { apiVersion: 1, ... })" });
  } else {
    plugin = mod.default as DissectorPlugin;
    reply({ ok: true, descriptor: descriptor(plugin) });
  }
} catch (err) {
  reply({ ok: false, code: "plugin_load_failed", error: `cannot load the module: ${errorText(err)}` });
}
