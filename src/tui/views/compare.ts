/** Pane 8 (two captures only): the connections of both sides matched, and where each reset came from. */

import { fit } from "../text.js";
import type { ViewDescriptor } from "./types.js";

export const compareView: ViewDescriptor = {
  id: "compare",
  paneKey: "8",
  paneDescription: "two-capture comparison pane",
  placeAfter: "findings",
  comparison: true,
  title: () => "Comparison (client side vs server side)",
  list: true,
  detailOf: (ctx) => (ctx.compareRows?.[ctx.lists.compare.selected] ? { kind: "compare", index: ctx.lists.compare.selected } : null),
  rowText: (ctx, i, width) => fit(ctx.model!.safe(ctx.compareRows?.[i]?.text ?? ""), width, ctx.g.ellipsis),
  onSelect: (ctx) => {
    const row = ctx.compareRows?.[ctx.lists.compare.selected];
    if (!row?.clientOnly) return;
    if (row.clientConn === null || row.clientConn === undefined) {
      ctx.message = "this connection is in the server-side capture only";
      return;
    }
    const only = row.clientOnly().map((i) => i + 1);
    ctx.pushHistory();
    ctx.scopeTo(row.clientConn);
    ctx.evidence = new Set(only);
    ctx.evidenceLabel = "client side only";
    if (only[0] !== undefined) ctx.selectPacketNumber(only[0]);
    ctx.setFocus("packets");
    ctx.followSelection("packets");
    const next = ctx.keys.say("next-mark");
    ctx.message =
      only.length === 0
        ? `connection ${row.clientConn}: every client-side packet was seen on the server side`
        : `seen on the client side only: packet${only.length === 1 ? "" : "s"} ${only.slice(0, 8).join(", ")}${only.length > 8 ? " ..." : ""}${only.length > 1 ? ` (${next} next)` : ""}`;
  },
  actions: [{ use: "enter", description: "its packets, those seen client side only marked", visible: true, hint: "one-side" }],
};
