/** Pane 5: the selected row of the pane you were in, in full: a protocol tree, a finding, a connection, or a followed stream. */

import { fit } from "../text.js";
import { allIds } from "../tree.js";
import { lowerBound } from "../vlist.js";
import type { ViewContext, ViewDescriptor } from "./types.js";

/** Opens (or closes) the selected node; Enter ("toggle") flips it. */
function fold(ctx: ViewContext, how: "toggle" | "expand" | "collapse"): void {
  const row = ctx.flat[ctx.lists.detail.selected];
  if (!row?.hasChildren) return;
  const open = how === "toggle" ? !row.expanded : how === "expand";
  if (open) ctx.expanded.add(row.id);
  else ctx.expanded.delete(row.id);
  ctx.reflatten(ctx.lists.detail.selected);
}

/** Enter in a followed stream: its packet selected in the packets pane (the stream stays). */
function streamEnter(ctx: ViewContext): void {
  const row = ctx.stream[ctx.lists.detail.selected];
  if (!row) return;
  if (ctx.packetList[lowerBound(ctx.packetList, row.packet - 1)] !== row.packet - 1) {
    ctx.message = `packet ${row.packet} is not in the packets pane's list: ${ctx.keys.say("clear-filter")} clears its filter, ${ctx.keys.say("scope-all")} shows all connections`;
    return;
  }
  ctx.selectPacketNumber(row.packet);
  ctx.message = `packet ${row.packet} selected in the packets pane (${ctx.keys.say("pane.packets")} goes there)`;
}

export const detailView: ViewDescriptor = {
  id: "detail",
  paneKey: "5",
  paneDescription: "detail (protocol tree) pane",
  title: (ctx) => (ctx.detail?.kind === "stream" ? `Stream - connection ${ctx.detail.index}` : "Detail"),
  lower: true,
  list: true,
  rowText: (ctx, i, width) => {
    const m = ctx.model!;
    const r = ctx.flat[i];
    if (!r) return "";
    if (ctx.detail?.kind === "stream") return fit(m.safe(r.node.label), width, ctx.g.ellipsis);
    const icon = r.hasChildren ? (r.expanded ? ctx.g.expanded : ctx.g.collapsed) : ctx.g.leaf;
    return fit(`${"  ".repeat(r.depth)}${icon} ${m.safe(r.node.label)}`, width, ctx.g.ellipsis);
  },
  empty: () => "select a packet or an exchange",
  actions: [
    { id: "toggle", keys: ["enter"], description: "expand / collapse; in a stream, select the packet", visible: true, hint: "fold", run: (ctx) => (ctx.detail?.kind === "stream" ? streamEnter(ctx) : fold(ctx, "toggle")) },
    { id: "expand", keys: ["right", "l"], description: "expand", run: (ctx) => fold(ctx, "expand") },
    { id: "collapse", keys: ["left", "h"], description: "collapse", run: (ctx) => fold(ctx, "collapse") },
    {
      id: "expand-all",
      keys: ["e"],
      description: "expand all",
      visible: true,
      hint: "all",
      run: (ctx) => {
        ctx.expanded = allIds(ctx.tree);
        ctx.reflatten(ctx.lists.detail.selected);
      },
    },
    {
      id: "collapse-all",
      keys: ["c"],
      description: "collapse all",
      run: (ctx) => {
        ctx.expanded = new Set();
        ctx.reflatten(0);
      },
    },
  ],
};
