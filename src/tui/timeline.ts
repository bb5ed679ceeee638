/**
 * The timeline of one connection (pure): traffic per time bucket in each direction, then a row of
 * marks (R RST, F FIN, ! other finding evidence, K keep-alive, S SYN) and an axis. A long idle gap
 * shows as empty buckets, so "idle, then reset" reads at a glance.
 *
 * Two renderings share the buckets. On a Unicode terminal the traffic rows are a blessed-contrib
 * sparkline widget (bytes per bucket, each direction; see app.ts) and this module gives the rows
 * under it (timelineMarkRows). On ASCII (TERM=vt100, LANG=C) — or in a pane too short for the
 * widget — the whole timeline is text cells drawn with the glyph set (timelineRows): contrib's
 * charts draw with block or braille characters that a VT100 cannot show.
 */

import type { AnalysedCapture } from "../model/analysed-capture.js";
import { TcpEvent } from "../tcp/types.js";
import { shortCount, shortDuration, type Glyphs } from "./text.js";

const FIN = 0x001;
const SYN = 0x002;
const RST = 0x004;

export interface TimelineInput {
  capture: AnalysedCapture;
  /** Packet indices (0-based) of the connection, ascending. */
  packets: ArrayLike<number>;
  /** Packet numbers (1-based) that are evidence of a finding. */
  evidence: ReadonlySet<number>;
  width: number;
  glyphs: Glyphs;
}

/** Per-bucket counts of one connection over its span. */
export interface TimelineBuckets {
  cells: number;
  span: number;
  packets: number;
  c2sPackets: number[];
  s2cPackets: number[];
  /** Frame bytes on the wire per bucket. */
  c2sBytes: number[];
  s2cBytes: number[];
  marks: string[];
  longestGap: number;
  /** Packet index (0-based) that ended the longest gap, -1 for none. */
  gapEnd: number;
}

/** Mark priority in one cell: the most telling event wins. */
const PRIORITY = ["R", "F", "!", "K", "S"];
/** Columns of the row labels ("c>s ") in the text rendering. */
const LABEL = 4;

/** Buckets the connection's packets into `cells` equal time slices. */
export function timelineBuckets(t: TimelineInput, cells: number): TimelineBuckets {
  const n = t.packets.length;
  const p = t.capture.packets;
  const zeros = () => new Array<number>(cells).fill(0);
  const out: TimelineBuckets = {
    cells,
    span: 1,
    packets: n,
    c2sPackets: zeros(),
    s2cPackets: zeros(),
    c2sBytes: zeros(),
    s2cBytes: zeros(),
    marks: new Array<string>(cells).fill(" "),
    longestGap: 0,
    gapEnd: -1,
  };
  if (n === 0) return out;
  const start = p.tsUs[t.packets[0]!]!;
  const end = p.tsUs[t.packets[n - 1]!]!;
  out.span = Math.max(1, end - start);
  const bucket = (ts: number) => Math.min(cells - 1, Math.floor(((ts - start) / out.span) * cells));
  for (let k = 0; k < n; k++) {
    const i = t.packets[k]!;
    const b = bucket(p.tsUs[i]!);
    const c2s = p.dir[i] === 0;
    (c2s ? out.c2sPackets : out.s2cPackets)[b]! += 1;
    (c2s ? out.c2sBytes : out.s2cBytes)[b]! += p.origLen[i]!;
    const f = p.tcpFlags[i]!;
    const m = f & RST ? "R" : f & FIN ? "F" : t.evidence.has(i + 1) ? "!" : p.events[i]! & TcpEvent.KEEP_ALIVE ? "K" : f & SYN ? "S" : " ";
    const marks = out.marks;
    if (m !== " " && (marks[b] === " " || PRIORITY.indexOf(m) < PRIORITY.indexOf(marks[b]!))) marks[b] = m;
    if (k > 0) {
      const gap = p.tsUs[i]! - p.tsUs[t.packets[k - 1]!]!;
      if (gap > out.longestGap) {
        out.longestGap = gap;
        out.gapEnd = i;
      }
    }
  }
  return out;
}

/** The whole timeline as text cells (the ASCII rendering): two traffic rows, marks, axis, summary. */
export function timelineRows(t: TimelineInput): string[] {
  if (t.packets.length === 0) return ["(no packets)"];
  const b = timelineBuckets(t, Math.max(4, t.width - LABEL));
  const max = Math.max(1, ...b.c2sPackets, ...b.s2cPackets);
  const bars = (counts: number[]) =>
    counts.map((c) => (c === 0 ? t.glyphs.bar[0]! : t.glyphs.bar[Math.max(1, Math.round((c / max) * (t.glyphs.bar.length - 1)))]!)).join("");
  return [`c>s ${bars(b.c2sPackets)}`, `s>c ${bars(b.s2cPackets)}`, ...markRows(b, " ".repeat(LABEL))];
}

/**
 * The rows under a traffic chart whose buckets are one cell each from column 0: marks, axis,
 * summary, legend.
 */
export function timelineMarkRows(b: TimelineBuckets): string[] {
  if (b.packets === 0) return ["(no packets)"];
  return markRows(b, "");
}

function markRows(b: TimelineBuckets, indent: string): string[] {
  const axisEnd = `+${shortDuration(b.span)}`;
  const axis = "0".padEnd(Math.max(1, b.cells - axisEnd.length)) + axisEnd;
  const summary = [`span ${shortDuration(b.span)}`, `${b.packets} packets`];
  if (b.gapEnd >= 0) summary.push(`longest idle ${shortDuration(b.longestGap)} ending at #${b.gapEnd + 1}`);
  return [`${indent}${b.marks.join("")}`, `${indent}${axis}`, summary.join(", "), "marks: ! evidence  R RST  F FIN  K keep-alive  S SYN"];
}

/** Titles of the two traffic series of the chart: direction, total bytes, busiest bucket. */
export function seriesTitles(b: TimelineBuckets): [string, string] {
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const per = shortDuration(b.span / b.cells);
  const title = (name: string, bytes: number[]) => `${name}: ${shortCount(sum(bytes))} bytes, peak ${shortCount(Math.max(0, ...bytes))} per ${per}`;
  return [title("client > server", b.c2sBytes), title("server > client", b.s2cBytes)];
}
