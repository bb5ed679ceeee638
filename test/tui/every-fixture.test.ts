/**
 * Every capture among the fixtures (tcpdump and cooked captures, snap lengths, captures that start
 * mid-connection, lossy ones, non-Kafka TCP, gzip) opens in the TUI and survives a walk through
 * every pane with the keys a user would press: no error, the screen whole, exit code 0.
 */
import { describe, expect, it } from "vitest";
import { allFixtureCaptures } from "../helpers/fixtures.js";
import { headless } from "./harness.js";

const WALK = ["3", "enter", "e", "j", "j", "j", "G", "6", "4", "G", "enter", "e", "G", "k", "7", "2", "s", "s", "enter", "a", "1", "enter", "]", "]", "[", "?", "escape", "z", "5", "z", "escape", "escape"];

describe("kdiag tui on every fixture capture", () => {
  const files = allFixtureCaptures();
  it("finds the fixtures", () => expect(files.length).toBeGreaterThan(50));
  it.each(files)("%s", async (_name, file) => {
    for (const size of [
      { cols: 80, rows: 24 },
      { cols: 132, rows: 40 },
    ]) {
      const h = await headless([file], size);
      for (const k of WALK) await h.press(k);
      expect(h.errors()).toBe("");
      const lines = h.lines();
      expect(lines).toHaveLength(size.rows);
      expect(lines[0]).toMatch(/^kdiag /);
      expect(lines[size.rows - 1]).toContain("<q> quit");
      await h.press("q");
      expect(await h.exit).toBe(0);
    }
  });
});
