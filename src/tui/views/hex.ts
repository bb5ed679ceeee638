/** Pane 6: the bytes of the selected packet, the selected tree field's bytes highlighted. */

import { hexLine } from "../hex.js";
import { escapeTags } from "../text.js";
import type { ViewDescriptor } from "./types.js";

export const hexView: ViewDescriptor = {
  id: "hex",
  paneKey: "6",
  paneDescription: "hex pane",
  title: () => "Hex",
  titleInfo: (ctx) => (ctx.hexPacket > 0 ? [`- packet ${ctx.hexPacket}`] : []),
  titleTail: (ctx) => {
    const { node, packet } = ctx.selectedField();
    return ctx.hexPacket > 0 && packet > 0 && node?.continuesTo ? [`[field continues to packet ${node.continuesTo}]`] : [];
  },
  lower: true,
  list: true,
  rowText: (ctx, i) => hexLine(ctx.hexBytes, i, { perLine: ctx.hexPerLine() }),
  body: (ctx, _width, rows) => {
    const s = ctx.lists.hex;
    if (s.count === 0) return null;
    const { node, packet } = ctx.selectedField();
    const mark = packet > 0 && packet === ctx.hexPacket && node!.length ? { start: node!.offset!, end: node!.offset! + node!.length } : null;
    const lines: string[] = [];
    for (let i = s.top; i < Math.min(s.count, s.top + rows); i++) {
      const text = hexLine(ctx.hexBytes, i, { perLine: ctx.hexPerLine(), mark, open: "\u0001", close: "\u0002", escape: escapeTags });
      lines.push(text.replace(/\u0001/g, "{inverse}").replace(/\u0002/g, "{/inverse}"));
    }
    return lines;
  },
  empty: () => "select a packet",
  actions: [],
};
