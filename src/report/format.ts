/** Small formatting helpers shared by the text reports. */

/** Microseconds since the epoch -> "2026-11-26 02:11:49.123456 UTC". */
export function formatAbsoluteTime(tsUs: number): string {
  const ms = Math.floor(tsUs / 1000);
  const iso = new Date(ms).toISOString(); // 2026-11-26T02:11:49.123Z
  const micros = String(Math.floor(tsUs) % 1_000_000).padStart(6, "0");
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${micros} UTC`;
}

/** Microseconds -> seconds with microsecond precision, as JSON numbers carry times. */
export function usToSeconds(us: number): number {
  return Math.round(us) / 1e6;
}

/** Microseconds -> milliseconds, rounded to the microsecond. */
export function usToMs(us: number): number {
  return Math.round(us) / 1000;
}

/** A duration for humans: "850us", "12.3ms", "4.21s", "7m12s", "2h03m". */
export function formatDuration(us: number): string {
  if (us < 1000) return `${Math.round(us)}us`;
  if (us < 1e6) return `${(us / 1000).toFixed(us < 1e4 ? 2 : 1)}ms`;
  const s = us / 1e6;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** 1234567 -> "1.2M", 2048 -> "2.0k": compact counts for narrow columns. */
export function formatCount(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1e6) return `${(n / 1e3).toFixed(1)}k`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)}M`;
  return `${(n / 1e9).toFixed(1)}G`;
}

/**
 * A left-aligned text table, line by line: every column as wide as its widest cell. `rows` is
 * called twice (widths, then lines), so a table of a million rows is never held whole.
 */
export function* tableLines(header: string[], rows: () => Iterable<string[]>, rightAligned: ReadonlySet<number> = new Set()): Generator<string> {
  const widths = header.map((h) => h.length);
  for (const r of rows()) {
    for (let i = 0; i < widths.length; i++) {
      const n = (r[i] ?? "").length;
      if (n > widths[i]!) widths[i] = n;
    }
  }
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  yield line(header);
  for (const r of rows()) yield line(r);
}

/** A small table as one string (tableLines for one that can be large). */
export function renderTable(header: string[], rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string {
  return [...tableLines(header, () => rows, rightAligned)].join("\n");
}

/** Splits text into lines of at most `width` characters at spaces (a longer word stands alone). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
