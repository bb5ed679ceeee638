/**
 * One file of `--separate` on a worker thread (src/cli/separate-workers.ts): the user's command
 * line for that file alone, its stdout and stderr written to the files the main thread reads back.
 */

import { createWriteStream, type WriteStream } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { main } from "./main.js";
import type { SeparateJob } from "./separate-workers.js";

const job = workerData as SeparateJob;
const stdout = createWriteStream(job.stdoutFile);
const stderr = createWriteStream(job.stderrFile);
const ended = (s: WriteStream) => new Promise<void>((resolve) => s.end(resolve));
const exitCode = await main(job.argv, { stdout, stderr });
await Promise.all([ended(stdout), ended(stderr)]);
parentPort!.postMessage({ exitCode });
