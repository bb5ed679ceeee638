/**
 * Message templates (`output`, `advice`): literal text with `{expression}` placeholders, each a
 * CEL expression over the scope's facts and `params` ("{conn.client_addr}",
 * "{params.message_max_bytes}"). `{{` and `}}` stand for literal braces.
 */

export type TemplatePart = { text: string } | { expr: string; offset: number };

export type TemplateParse = { ok: true; parts: TemplatePart[] } | { ok: false; offset: number; message: string };

export function parseTemplate(template: string): TemplateParse {
  const parts: TemplatePart[] = [];
  let text = "";
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c === "{" && template[i + 1] === "{") {
      text += "{";
      i += 2;
    } else if (c === "}" && template[i + 1] === "}") {
      text += "}";
      i += 2;
    } else if (c === "}") {
      return { ok: false, offset: i, message: 'unmatched "}" in template (write "}}" for a literal brace)' };
    } else if (c === "{") {
      const end = closingBrace(template, i + 1);
      if (end < 0) return { ok: false, offset: i, message: 'unclosed "{" in template (write "{{" for a literal brace)' };
      const expr = template.slice(i + 1, end);
      if (expr.trim() === "") return { ok: false, offset: i, message: "empty {} placeholder in template" };
      if (text) parts.push({ text });
      text = "";
      parts.push({ expr, offset: i + 1 });
      i = end + 1;
    } else {
      text += c;
      i++;
    }
  }
  if (text) parts.push({ text });
  return { ok: true, parts };
}

/** Index of the "}" closing a placeholder, skipping nested braces and quoted strings. */
function closingBrace(s: string, from: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = from; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "{") depth++;
    else if (c === "}") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** How a fact value reads in a message: lists joined, absent shown as "?". Raw capture text is kept (printers sanitise). */
export function renderValue(v: unknown): string {
  if (v === undefined || v === null) return "?";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
  if (typeof v === "bigint" || typeof v === "boolean" || typeof v === "string") return String(v);
  if (Array.isArray(v)) return v.map(renderValue).join(", ");
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => `${renderValue(k)}=${renderValue(x)}`).join(", ");
  if (typeof v === "object") return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${renderValue(x)}`).join(", ");
  return String(v);
}
