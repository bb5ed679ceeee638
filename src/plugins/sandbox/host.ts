/**
 * User plugins run in a worker thread of their own, with a memory limit, and every call into
 * them has a time limit: a plugin that loops forever, allocates without bound, throws odd values
 * or returns a promise is stopped, named, and disabled for the rest of the run, and the analysis
 * goes on. kdiag's pass is synchronous, so each call is too: the message is posted, the main
 * thread waits on a shared flag (Atomics.wait, with the time limit), and takes the reply with
 * receiveMessageOnPort. The built-in dissectors run in-process.
 */

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { CloseInfo, Dir, DissectorPlugin, FieldSpec, PacketRef, StreamContext, StreamDissector } from "../api.js";
import { PluginError } from "../registry.js";
import type { Call, ContextEvent, Descriptor, LoadReply, Reply } from "./protocol.js";

/** Documented in docs/plugins.md ("Limits"). */
export const PLUGIN_LIMITS = {
  /** One call (a detect, a PDU, a close...). */
  callMs: 2_000,
  /** Importing the module. */
  loadMs: 10_000,
  /** The plugin thread's heap. */
  memoryMb: 256,
};

function workerUrl(): URL {
  const here = new URL("./worker.js", import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  // Run from the TypeScript sources (the tests): the compiled worker.
  return new URL("../../../dist/src/plugins/sandbox/worker.js", import.meta.url);
}

class IsolatedPlugin {
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private dead: string | null = null;
  private nextId = 1;

  constructor(
    readonly path: string,
    /** The path as the user wrote it, for messages. */
    private readonly shownAs: string,
    private readonly limits: typeof PLUGIN_LIMITS,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(workerUrl(), {
      workerData: { path, port: port2, flag: this.flag },
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    });
    // Neither the thread nor its port may keep kdiag running once its work is done.
    this.worker.unref();
    this.port.unref();
    this.worker.on("error", () => {});
  }

  /** Waits for the module to load; returns what it declared. */
  async load(): Promise<Descriptor> {
    const reply = await new Promise<LoadReply>((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, code: "plugin_load_failed", error: `loading took longer than ${this.limits.loadMs / 1000} s` }), this.limits.loadMs);
      const done = (r: LoadReply) => {
        clearTimeout(timer);
        this.port.off("message", done);
        this.port.unref();
        this.worker.off("exit", exited);
        resolve(r);
      };
      const exited = () => done({ ok: false, code: "plugin_load_failed", error: "the plugin's thread ended while loading it (out of memory?)" });
      this.port.on("message", done);
      this.port.ref(); // until the module has loaded
      this.worker.on("exit", exited);
    });
    if (!reply.ok) {
      this.stop();
      throw new PluginError(reply.code, this.shownAs, reply.error);
    }
    return reply.descriptor;
  }

  /** One synchronous call; throws with a one-line reason when the plugin failed or is stopped. */
  call(msg: Call, ctx?: StreamContext): unknown {
    if (this.dead) throw new Error(this.dead);
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(msg);
    const waited = Atomics.wait(this.flag, 0, 0, this.limits.callMs);
    const got = waited === "timed-out" ? undefined : receiveMessageOnPort(this.port);
    if (!got) {
      this.stop(`stopped: ${msg.op}() took longer than ${this.limits.callMs / 1000} s or went over ${this.limits.memoryMb} MB; the plugin is disabled for the rest of the run`);
      throw new Error(this.dead!);
    }
    const reply = got.message as Reply;
    if (ctx) replay(reply.events, ctx);
    if (!reply.ok) throw new Error(reply.error);
    return msg.op === "open" ? reply.methods : reply.value;
  }

  open(ctx: StreamContext): StreamDissector {
    const id = this.nextId++;
    const info = { connectionId: ctx.connectionId, client: { ...ctx.client }, server: { ...ctx.server }, detail: ctx.detail === true };
    const methods = new Set(this.call({ op: "open", id, info }, ctx) as string[]);
    const d: StreamDissector = {
      gap: (dir: Dir, length: number, at: PacketRef) => void this.call({ op: "gap", id, dir, length, at: { ...at } }, ctx),
      close: (how: CloseInfo) => void this.call({ op: "close", id, how: { ...how } }, ctx),
    };
    if (methods.has("data")) d.data = (dir, bytes, at) => void this.call({ op: "data", id, dir, bytes: bytes.slice(), at: { ...at } }, ctx);
    if (methods.has("pdu")) d.pdu = (dir, bytes, at, wireLength) => void this.call({ op: "pdu", id, dir, bytes: bytes.slice(), at: { ...at }, wireLength }, ctx);
    if (methods.has("resync")) d.resync = (dir, bytes) => this.call({ op: "resync", id, dir, bytes: bytes.slice() }, ctx) as number;
    return d;
  }

  stop(reason = "stopped"): void {
    this.dead ??= reason;
    void this.worker.terminate();
  }
}

/** Hands the plugin's context calls, made in its thread, to the real context in order. */
function replay(events: readonly ContextEvent[], ctx: StreamContext): void {
  for (const e of events) {
    if (e.t === "emit") ctx.emit(e.pdu);
    else if (e.t === "exchange") ctx.exchange(e.ex);
    else ctx.note(e.severity, e.packet, e.message);
  }
}

/**
 * Starts the plugin at `path` in its own thread and returns a plugin object whose hooks call into
 * it (for Registry.register, which checks it like any other). Throws PluginError when it cannot load.
 */
export async function loadIsolatedPlugin(path: string, opts: { shownAs?: string; limits?: typeof PLUGIN_LIMITS } = {}): Promise<DissectorPlugin> {
  const host = new IsolatedPlugin(path, opts.shownAs ?? path, opts.limits ?? PLUGIN_LIMITS);
  const d = await host.load();
  const plugin: Record<string, unknown> = {
    apiVersion: d.apiVersion,
    name: d.name,
    description: d.description,
    layer: d.layer,
    fields: d.fields as FieldSpec[],
  };
  if (d.ports !== undefined) plugin.ports = d.ports;
  if (d.label !== undefined) plugin.label = d.label;
  if (d.messages !== undefined) plugin.messages = d.messages;
  if (d.expert !== undefined) plugin.expert = d.expert;
  if (d.hasDetect) plugin.detect = (head: Uint8Array, dir: Dir) => host.call({ op: "detect", head: head.slice(), dir });
  if (d.hasOpen) plugin.open = (ctx: StreamContext) => host.open(ctx);
  if (d.framing) {
    const framing: Record<string, unknown> = {
      headerLength: d.framing.headerLength,
      maxPduLength: d.framing.maxPduLength,
      pduLength: (head: Uint8Array, dir: Dir) => host.call({ op: "pduLength", head: head.slice(), dir }),
    };
    if (d.framing.bufferLimit !== undefined) framing.bufferLimit = d.framing.bufferLimit;
    if (d.framing.hasResync) framing.resync = (bytes: Uint8Array, dir: Dir) => host.call({ op: "framingResync", bytes: bytes.slice(), dir });
    plugin.framing = framing;
  }
  return plugin as unknown as DissectorPlugin;
}
