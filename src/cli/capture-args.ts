/**
 * The capture arguments of flows, packets, kafka, analyze and tui: FILE…, directories, or "-".
 * Files given together are one capture, merged by time (capture/merge.ts), unless --separate
 * asks for one analysis per file.
 */

import type { CapturePart } from "../capture/merge.js";
import { resolveCaptureArgs } from "../capture/sources.js";
import type { AnalysedCapture } from "../model/analysed-capture.js";
import { sanitize } from "../report/sanitize.js";
import { ExitCode } from "../exit-codes.js";
import type { Output } from "./output.js";
import { jobsFor, runSeparateOnWorkers } from "./separate-workers.js";

/** The capture files the arguments name, or null (after a one-line error, exit 3). */
export async function captureFiles(args: readonly string[], out: Output): Promise<string[] | null> {
  const r = await resolveCaptureArgs(args);
  for (const s of r.skipped) out.warn(`${sanitize(s.file)}: ${s.why}`);
  if (r.error !== null) {
    out.error(sanitize(r.error));
    out.exitCode = Math.max(out.exitCode, ExitCode.INPUT_UNUSABLE);
    return null;
  }
  return r.files;
}

/**
 * Runs `run` on the files as one capture, or, with `separate`, on each file alone, each file's
 * output headed by its name in text (JSON: one document per file, one after the other, which
 * `jq` reads as a stream). Separate files run on worker threads, `jobs` at a time (--jobs,
 * default the CPU count), when stdout is not a terminal (on one, each file shows its own progress);
 * the output is the same either way.
 */
export async function eachCapture(
  args: readonly string[],
  separate: boolean | undefined,
  json: boolean,
  out: Output,
  run: (files: string[]) => Promise<void>,
  jobs?: string,
): Promise<void> {
  const files = await captureFiles(args, out);
  if (files === null) return;
  if (!separate || files.length === 1) return run(files);
  const n = jobsFor(jobs, files.length);
  if (n > 1 && !out.isTerminal() && (await runSeparateOnWorkers(args, files, n, json, out))) return;
  for (const f of files) {
    if (!json) out.line(`== ${sanitize(f)}`);
    await run([f]);
    if (!json) out.line("");
  }
}

/**
 * Said once on stderr for a merged capture: how the files were read and what the packet numbers
 * mean, with each file's share of the packet numbers (for up to MAX_LISTED files).
 */
export function mergeNote(capture: AnalysedCapture, out: Output): void {
  const parts = capture.parts;
  if (!parts) return;
  const sets = new Set(parts.map((p) => p.set)).size;
  out.note(
    `${parts.length} files read as one capture, merged by time` +
      (sets < parts.length ? ` (${sets === 1 ? "one rotation set" : `${sets} rotation sets`}, each read in sequence)` : "") +
      `: packets are numbered 1-${capture.packets.count} over the merged capture, as mergecap -w merged.pcap FILE... numbers them`,
  );
  if (parts.length > MAX_LISTED) return;
  const inOrder = [...parts].sort((a, b) => (a.firstPacket || Infinity) - (b.firstPacket || Infinity));
  for (const p of inOrder) out.note(`  ${sanitize(p.file)}: ${partRange(p)}`);
}

/** More files than this are not listed one by one (a rotation set of 50 would bury the output). */
const MAX_LISTED = 8;

function partRange(p: CapturePart): string {
  const n = p.summary.frames;
  if (n === 0 || p.firstPacket === 0) return "no packets";
  return `${n} packet${n === 1 ? "" : "s"}, merged numbers ${p.firstPacket}-${p.lastPacket}`;
}

/** The headline's name for a capture: its file, or how many files were merged. */
export function captureLabel(capture: AnalysedCapture): string {
  return capture.parts ? `${capture.parts.length} files merged by time (${sanitize(capture.file)})` : sanitize(capture.file);
}
