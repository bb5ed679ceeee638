/** Pane 2: the `kdiag flows` table, sortable; Enter scopes the exchanges and packets to a connection. */

import { CONN_COLUMNS } from "../model.js";
import { followStream } from "./follow.js";
import type { ViewDescriptor } from "./types.js";

export const connectionsView: ViewDescriptor = {
  id: "connections",
  paneKey: "2",
  paneDescription: "connections pane",
  title: () => "Connections",
  titleInfo: (ctx) => (ctx.model ? [`(${ctx.lists.connections.count}/${ctx.model.connectionCount})`] : []),
  list: true,
  filterScope: "connection",
  detailOf: (ctx) => {
    const c = ctx.connOrder[ctx.lists.connections.selected];
    return c === undefined ? null : { kind: "connection", index: c };
  },
  header: (ctx, width) => ctx.model!.connHeader(width, ctx.sortKey, ctx.sortDesc),
  rowText: (ctx, i, width) => {
    const m = ctx.model!;
    const c = m.capture.connections[ctx.connOrder[i]!];
    return c ? m.connRow(c, width) : "";
  },
  empty: () => "no connections",
  onSelect: (ctx) => {
    const m = ctx.model!;
    const c = ctx.connOrder[ctx.lists.connections.selected];
    if (c === undefined) return;
    ctx.pushHistory();
    ctx.scopeTo(c);
    ctx.evidence = new Set(m.findingsOf(c).flatMap((f) => f.evidence.packets));
    ctx.evidenceLabel = "";
    ctx.setFocus(ctx.exchangeList.length > 0 ? "exchanges" : "packets");
  },
  actions: [
    { use: "enter", description: "show this connection's exchanges and packets", visible: true, hint: "drill" },
    { use: "follow-stream", description: "follow the connection: its Kafka messages in order", visible: true, hint: "follow", run: (ctx) => followStream(ctx, ctx.connOrder[ctx.lists.connections.selected], 0) },
    {
      id: "sort-next",
      keys: ["s"],
      description: "sort by the next column",
      visible: true,
      hint: "sort",
      run: (ctx) => {
        const i = CONN_COLUMNS.findIndex((c) => c.key === ctx.sortKey);
        ctx.sortKey = CONN_COLUMNS[(i + 1) % CONN_COLUMNS.length]!.key;
        // Numbers read best largest first; names alphabetically.
        ctx.sortDesc = !["id", "client", "server", "close"].includes(ctx.sortKey);
        ctx.refreshConnections();
        ctx.message = `sorted by ${CONN_COLUMNS.find((c) => c.key === ctx.sortKey)!.title}`;
      },
    },
    {
      id: "sort-reverse",
      keys: ["r"],
      description: "reverse the sort",
      run: (ctx) => {
        ctx.sortDesc = !ctx.sortDesc;
        ctx.refreshConnections();
      },
    },
  ],
};
