/**
 * Buffered output for the CLI: results to stdout in large writes that respect back-pressure (a
 * million packet lines into a pipe must not pile up in memory), messages to stderr as one line
 * each, prefixed "kdiag: ". A reader that goes away (`| head`) ends the output quietly. Every
 * text passes sanitizeOutput on its way out: nothing from a capture, a rule file, a plugin or a
 * file name reaches a terminal as a control character or escape sequence.
 */

import { toJson } from "../report/json.js";
import { sanitizeOutput } from "../report/sanitize.js";
import { ExitCode } from "../exit-codes.js";

const FLUSH_AT = 64 * 1024;

class BrokenPipe extends Error {
  readonly code = "EPIPE";
}

export class Output {
  exitCode: number = ExitCode.OK;
  private pending: string[] = [];
  private pendingLength = 0;
  private closed = false;

  constructor(
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {
    this.stdout.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") this.closed = true;
    });
  }

  /** stdout is the process's own terminal (not a pipe, a file or a test stream). */
  isTerminal(): boolean {
    return this.stdout === process.stdout && process.stdout.isTTY === true;
  }

  static isBrokenPipe(err: unknown): boolean {
    return err instanceof BrokenPipe || (err as NodeJS.ErrnoException)?.code === "EPIPE";
  }

  raw(text: string): void {
    this.push(text);
  }

  rawErr(text: string): void {
    this.stderr.write(sanitizeOutput(text));
  }

  line(text: string): void {
    this.push(`${text}\n`);
  }

  /** Like line(), but waits for the pipe to drain when the buffer is full. */
  async lineAsync(text: string): Promise<void> {
    this.push(`${text}\n`);
    if (this.pendingLength >= FLUSH_AT) await this.flush();
  }

  /**
   * line() for synchronous code (output printed inside the capture pass): a full buffer is written
   * at once, without waiting for a drain. process.stdout to a pipe, a file or a terminal writes
   * synchronously on Linux, so the pass itself waits for a slow reader and nothing piles up.
   */
  lineNow(text: string): void {
    this.push(`${text}\n`);
    if (this.pendingLength < FLUSH_AT) return;
    const chunk = this.pending.join("");
    this.pending = [];
    this.pendingLength = 0;
    this.stdout.write(chunk);
  }

  json(value: unknown): void {
    this.push(`${toJson(value)}\n`);
  }

  /** Lines written as they come, waiting for the reader when the buffer is full. */
  async lines(lines: Iterable<string>): Promise<void> {
    for (const l of lines) {
      this.push(`${l}\n`);
      if (this.pendingLength >= FLUSH_AT) await this.flush();
    }
  }

  /** `{"name": [ ...items ]}` written item by item, never holding the whole document. */
  async jsonArray(name: string, items: Iterable<unknown>): Promise<void> {
    this.push(`{${JSON.stringify(name)}:[`);
    let first = true;
    for (const item of items) {
      this.push(first ? toJson(item) : `,${toJson(item)}`);
      first = false;
      if (this.pendingLength >= FLUSH_AT) await this.flush();
    }
    this.push("]}\n");
  }

  /** A line of information for the user (not a result): to stderr, so pipes get clean output. */
  note(message: string): void {
    this.stderr.write(`kdiag: ${sanitizeOutput(message)}\n`);
  }

  warn(message: string): void {
    this.stderr.write(`kdiag: warning: ${sanitizeOutput(message)}\n`);
  }

  error(message: string): void {
    this.stderr.write(`kdiag: ${sanitizeOutput(message)}\n`);
  }

  private push(raw: string): void {
    if (this.closed) throw new BrokenPipe("stdout closed");
    const text = sanitizeOutput(raw);
    this.pending.push(text);
    this.pendingLength += text.length;
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0 || this.closed) return;
    const chunk = this.pending.join("");
    this.pending = [];
    this.pendingLength = 0;
    const ok = this.stdout.write(chunk);
    if (!ok && !this.closed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.stdout.off("drain", done);
          this.stdout.off("error", done);
          resolve();
        };
        this.stdout.on("drain", done);
        this.stdout.on("error", done);
      });
    }
    if (this.closed) throw new BrokenPipe("stdout closed");
  }
}
