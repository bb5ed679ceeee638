/**
 * JSON for scripts. JSON.stringify already escapes C0 controls; this also escapes DEL, the C1
 * controls and the bidi/format controls, which it leaves raw, so that `kdiag ... --json` piped to
 * a terminal cannot drive it either. The data is unchanged: these are ordinary JSON escapes.
 */

const LEFT_RAW_BY_STRINGIFY = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

export function toJson(value: unknown, pretty = false): string {
  const text = JSON.stringify(value, bigintAsString, pretty ? 2 : undefined);
  return text.replace(LEFT_RAW_BY_STRINGIFY, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function bigintAsString(_key: string, v: unknown): unknown {
  return typeof v === "bigint" ? v.toString() : v;
}
