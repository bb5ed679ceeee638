/**
 * `--separate` on several files: each file's analysis runs on a worker thread of its own, up to
 * --jobs at a time (default: the CPU count), and the outputs come out in the order of the files,
 * each whole, exactly as one after the other would print them. A worker runs the same command
 * line as the user's, with the one file in place of the list (src/cli/separate-worker.ts), and
 * spools its stdout and stderr to temporary files, so a large output (packets of a big capture)
 * costs disk, not memory, while it waits for the files before it. The exit code is the worst of
 * the files'.
 */

import { appendFileSync, createReadStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { sanitize } from "../report/sanitize.js";
import { UsageError } from "./errors.js";
import type { Output } from "./output.js";

/** What a worker is given: the command line for its one file, and where its output goes. */
export interface SeparateJob {
  argv: string[];
  stdoutFile: string;
  stderrFile: string;
}

const WORKER = new URL("./separate-worker.js", import.meta.url);

/** The command line as main() received it, for the workers to run again file by file. */
let currentArgv: readonly string[] | null = null;

export function rememberArgv(argv: readonly string[]): void {
  currentArgv = argv;
}

/**
 * The user's command line with `positional` (the file arguments as typed) replaced by `file` and
 * without --separate / --jobs; null when the arguments cannot be told apart from option values.
 */
export function argvForFile(argv: readonly string[], positional: readonly string[], file: string): string[] | null {
  const out = [...argv];
  for (const a of [...positional].reverse()) {
    const at = out.lastIndexOf(a);
    if (at < 0) return null;
    out.splice(at, 1);
  }
  const kept: string[] = [];
  for (let i = 0; i < out.length; i++) {
    const a = out[i]!;
    if (a === "--separate") continue;
    if (a === "--jobs") {
      i++;
      continue;
    }
    if (a.startsWith("--jobs=")) continue;
    kept.push(a);
  }
  // After "--" everything is positional: put the file there too.
  kept.push(...(kept.includes("--") ? [file] : ["--", file]));
  return kept;
}

/** How many files to analyse at once: --jobs, else the CPU count (1 = one after the other). */
export function jobsFor(jobs: string | undefined, files: number): number {
  const n = jobs === undefined ? availableParallelism() : Number(jobs);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--jobs: a whole number of files at once, 1 or more, not ${JSON.stringify(jobs)}`);
  return Math.min(files, n);
}

/**
 * Runs the files on worker threads; returns false (nothing run) when the command line cannot be
 * rebuilt per file, so the caller runs them one after the other instead.
 */
export async function runSeparateOnWorkers(
  positional: readonly string[],
  files: readonly string[],
  jobs: number,
  json: boolean,
  out: Output,
): Promise<boolean> {
  // Run from its TypeScript sources (tests calling main() in-process), there is no compiled worker
  // to start: one after the other then.
  if (currentArgv === null || !existsSync(fileURLToPath(WORKER))) return false;
  const argvs = files.map((f) => argvForFile(currentArgv!, positional, f));
  if (argvs.some((a) => a === null)) return false;
  if (process.env.KDIAG_DEBUG) out.note(`debug: ${files.length} files on ${jobs} worker threads`);
  const dir = mkdtempSync(join(tmpdir(), "kdiag-separate-"));
  const running = new Set<Worker>();
  try {
    const jobsOf: SeparateJob[] = files.map((_, i) => ({ argv: argvs[i]!, stdoutFile: join(dir, `${i}.out`), stderrFile: join(dir, `${i}.err`) }));
    const done: Array<Promise<number>> = [];
    let next = 0;
    const slots: Array<Promise<void>> = [];
    const settle: Array<(code: number) => void> = [];
    for (let i = 0; i < files.length; i++) done.push(new Promise<number>((resolve) => settle.push(resolve)));
    const startNext = async (): Promise<void> => {
      while (next < files.length) {
        const i = next++;
        settle[i]!(await runWorker(jobsOf[i]!, running));
      }
    };
    for (let s = 0; s < jobs; s++) slots.push(startNext());
    // Print in file order as each is done (the later ones keep running meanwhile).
    for (let i = 0; i < files.length; i++) {
      const code = await done[i]!;
      if (!json) out.line(`== ${sanitize(files[i]!)}`);
      await out.flush();
      await copyOut(jobsOf[i]!.stdoutFile, out);
      await copyErr(jobsOf[i]!.stderrFile, out);
      if (!json) out.line("");
      out.exitCode = Math.max(out.exitCode, code);
    }
    await Promise.all(slots);
    return true;
  } finally {
    // Left early (the reader of stdout went away: `| head`): the files still running are stopped.
    await Promise.all([...running].map((w) => w.terminate()));
    rmSync(dir, { recursive: true, force: true });
  }
}

function runWorker(job: SeparateJob, running: Set<Worker>): Promise<number> {
  return new Promise((resolve) => {
    const w = new Worker(WORKER, { workerData: job });
    running.add(w);
    let code: number | null = null;
    w.on("message", (m: { exitCode: number }) => (code = m.exitCode));
    // A worker that fails outside main() (which reports its own errors): said on its stderr.
    w.on("error", (e) => {
      appendFileSync(job.stderrFile, `kdiag: internal error: ${e.message} (please report this with the command line)\n`);
      code = code ?? 1;
    });
    w.on("exit", () => {
      running.delete(w);
      resolve(code ?? 1);
    });
  });
}

/** The worker's stdout, as it wrote it (sanitised by its own Output; sanitising again changes nothing). */
async function copyOut(file: string, out: Output): Promise<void> {
  for await (const chunk of createReadStream(file, { encoding: "utf8" })) {
    out.raw(chunk as string);
    await out.flush();
  }
}

async function copyErr(file: string, out: Output): Promise<void> {
  for await (const chunk of createReadStream(file, { encoding: "utf8" })) out.rawErr(chunk as string);
}
