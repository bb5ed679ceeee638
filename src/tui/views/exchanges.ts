/** Pane 3: one row per request/response; Enter opens the exchange's tree with its request packet selected. */

import type { ViewDescriptor } from "./types.js";

export const exchangesView: ViewDescriptor = {
  id: "exchanges",
  paneKey: "3",
  paneDescription: "Kafka exchanges pane",
  title: () => "Kafka exchanges",
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
  empty: (ctx) => (ctx.connScope === null ? "no Kafka exchanges" : "no Kafka exchanges on this connection"),
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
    { use: "follow-stream", description: "follow its connection: the Kafka messages in order" },
    { use: "scope-all", visible: true },
  ],
};
