/**
 * Child process for the stdin test: reads a capture from "-" and prints one line per frame as it
 * arrives, then a summary line. The parent only writes more once it saw the earlier frames.
 */
import { readCapture } from "../../src/capture/read.js";

const { summary, bytes } = await readCapture("-", (f) => {
  process.stdout.write(`frame ${f.number} ${f.capLen}\n`);
});
const back = bytes ? bytes.copy(24 + 16, 10).toString("hex") : "none";
bytes?.close();
process.stdout.write(`done ${summary.frames} ${summary.problems.map((p) => p.code).join(",") || "ok"} ${back}\n`);
