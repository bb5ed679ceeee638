/**
 * The binary example plugin's tree offsets are PDU-relative: the TUI maps them to the frame that
 * holds the bytes, and the hex pane highlights exactly the field's bytes (headless TUI, loaded with
 * the plugin as `--plugin` does, on the real capture of scripts/fixtures/make-binkv-capture.sh).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { headlessPerTest, hexRuns, selectedDetailRow, type Headless } from "./harness.js";

const ROOT = join(import.meta.dirname, "..", "..");
const PLUGIN = join(ROOT, "dissectors", "example-binary", "index.js");
const CAPTURE = join(ROOT, "test", "fixtures", "plugins", "binkv.pcap");

const startTui = headlessPerTest();



async function selectField(h: Headless, search: string): Promise<void> {
  await h.press("5", "/", "C-u");
  await h.type(search);
  await h.press("enter");
}

describe("BinKV's fields in the hex pane (headless TUI)", () => {
  it("highlights the bytes of the field selected in its tree", async () => {
    const h = await startTui([CAPTURE], { cols: 100, rows: 40 }, { plugins: [PLUGIN] });
    await h.press("4", "/");
    await h.type("binkv.status == 3");
    await h.press("enter");
    expect(h.text()).toContain("▾ BinKV response: PUT response #1 VALUE_TOO_LARGE");

    await selectField(h, "Status:");
    expect(selectedDetailRow(h)).toMatch(/Status: 3 \(VALUE_TOO_LARGE\)$/);
    await h.press("6", "z");
    expect(h.lines().find((l) => /^[ >]6 Hex/.test(l))).toContain("Hex - packet 9");
    // Bytes 10-11 of the PDU: the uint16 status.
    expect(hexRuns(h).hex).toBe("00 03");

    await h.press("z");
    await selectField(h, "Correlation id:");
    expect(selectedDetailRow(h)).toMatch(/Correlation id: 0x1$/);
    await h.press("6", "z");
    expect(hexRuns(h).hex).toBe("00 00 00 01");

    await h.press("z");
    await selectField(h, "Message:");
    await h.press("6", "z");
    // The uint16 length (46) and the text after it.
    expect(hexRuns(h).ascii).toBe("..value of 70000 bytes over the 65536 byte limit");
  });
});
