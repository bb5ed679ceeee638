/**
 * The timeline of one connection, as text rows (pure): traffic per time bucket in each direction,
 * then a row of marks (R RST, F FIN, ! other finding evidence, K keep-alive, S SYN) and an axis. A long
 * idle gap shows as empty buckets, so "idle, then reset" reads at a glance. Drawn with the glyph
 * set, it degrades to ASCII on a VT100. (blessed-contrib's charts draw with braille dots, which a
 * VT100 or LANG=C cannot show, so the pane draws its own cells.)
 */

import type { AnalysedCapture } from "../model/analysed-capture.js";
import { TcpEvent } from "../tcp/types.js";
import { shortDuration, type Glyphs } from "./text.js";

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

/** Mark priority in one cell: the most telling event wins. */
const PRIORITY = ["R", "F", "!", "K", "S"];

export function timelineRows(t: TimelineInput): string[] {
  const n = t.packets.length;
  const label = 4;
  const cells = Math.max(4, t.width - label);
  if (n === 0) return ["(no packets)"];
  const p = t.capture.packets;
  const start = p.tsUs[t.packets[0]!]!;
  const end = p.tsUs[t.packets[n - 1]!]!;
  const span = Math.max(1, end - start);
  const c2s = new Array<number>(cells).fill(0);
  const s2c = new Array<number>(cells).fill(0);
  const marks = new Array<string>(cells).fill(" ");
  const bucket = (ts: number) => Math.min(cells - 1, Math.floor(((ts - start) / span) * cells));
  let longestGap = 0;
  let gapEnd = -1;
  for (let k = 0; k < n; k++) {
    const i = t.packets[k]!;
    const b = bucket(p.tsUs[i]!);
    (p.dir[i] === 0 ? c2s : s2c)[b]! += 1;
    const f = p.tcpFlags[i]!;
    const m = f & RST ? "R" : f & FIN ? "F" : t.evidence.has(i + 1) ? "!" : p.events[i]! & TcpEvent.KEEP_ALIVE ? "K" : f & SYN ? "S" : " ";
    if (m !== " " && (marks[b] === " " || PRIORITY.indexOf(m) < PRIORITY.indexOf(marks[b]!))) marks[b] = m;
    if (k > 0) {
      const gap = p.tsUs[i]! - p.tsUs[t.packets[k - 1]!]!;
      if (gap > longestGap) {
        longestGap = gap;
        gapEnd = i;
      }
    }
  }
  const max = Math.max(1, ...c2s, ...s2c);
  const bars = (counts: number[]) =>
    counts.map((c) => (c === 0 ? t.glyphs.bar[0]! : t.glyphs.bar[Math.max(1, Math.round((c / max) * (t.glyphs.bar.length - 1)))]!)).join("");
  const axisEnd = `+${shortDuration(span)}`;
  const axis = "0".padEnd(Math.max(1, cells - axisEnd.length)) + axisEnd;
  const rows = [`c>s ${bars(c2s)}`, `s>c ${bars(s2c)}`, `    ${marks.join("")}`, `    ${axis}`];
  const summary = [`span ${shortDuration(span)}`, `${n} packets`];
  if (gapEnd >= 0) summary.push(`longest idle ${shortDuration(longestGap)} ending at #${gapEnd + 1}`);
  rows.push(summary.join(", "));
  rows.push("marks: ! evidence  R RST  F FIN  K keep-alive  S SYN");
  return rows;
}
