/** Pane 7: the selected connection over time: traffic each way, and marks for evidence, RST, FIN, keep-alive, SYN. */

import { escapeTags, fit } from "../text.js";
import { seriesTitles, timelineBuckets, timelineMarkRows, timelineRows } from "../timeline.js";
import type { ViewDescriptor } from "./types.js";

/** Rows the traffic chart takes (label, then title and sparkline for each direction). */
const CHART_ROWS = 6;

export const timelineView: ViewDescriptor = {
  id: "timeline",
  paneKey: "7",
  paneDescription: "timeline pane",
  title: () => "Timeline",
  titleInfo: (ctx) => {
    const c = ctx.selectedConnection();
    return c === null ? [] : [`- connection ${c}`];
  },
  lower: true,
  list: false,
  body: (ctx, width, rows) => {
    const m = ctx.model!;
    const c = ctx.selectedConnection();
    if (c === null) return ["select a connection"];
    const evidence = new Set([...ctx.evidence, ...m.findingsOf(c).flatMap((f) => f.evidence.packets)]);
    const input = { capture: m.capture, packets: m.packetsOf(c), evidence, width, glyphs: ctx.g };
    const rect = ctx.rectOf("timeline");
    // The chart needs its rows plus the marks row under it; a shorter pane gets the text cells.
    if (ctx.canChart() && rect && input.packets.length > 0 && rows >= CHART_ROWS + 2 && width >= 12) {
      // One sparkline character per bucket: the widget shows width - 2 values.
      const b = timelineBuckets(input, width - 2);
      // sparkline scales each series to its own range with 32-bit shifts: hand it small integers.
      const scale = (v: number[]) => {
        const max = Math.max(1, ...v);
        return v.map((x) => Math.ceil((x / max) * 1000));
      };
      ctx.showChart({ rect: { top: rect.top + 1, left: rect.left, width, height: CHART_ROWS }, titles: seriesTitles(b), data: [scale(b.c2sBytes), scale(b.s2cBytes)] });
      const under = timelineMarkRows(b).map((l) => escapeTags(fit(l, width)));
      return [...new Array<string>(CHART_ROWS).fill(""), ...under].slice(0, rows);
    }
    return timelineRows(input)
      .slice(0, rows)
      .map((l) => escapeTags(fit(l, width)));
  },
  actions: [],
};
