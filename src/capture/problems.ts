import type { CaptureProblem, CaptureProblemCode } from "./types.js";

/**
 * One line for a person: `file: packet N: what`, or `file: offset X: what` when the problem is not
 * tied to a packet number (file header, unknown interface, missing file).
 */
export function formatProblem(p: CaptureProblem): string {
  const where = p.packet !== undefined ? `packet ${p.packet}` : `offset ${p.offset}`;
  return `${p.file}: ${where}: ${p.message}`;
}

/** Problems that leave nothing to analyse: the file is missing, unreadable, empty or not a capture. */
const UNUSABLE: ReadonlySet<CaptureProblemCode> = new Set(["not_found", "unreadable", "empty", "unknown_format"]);

export function isUnusable(p: CaptureProblem): boolean {
  return p.fatal && UNUSABLE.has(p.code);
}

/** Non-fatal problems of one code reported one by one before they are only counted. */
export const PROBLEMS_PER_CODE = 20;

/**
 * Collects the problems of one read. Fatal problems: at most one (the first wins; reading stops
 * there). Non-fatal ones: the first PROBLEMS_PER_CODE of each code in full, the rest counted and
 * summarised in one closing problem, so a corrupt file that repeats the same fault a million times
 * costs a counter, not a million objects.
 */
export class ProblemLog {
  readonly list: CaptureProblem[] = [];
  private fatalSeen = false;
  private readonly counts = new Map<CaptureProblemCode, number>();

  constructor(readonly file: string) {}

  get hasFatal(): boolean {
    return this.fatalSeen;
  }

  fatal(code: CaptureProblemCode, message: string, offset: number, packet?: number): void {
    if (this.fatalSeen) return;
    this.fatalSeen = true;
    this.list.push(make(this.file, code, message, offset, packet, true));
  }

  /** `message` is a thunk so an over-the-cap repeat costs no string formatting. */
  warn(code: CaptureProblemCode, message: () => string, offset: number, packet?: number): void {
    const n = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, n);
    if (n <= PROBLEMS_PER_CODE) this.list.push(make(this.file, code, message(), offset, packet, false));
  }

  /** Adds one summary line per code that went over the cap. Call once, at the end. */
  finish(lastOffset: number): void {
    for (const [code, n] of this.counts) {
      if (n > PROBLEMS_PER_CODE) {
        const more = n - PROBLEMS_PER_CODE;
        const msg = `${more} more problem${more === 1 ? "" : "s"} like the above (${code}) not listed`;
        // Keep the fatal problem, if any, last: it is where reading stopped.
        const at = this.fatalSeen ? this.list.length - 1 : this.list.length;
        this.list.splice(at, 0, make(this.file, code, msg, lastOffset, undefined, false));
      }
    }
  }
}

function make(
  file: string,
  code: CaptureProblemCode,
  message: string,
  offset: number,
  packet: number | undefined,
  fatal: boolean,
): CaptureProblem {
  const p: CaptureProblem = { code, message, file, offset, fatal };
  if (packet !== undefined) p.packet = packet;
  return p;
}
