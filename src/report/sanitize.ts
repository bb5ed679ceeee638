/**
 * Text that came from a capture (client ids, topic names, summaries a plugin built from payload
 * bytes) must never reach a terminal raw: a capture could otherwise move the cursor, retitle the
 * window or worse. Control characters, escape sequences and invisible bidi controls are shown
 * escaped instead.
 */

// C0 controls, DEL, C1 controls, and the Unicode bidi/format controls used for spoofing.
const OTHER_UNSAFE = "\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff";
const UNSAFE = new RegExp(`[\\u0000-\\u001f${OTHER_UNSAFE}]`, "g");

function escapeChar(ch: string): string {
  switch (ch) {
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
    case "\u001b":
      return "\\e";
  }
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Returns `text` with every unsafe character escaped; plain text comes back unchanged. */
export function sanitize(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

// The same, but line breaks pass: for whole outputs, whose lines kdiag itself separates.
const UNSAFE_BUT_NEWLINE_CLASS = `[\\u0000-\\u0009\\u000b-\\u001f${OTHER_UNSAFE}]`;
const HAS_UNSAFE_BUT_NEWLINE = new RegExp(UNSAFE_BUT_NEWLINE_CLASS); // no /g: test() keeps no state
const UNSAFE_BUT_NEWLINE = new RegExp(UNSAFE_BUT_NEWLINE_CLASS, "g");

/**
 * The last line of defence, applied by the CLI to everything it writes to stdout and stderr:
 * whatever a report forgot to sanitise (a file name, a rule file's text, a plugin's message)
 * reaches the terminal escaped. Text already sanitised comes back unchanged.
 */
export function sanitizeOutput(text: string): string {
  return HAS_UNSAFE_BUT_NEWLINE.test(text) ? text.replace(UNSAFE_BUT_NEWLINE, escapeChar) : text;
}
