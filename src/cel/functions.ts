/**
 * Functions rule templates and conditions may call to say numbers the way an operator reads
 * them: dur(ms) "5.96 s", nbytes(n) "310 kB (310,204 bytes)", clock(s) "21:35:14.123 UTC".
 */

import type { Environment } from "@marcbachmann/cel-js";

/** Milliseconds as a readable duration with three significant digits. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "?";
  const a = Math.abs(ms);
  if (a < 1) return `${sig(ms * 1000)} µs`;
  if (a < 1000) return `${sig(ms)} ms`;
  if (a < 60_000) return `${sig(ms / 1000)} s`;
  if (a < 3_600_000) {
    const m = Math.floor(a / 60_000);
    const s = Math.round((a - m * 60_000) / 1000);
    return `${ms < 0 ? "-" : ""}${m} min${s ? ` ${s} s` : ""}`;
  }
  const h = Math.floor(a / 3_600_000);
  const m = Math.round((a - h * 3_600_000) / 60_000);
  return `${ms < 0 ? "-" : ""}${h} h${m ? ` ${m} min` : ""}`;
}

/** Three significant digits, no trailing zeros: 5956.09 -> "5960", 5.95609 -> "5.96". */
function sig(x: number): string {
  if (x === 0) return "0";
  const d = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return String(Number(x.toFixed(d)));
}

/** A byte count with its unit, and the exact number where it was rounded. */
export function formatBytes(n: number): string {
  const exact = n.toLocaleString("en-US");
  if (Math.abs(n) < 1000) return `${n} bytes`;
  const [v, u] = Math.abs(n) < 1e6 ? [n / 1e3, "kB"] : Math.abs(n) < 1e9 ? [n / 1e6, "MB"] : [n / 1e9, "GB"];
  return `${sig(v)} ${u} (${exact} bytes)`;
}

/** Seconds since the epoch as a UTC time of day with milliseconds (the date is in the report's header). */
export function formatClock(s: number): string {
  if (!Number.isFinite(s)) return "?";
  return `${new Date(s * 1000).toISOString().slice(11, 23)} UTC`;
}

export function registerFormatFunctions(env: Environment): void {
  env.registerFunction("dur(double): string", (ms: number) => formatDuration(ms), { description: "Milliseconds as a readable duration: 5.96 s" });
  env.registerFunction("nbytes(int): string", (n: bigint) => formatBytes(Number(n)), { description: "A byte count with its unit: 310 kB (310,204 bytes)" });
  env.registerFunction("clock(double): string", (s: number) => formatClock(s), { description: "Seconds since the epoch as a UTC time of day: 21:35:14.123 UTC" });
}
