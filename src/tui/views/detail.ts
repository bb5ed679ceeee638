/** Pane 5: the selected row of the pane you were in, in full: a protocol tree, a finding, a connection, or a followed stream. */

import { fit } from "../text.js";
import type { ViewDescriptor } from "./types.js";

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
    { id: "toggle", keys: ["enter"], description: "expand / collapse; in a stream, select the packet", visible: true, hint: "fold" },
    { id: "expand", keys: ["right", "l"], description: "expand" },
    { id: "collapse", keys: ["left", "h"], description: "collapse" },
    { id: "expand-all", keys: ["e"], description: "expand all", visible: true, hint: "all" },
    { id: "collapse-all", keys: ["c"], description: "collapse all" },
  ],
};
