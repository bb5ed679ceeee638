#!/usr/bin/env node
// kdiag's command-line entry point: runs the compiled CLI from dist/ (built by `npm ci`/`npm run build`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("kdiag: not built yet: run `npm ci` (or `npm run build`) in the kdiag folder first\n");
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
