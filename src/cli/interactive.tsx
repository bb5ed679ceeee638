/**
 * Ink rendering for a terminal: progress while the capture is read, then the findings summary.
 * Only used when stdout is a TTY and the text format is asked for; pipes get plain text.
 */

import { statSync } from "node:fs";
import { render } from "ink";
import type { Finding } from "../rules/index.js";
import { FindingsSummary, Progress } from "../report/ink/analyze-view.js";

/** Redraws at most this often: drawing must not slow the pass down. */
const REDRAW_EVERY_MS = 100;

export interface InteractiveAnalysis {
  progress(packets: number, bytes: number): void;
  /** Replaces the progress line with the findings summary and leaves it on screen. */
  done(findings: readonly Finding[]): void;
  /** Removes the progress line (on an error). */
  abort(): void;
}

export function startInteractive(file: string, stdout: NodeJS.WriteStream): InteractiveAnalysis {
  let totalBytes: number | undefined;
  try {
    totalBytes = file === "-" ? undefined : statSync(file).size;
  } catch {
    totalBytes = undefined;
  }
  const props = totalBytes === undefined ? {} : { totalBytes };
  const app = render(<Progress file={file} packets={0} bytes={0} {...props} />, { stdout, patchConsole: false, exitOnCtrlC: true });
  let last = 0;
  return {
    progress(packets, bytes) {
      const now = Date.now();
      if (now - last < REDRAW_EVERY_MS) return;
      last = now;
      app.rerender(<Progress file={file} packets={packets} bytes={bytes} {...props} />);
    },
    done(findings) {
      app.rerender(<FindingsSummary file={file} findings={findings} />);
      app.unmount();
      // Ink leaves the cursor at the end of its last line; the shell prompt belongs on the next.
      stdout.write("\n");
    },
    abort() {
      app.clear();
      app.unmount();
    },
  };
}
