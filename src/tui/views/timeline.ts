/** Pane 7: the selected connection over time: traffic each way, and marks for evidence, RST, FIN, keep-alive, SYN. */

import sparkline from "blessed-contrib/lib/widget/sparkline.js";
import { escapeTags, fit } from "../text.js";
import { seriesTitles, timelineBuckets, timelineMarkRows, timelineRows } from "../timeline.js";
import type { ViewDescriptor } from "./types.js";

interface ChartData {
  titles: string[];
  data: number[][];
}

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
    if (ctx.hasOverlay("timeline") && rect && input.packets.length > 0 && rows >= CHART_ROWS + 2 && width >= 12) {
      // One sparkline character per bucket: the widget shows width - 2 values.
      const b = timelineBuckets(input, width - 2);
      // sparkline scales each series to its own range with 32-bit shifts: hand it small integers.
      const scale = (v: number[]) => {
        const max = Math.max(1, ...v);
        return v.map((x) => Math.ceil((x / max) * 1000));
      };
      const chart: ChartData = { titles: seriesTitles(b), data: [scale(b.c2sBytes), scale(b.s2cBytes)] };
      ctx.showOverlay("timeline", { top: rect.top + 1, left: rect.left, width, height: CHART_ROWS }, chart);
      const under = timelineMarkRows(b).map((l) => escapeTags(fit(l, width)));
      return [...new Array<string>(CHART_ROWS).fill(""), ...under].slice(0, rows);
    }
    return timelineRows(input)
      .slice(0, rows)
      .map((l) => escapeTags(fit(l, width)));
  },
  // blessed-contrib draws block characters: Unicode terminals only, the text cells otherwise.
  overlay: (screen, caps) => {
    if (!caps.unicode) return null;
    const chart = sparkline({
      parent: screen,
      label: "Traffic (bytes on the wire per time bucket)",
      tags: true,
      top: 0,
      left: 0,
      width: 1,
      height: 1,
      style: caps.colour ? { fg: "green", titleFg: "white" } : { titleFg: "default" },
    });
    chart.hide();
    return {
      show: (rect, data) => {
        const d = data as ChartData;
        chart.top = rect.top;
        chart.left = rect.left;
        chart.width = rect.width;
        chart.height = rect.height;
        chart.show();
        chart.setFront();
        chart.setData(d.titles, d.data);
      },
      hide: () => chart.hide(),
    };
  },
  actions: [],
};
