/** Pane 1: one row per cause (rule), most severe first; a cause on several connections opens into one row each. */

import { findingItemText } from "../finding-groups.js";
import type { ViewDescriptor } from "./types.js";

export const findingsView: ViewDescriptor = {
  id: "findings",
  paneKey: "1",
  paneDescription: "findings pane",
  title: () => "Findings",
  titleInfo: ({ model: m }) => (m ? [m.findingGroups.length === m.findings.length ? `(${m.findings.length})` : `(${m.findings.length}) - ${m.findingGroups.length} cause${m.findingGroups.length === 1 ? "" : "s"}`] : []),
  list: true,
  detailOf: (ctx) => (ctx.model && ctx.model.findings.length > 0 ? { kind: "finding", index: ctx.lists.findings.selected } : null),
  rowText: (ctx, i, width) => {
    const m = ctx.model!;
    const item = ctx.findingList[i];
    return item ? findingItemText(m.findingGroups, item, ctx.openGroups.has(item.group), width, ctx.g, (t) => m.safe(t)) : "";
  },
  rowStyle: (ctx, i, text) => {
    if (!ctx.caps.colour) return text;
    const item = ctx.findingList[i];
    const sev = item ? ctx.model!.findingGroups[item.group]?.severity : undefined;
    if (sev === "critical" || sev === "error") return `{red-fg}${text}{/red-fg}`;
    if (sev === "warning") return `{yellow-fg}${text}{/yellow-fg}`;
    return text;
  },
  empty: () => "no findings: no rule matched this capture",
  onSelect: (ctx) => {
    const item = ctx.findingList[ctx.lists.findings.selected];
    const f = ctx.selectedFinding();
    if (item && !f) {
      // A cause that hit several connections: Enter opens (or closes) its rows, one per connection.
      if (ctx.openGroups.has(item.group)) ctx.openGroups.delete(item.group);
      else ctx.openGroups.add(item.group);
      ctx.refreshFindings(item);
      return;
    }
    if (!f) return;
    ctx.pushHistory();
    ctx.scopeTo(f.evidence.connection ?? null);
    ctx.evidence = new Set(f.evidence.packets);
    ctx.evidenceLabel = "";
    const first = f.evidence.packets[0];
    if (first !== undefined) ctx.selectPacketNumber(first);
    ctx.setFocus("packets");
    ctx.followSelection("packets");
    const n = f.evidence.packets.length;
    ctx.message = `${f.rule}: evidence packet${n === 1 ? "" : "s"} ${f.evidence.packets.slice(0, 8).join(", ")}${n > 8 ? " ..." : ""}${n > 1 ? ` (${ctx.keys.say("next-mark")} next)` : ""}`;
  },
  actions: [{ use: "enter", description: "open a cause / go to a finding's evidence packets", visible: true, hint: "evidence" }],
};
