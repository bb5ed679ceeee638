/**
 * The views table: a pane is a descriptor, and its key, Tab place, hints, help section and
 * actions follow from it (checked with a pane the table does not have), conflicts included.
 */
import { describe, expect, it } from "vitest";
import { keyTable } from "../../src/tui/actions.js";
import { paneOrder } from "../../src/tui/layout.js";
import { PANE_ORDER, VIEWS } from "../../src/tui/views/index.js";
import type { ViewDescriptor, ViewId } from "../../src/tui/views/types.js";

const notes: ViewDescriptor = {
  id: "notes" as ViewId,
  paneKey: "9",
  paneDescription: "notes pane",
  title: () => "Notes",
  list: true,
  actions: [
    { id: "note-add", keys: ["N"], description: "add a note to the selected packet", visible: true, hint: "note" },
    { use: "enter", description: "open the note", visible: true, hint: "open" },
  ],
};

describe("the views table", () => {
  it("a new pane is one descriptor: its key, hints, help section and actions follow", () => {
    const K = keyTable(new Map(), [...VIEWS, notes]);
    expect(K.conflicts()).toEqual([]);
    expect(K.lookup("packets", "9")?.action).toBe("pane.notes");
    expect(K.lookup("notes" as ViewId, "N")?.action).toBe("note-add");
    expect(K.lookup("notes" as ViewId, "enter")?.action).toBe("enter");
    expect(K.lookup("notes" as ViewId, "j")?.action).toBe("down");
    expect(K.lookup("packets", "N")).toBeUndefined();
    expect(K.hints("notes" as ViewId, 80)).toMatch(/^<N> note {2}<enter> open {2}<tab> pane/);
    const help = K.helpLines("packets");
    expect(help).toContain("In the notes pane (9):");
    expect(help).toContainEqual(expect.stringMatching(/^ {2}<N> +add a note to the selected packet$/));
    expect(help).toContain("List keys (panes 1 2 3 4 5 6 8 9):");
    expect(help).toContainEqual(expect.stringMatching(/^ {2}<9> +notes pane$/));
    // The same table without it: none of that.
    expect(keyTable().lookup("packets", "9")).toBeUndefined();
  });

  it("a pane's key taken twice is caught, naming both actions and the pane", () => {
    const clash: ViewDescriptor = { ...notes, actions: [{ id: "note-add", keys: ["z"], description: "add a note" }] };
    expect(keyTable(new Map(), [...VIEWS, clash]).conflicts().map((c) => c.text)).toEqual([
      'key "z" is bound to both "note-add" (add a note) and "zoom" (maximise / restore this pane) in the notes pane',
    ]);
  });

  it("gives Tab order and the screen's order: the comparison after the findings, only with two captures", () => {
    expect(PANE_ORDER).toEqual(["findings", "compare", "connections", "exchanges", "packets", "detail", "hex", "timeline"]);
    expect(paneOrder(false)).not.toContain("compare");
    expect(VIEWS.map((v) => v.paneKey)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8"]);
  });
});
