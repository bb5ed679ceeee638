#!/bin/sh
":" //; case " $* " in *" tui "*) export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-131072}" ;; esac; exec node "$0" "$@"
// kdiag's command-line entry point: runs the compiled CLI from dist/ (built by `npm ci`/`npm run build`).
//
// The two lines above are read by sh, and by node as a string and a comment: run as a program
// (`kdiag`, `npx kdiag`), the file is started by sh, which sets one glibc setting for `kdiag tui`
// and hands over to node in the same process (exec). `kdiag tui` holds a capture's typed-array
// columns for a whole session; glibc's malloc raises its mmap threshold after the first large
// buffer is freed, so the columns' later growth is served from the heap, where the holes their
// doubling leaves behind are never given back to the system: 65 MiB of a 1M-packet TUI (VmRSS
// 361 -> 295 MiB once loaded, bench/memory.js). With the threshold fixed, every buffer of 128 KiB
// or more is a mapping of its own, returned when freed. glibc reads it only at process start, and
// node cannot set it for itself. `node bin/kdiag.js` skips sh and the setting.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";

// `kdiag tui` keeps V8's young generation at its initial 2 MiB while it loads a capture (see
// src/tui/settle-heap.ts, keepYoungGenerationSmall). Set here, before the CLI's modules load:
// loading them already grew it to its 32 MiB maximum, which V8 never gives back, so set later
// (where the TUI starts reading) it came too late (measured at 1M packets: VmRSS once loaded
// 283 -> 252 MiB, bench/memory.js). The same test of the arguments as the sh line above.
if (` ${process.argv.slice(2).join(" ")} `.includes(" tui ")) {
  try {
    setFlagsFromString("--semi-space-growth-factor=1");
  } catch {
    // A runtime without the flag keeps its default: only memory is at stake.
  }
}

const entry = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("kdiag: not built yet: run `npm ci` (or `npm run build`) in the kdiag folder first\n");
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
