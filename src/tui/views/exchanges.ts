/** Pane 3: one row per request/response; Enter opens the exchange's tree with its request packet selected. */

import { exchangesPaneName } from "../exchange-title.js";
import { followStream } from "./follow.js";
import type { ViewContext, ViewDescriptor } from "./types.js";

/** The last name worked out: the title is drawn on every render, the exchanges change rarely. */
let named: { exchanges: readonly unknown[]; count: number; conn: number | null; name: string } | null = null;

/** "Kafka exchanges", "BinKV exchanges", or "Exchanges" when several protocols (or none) paired them. */
function paneName(ctx: ViewContext): string {
  const exchanges = ctx.model?.capture.exchanges;
  if (!exchanges) return "Exchanges";
  if (!named || named.exchanges !== exchanges || named.count !== exchanges.length || named.conn !== ctx.connScope) {
    named = { exchanges, count: exchanges.length, conn: ctx.connScope, name: exchangesPaneName(exchanges, ctx.connScope) };
  }
  return named.name;
}

export const exchangesView: ViewDescriptor = {
  id: "exchanges",
  paneKey: "3",
  paneDescription: "exchanges pane (requests and responses)",
  title: paneName,
  titleInfo: (ctx) => (ctx.model ? [ctx.connScope === null ? "- all connections" : `- connection ${ctx.connScope}`, `(${ctx.lists.exchanges.count})`] : []),
  list: true,
  filterScope: "exchange",
  detailOf: (ctx) => {
    const e = ctx.exchangeList[ctx.lists.exchanges.selected];
    return e === undefined ? null : { kind: "exchange", index: e };
  },
  header: (ctx, width) => ctx.model!.exchangeHeader(width),
  rowText: (ctx, i, width) => {
    const m = ctx.model!;
    const e = m.capture.exchanges[ctx.exchangeList[i]!];
    return e ? m.exchangeRow(e, width) : "";
  },
  empty: (ctx) => (ctx.connScope === null ? "no exchanges" : "no exchanges on this connection"),
  onSelect: (ctx) => {
    const e = ctx.exchangeList[ctx.lists.exchanges.selected];
    if (e === undefined) return;
    ctx.pushHistory();
    const ex = ctx.model!.capture.exchanges[e]!;
    const first = ex.request?.first ?? ex.response?.first;
    if (first !== undefined) ctx.selectPacketNumber(first);
    ctx.clearDetail();
    ctx.followSelection("exchanges");
    ctx.setFocus("detail");
  },
  actions: [
    { use: "enter", description: "open the exchange's tree and request packet", visible: true, hint: "tree" },
    {
      use: "follow-stream",
      description: "follow its connection: its messages in order",
      run: (ctx) => {
        const ex = ctx.model?.capture.exchanges[ctx.exchangeList[ctx.lists.exchanges.selected] ?? -1];
        followStream(ctx, ex?.connId, ex?.request?.first ?? ex?.response?.first ?? 0);
      },
    },
    { use: "scope-all", visible: true },
  ],
};
