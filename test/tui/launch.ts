/**
 * Runs the TUI the way `kdiag tui` will, until the CLI command lands:
 *   npx tsx test/tui/launch.ts CAPTURE [SERVER_SIDE_CAPTURE]
 */
import { runTui } from "../../src/tui/index.js";

const files = process.argv.slice(2);
process.exitCode = await runTui({ files });
