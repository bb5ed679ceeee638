/**
 * Live capture: tcpdump (or dumpcap where tcpdump is not installed) as a child process writing
 * the capture to its stdout, which kdiag reads as it is written. Everything that stops a capture
 * from starting (tool missing, no permission, no such interface, a bad capture filter) becomes
 * one CaptureStartError with the command that fixes it.
 */

import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";

export type CaptureToolName = "tcpdump" | "dumpcap";

/** What went wrong before the first byte, as a closed code (the message says what to do). */
export type CaptureStartCode = "tool_missing" | "permission" | "no_such_interface" | "bad_filter" | "tool_failed";

export class CaptureStartError extends Error {
  constructor(
    readonly code: CaptureStartCode,
    message: string,
  ) {
    super(message);
  }
}

export interface LiveCaptureOptions {
  iface: string;
  /** A capture filter (BPF, tcpdump's syntax), e.g. "port 9092". */
  filter?: string;
  /** Which tool; default: tcpdump if on PATH, else dumpcap. */
  tool?: CaptureToolName;
  /** PATH to look the tools up in (tests). */
  path?: string;
}

/** A running capture child: its stdout is the capture stream (pcap from tcpdump, pcapng from dumpcap; converted to pcapng by live/source.ts asPcapng). */
export interface LiveCapture {
  tool: CaptureToolName;
  command: string[];
  child: ChildProcess;
  stream: AsyncIterable<Uint8Array>;
  /** Asks the tool to stop (SIGINT: it flushes what it captured and exits, ending the stream). */
  stop(): void;
  /** Resolves when the child has exited, with what it said on stderr (its statistics). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Absolute path of an executable on PATH, or null. */
export function which(name: string, path = process.env.PATH ?? ""): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** The tool kdiag will run, or a CaptureStartError saying which package installs one. */
export function pickTool(opts: Pick<LiveCaptureOptions, "tool" | "path">): { tool: CaptureToolName; path: string } {
  const order: CaptureToolName[] = opts.tool ? [opts.tool] : ["tcpdump", "dumpcap"];
  for (const tool of order) {
    const p = which(tool, opts.path);
    if (p !== null) return { tool, path: p };
  }
  const wanted = opts.tool ?? "tcpdump";
  const pkg = wanted === "dumpcap" ? "wireshark-common (Debian/Ubuntu) or wireshark-cli (RHEL/Fedora)" : "tcpdump (apt-get install tcpdump, dnf install tcpdump)";
  throw new CaptureStartError("tool_missing", `live capture needs ${opts.tool ? wanted : "tcpdump or dumpcap"}, not found on PATH: install the package ${pkg}`);
}

/**
 * The command line. tcpdump: -U writes each packet as it arrives and --immediate-mode stops
 * libpcap from holding packets in its buffer (up to a second with TPACKET_V3), so a finding can
 * follow its packet within a second; -n no name lookups. dumpcap writes pcapng; both say on
 * stderr when they listen ("listening on", "Capturing on"), which is how kdiag knows they started.
 */
export function captureCommand(tool: CaptureToolName, iface: string, filter?: string): string[] {
  if (tool === "tcpdump") return ["-i", iface, "-U", "--immediate-mode", "-n", "-w", "-", ...(filter !== undefined && filter !== "" ? [filter] : [])];
  return ["-i", iface, "-w", "-", ...(filter !== undefined && filter !== "" ? ["-f", filter] : [])];
}

/** On Linux an interface exists when /sys/class/net has it; "any" (tcpdump's pseudo-device) always does. */
export function interfaceExists(iface: string): boolean | null {
  if (iface === "any") return true;
  if (process.platform !== "linux" || !existsSync("/sys/class/net")) return null;
  if (iface.includes("/") || iface === "." || iface === "..") return false;
  return existsSync(`/sys/class/net/${iface}`);
}

const SETCAP_HINT = (path: string, tool: CaptureToolName) =>
  `capturing needs root or CAP_NET_RAW: run kdiag with sudo, or once: sudo setcap cap_net_raw,cap_net_admin=eip ${path}` +
  (tool === "dumpcap" ? " (or add yourself to the wireshark group)" : "");

/** Turns what the tool said on stderr when it failed to start into one line that says what to do. */
export function classifyStartFailure(tool: CaptureToolName, toolPath: string, iface: string, stderr: string): CaptureStartError {
  const text = stderr.replace(/\s+/g, " ").trim();
  if (/permission|not permitted|EPERM|EACCES/i.test(text)) return new CaptureStartError("permission", `${tool} -i ${iface}: ${SETCAP_HINT(toolPath, tool)}`);
  if (/no such device|doesn't exist|no such interface|is not up|There is no device/i.test(text)) {
    return new CaptureStartError("no_such_interface", `${tool} -i ${iface}: no such network interface (ip link lists them; "any" captures on all)`);
  }
  if (/syntax error|filter expression|Invalid capture filter|can't parse filter/i.test(text)) {
    return new CaptureStartError("bad_filter", `${tool}: the capture filter is not valid BPF (tcpdump's syntax, e.g. "tcp port 9092"): ${lastLine(text)}`);
  }
  return new CaptureStartError("tool_failed", `${tool} -i ${iface} failed: ${lastLine(text) || "it exited without output"}`);
}

function lastLine(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * Starts the capture. `ready` resolves once the tool runs (its first bytes, or tcpdump's
 * "listening on" line: an idle interface may have no packet for a while) and rejects with a
 * CaptureStartError when it exits before that. `stream` yields the capture bytes until the
 * tool exits.
 */
export function startCapture(opts: LiveCaptureOptions): LiveCapture & { ready: Promise<void> } {
  const exists = interfaceExists(opts.iface);
  const { tool, path } = pickTool(opts);
  if (exists === false) throw new CaptureStartError("no_such_interface", `-i ${opts.iface}: no such network interface (ip link lists them; "any" captures on all)`);
  const args = captureCommand(tool, opts.iface, opts.filter);
  // Own process group: a Ctrl-C on the terminal reaches kdiag only, which then stops the child
  // itself and reads all it flushed (both getting SIGINT at once would race the final flush).
  const child = spawn(path, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let stderr = "";
  let markReady: () => void = () => {};
  let markFailed: (e: Error) => void = () => {};
  let started = false;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = () => {
      started = true;
      resolve();
    };
    markFailed = reject;
  });
  // Not awaited by everyone (a stop before the start): never an unhandled rejection.
  ready.catch(() => {});
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (s: string) => {
    // Only the last few kB matter (the error or the statistics), however long it runs.
    stderr = (stderr + s).slice(-8192);
    if (!started && /listening on |Capturing on /.test(stderr)) markReady();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.once("close", (code, signal) => {
      if (!started) markFailed(classifyStartFailure(tool, path, opts.iface, stderr));
      resolve({ code, signal, stderr });
    });
  });
  child.once("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") markFailed(new CaptureStartError("tool_missing", `${tool} not found (${path}): install the package ${tool === "tcpdump" ? "tcpdump" : "wireshark-common"}`));
    else if (err.code === "EACCES" || err.code === "EPERM") markFailed(new CaptureStartError("permission", `${tool}: cannot run ${path}: ${SETCAP_HINT(path, tool)}`));
    else markFailed(new CaptureStartError("tool_failed", `${tool}: ${err.message}`));
  });
  const out = child.stdout!;
  async function* stream(): AsyncGenerator<Uint8Array> {
    for await (const chunk of out) {
      if (!started) markReady();
      yield chunk as Uint8Array;
    }
  }
  let stopped = false;
  return {
    tool,
    command: [path, ...args],
    child,
    stream: stream(),
    ready,
    stop() {
      if (stopped || child.exitCode !== null || child.signalCode !== null) return;
      stopped = true;
      try {
        child.kill("SIGINT");
      } catch {
        // already gone
      }
    },
    exited,
  };
}

/** tcpdump's and dumpcap's closing statistics: packets the kernel dropped (the capture missed them). */
export function droppedByKernel(stderr: string): number | null {
  const m = /(\d+) packets? dropped by kernel/.exec(stderr) ?? /Packets dropped:\s*(\d+)/i.exec(stderr);
  return m ? Number(m[1]) : null;
}
