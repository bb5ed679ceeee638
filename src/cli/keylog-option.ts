/**
 * `--tls-keylog FILE`: reads a key log for the TLS dissector. Its problems are warnings, not
 * errors: a capture is still worth analysing without decryption (TLS and TCP levels), so a bad
 * line is skipped and named by number, and an unreadable file leaves TLS undecrypted. Never the
 * line's text: it may hold a secret.
 */

import { readFile } from "node:fs/promises";
import { KeyLog, parseKeyLog } from "../plugins/builtin.js";

const MAX_LINE_WARNINGS = 10;

export async function readKeyLogOption(path: string, warn: (message: string) => void): Promise<KeyLog> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    warn(`--tls-keylog ${path}: cannot read it (${code}); TLS is shown without decryption`);
    return new KeyLog();
  }
  const { keyLog, problems } = parseKeyLog(text);
  for (const p of problems.slice(0, MAX_LINE_WARNINGS)) warn(`--tls-keylog ${path}: line ${p.line} skipped: ${p.reason}`);
  if (problems.length > MAX_LINE_WARNINGS) warn(`--tls-keylog ${path}: ${problems.length - MAX_LINE_WARNINGS} more lines skipped`);
  return keyLog;
}
