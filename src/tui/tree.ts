/**
 * The detail pane's protocol tree: built from a decoded packet (frame, link, IP and TCP header
 * fields with their byte offsets in the frame, for the hex pane) and from the Kafka PDUs and
 * exchanges in the model. Labels hold raw capture text; the pane sanitises when it draws.
 * Flattening with an expanded set is pure, so expand/collapse is table-tested.
 */

import { relativeSeq } from "../tcp/seq.js";
import type { Finding } from "../rules/index.js";
import { fieldSpec, messageLabel, protocolLabel, valueName } from "../facts/schema.js";
import { TCP_FLAG_BITS } from "../tcp/descriptor.js";
import { LinkType } from "../capture/types.js";
import { flagsText, formatAddr } from "../decode/format.js";
import type { DecodedPacket } from "../decode/types.js";
import { TcpFlag } from "../decode/types.js";
import type { AnalysedCapture, StoredExchange, StoredPdu } from "../model/analysed-capture.js";
import { packetFileLine } from "../model/packet-file.js";
import type { StreamMap } from "../model/stream-map.js";
import type { FieldValue, TreeNode } from "../plugins/api.js";
import { TCP_EVENT_NAMES } from "../tcp/types.js";
import { wrapWords } from "../report/format.js";
import { dissectorColumn, EVENT_LABELS } from "../report/packet-info.js";
import { shortDuration } from "./text.js";

export interface UiNode {
  label: string;
  /** Byte range in a frame: what the hex pane highlights. */
  offset?: number;
  length?: number;
  /** The frame holding that range (1-based packet number); absent: the packet the tree is about. */
  packet?: number;
  /** A field spread over segments: the last packet holding its bytes (the hex pane says so). */
  continuesTo?: number;
  children?: UiNode[];
  /** Shown expanded when the tree is first drawn. */
  open?: boolean;
  /** A dissector's message (Kafka's, TLS's, a plugin's): the default view opens it. */
  pdu?: boolean;
}

export interface FlatRow {
  node: UiNode;
  id: string;
  depth: number;
  hasChildren: boolean;
  expanded: boolean;
}

/** Rows of the tree as shown: children of expanded nodes only. Node ids are index paths ("0/2"). */
export function flatten(roots: readonly UiNode[], expanded: ReadonlySet<string>): FlatRow[] {
  const out: FlatRow[] = [];
  const walk = (nodes: readonly UiNode[], prefix: string, depth: number) => {
    nodes.forEach((node, i) => {
      const id = prefix ? `${prefix}/${i}` : String(i);
      const hasChildren = (node.children?.length ?? 0) > 0;
      const open = hasChildren && expanded.has(id);
      out.push({ node, id, depth, hasChildren, expanded: open });
      if (open) walk(node.children!, id, depth + 1);
    });
  };
  walk(roots, "", 0);
  return out;
}

/** Every node id with children (for "expand all"). */
export function allIds(roots: readonly UiNode[]): Set<string> {
  const out = new Set<string>();
  const walk = (nodes: readonly UiNode[], prefix: string) =>
    nodes.forEach((n, i) => {
      const id = prefix ? `${prefix}/${i}` : String(i);
      if (n.children?.length) {
        out.add(id);
        walk(n.children, id);
      }
    });
  walk(roots, "");
  return out;
}

/**
 * The default view: the most specific layers open (the dissectors' messages, else TCP, else the last
 * layer), the outer ones closed, as the question is usually about the top of the stack.
 */
export function defaultExpanded(roots: readonly UiNode[]): Set<string> {
  const out = new Set<string>();
  roots.forEach((n, i) => {
    if (n.open && n.children?.length) out.add(String(i));
  });
  if (out.size > 0) return out;
  const kafka = roots.map((n, i) => (n.children?.length && n.pdu === true ? i : -1)).filter((i) => i >= 0);
  if (kafka.length > 0) {
    for (const i of kafka) {
      out.add(String(i));
      // A PDU with its protocol tree: its message body open too.
      roots[i]!.children!.forEach((c, j) => {
        if (c.children?.length && / body$/.test(c.label)) {
          out.add(`${i}/${j}`);
          openToErrors(c.children, `${i}/${j}`, out);
        }
      });
    }
    return out;
  }
  for (let i = roots.length - 1; i >= 0; i--) {
    if (roots[i]!.children?.length) {
      out.add(String(i));
      break;
    }
  }
  return out;
}

/** A Kafka error code other than NONE, as the tree labels it. */
export const KAFKA_ERROR_LABEL = /^error_code: -?[1-9]\d*$/;

/** Opens the nodes down to every non-zero error code of a message body (the answer to "why"), within a budget. */
function openToErrors(nodes: readonly UiNode[], prefix: string, out: Set<string>, budget = { left: 20 }): boolean {
  let found = false;
  nodes.forEach((n, i) => {
    if (budget.left <= 0) return;
    const id = `${prefix}/${i}`;
    if (n.children?.length) {
      if (openToErrors(n.children, id, out, budget)) {
        out.add(id);
        found = true;
      }
    } else if (KAFKA_ERROR_LABEL.test(n.label)) {
      budget.left--;
      found = true;
    }
  });
  return found;
}

const LINK_NAMES: Record<number, string> = {
  [LinkType.ETHERNET]: "Ethernet II",
  [LinkType.LINUX_SLL]: "Linux cooked capture v1",
  [LinkType.LINUX_SLL2]: "Linux cooked capture v2",
  [LinkType.RAW]: "Raw IP",
  [LinkType.IPV4]: "Raw IPv4",
  [LinkType.IPV6]: "Raw IPv6",
  [LinkType.NULL]: "Loopback (BSD null)",
  [LinkType.LOOP]: "Loopback (BSD loop)",
};

function leaf(label: string, offset?: number, length?: number): UiNode {
  return { label, ...(offset !== undefined ? { offset, length: length ?? 0 } : {}) };
}

export function valueText(v: FieldValue): string {
  if (Array.isArray(v)) return `[${v.map(valueText).join(", ")}]`;
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}

/**
 * A field's value as its declaration says to show it (hex, ms), with the names its `values`
 * give: one value's name, or for a repeated field the names of its distinct non-zero values
 * (0 is "none" in such lists: Kafka's error codes).
 */
function declaredText(name: string, v: FieldValue): string {
  const spec = fieldSpec(name);
  const shown = (x: FieldValue): string =>
    typeof x === "number" && spec?.display === "hex" ? `0x${x.toString(16)}` : typeof x === "number" && spec?.display === "ms" ? `${x} ms` : valueText(x);
  let text = Array.isArray(v) ? `[${v.map(shown).join(", ")}]` : shown(v);
  if (!spec?.values) return text;
  if (Array.isArray(v)) {
    const codes = [...new Set(v.filter((x): x is number => typeof x === "number" && x !== 0))];
    if (codes.length) text += ` (${codes.map((c) => valueName(name, c) ?? String(c)).join(", ")})`;
  } else if (typeof v === "number" && valueName(name, v) !== undefined) text += ` (${valueName(name, v)})`;
  return text;
}

function fieldNodes(fields: Record<string, FieldValue>): UiNode[] {
  return Object.entries(fields).map(([k, v]) => leaf(`${k}: ${declaredText(k, v)}`));
}

/**
 * A PDU (Kafka, TLS, a plugin's): its length and packets, then its protocol tree when it carries one (re-dissected
 * for the detail pane) with the flat fields folded under it, else the flat fields. With the
 * connection's stream map, every tree node with an offset points at the frame holding its first
 * byte, so the hex pane can show it.
 */
export function pduNode(pdu: StoredPdu, streams?: StreamMap): UiNode {
  const label = `${messageLabel(pdu.dissector, pdu.dir)}: ${pdu.summary}${pdu.malformed ? ` [Malformed: ${pdu.malformed}]` : ""}`;
  const place = (offset: number | undefined, length: number | undefined) => (streams ? inFrames(streams, pdu, offset, length) : {});
  const length: UiNode = { ...place(0, pdu.length), label: `Length on the wire: ${pdu.length} bytes (packets ${pdu.ref.first}-${pdu.ref.last})` };
  if (pdu.tree && pdu.tree.length > 0) {
    const fromTree = (n: TreeNode): UiNode => ({ label: n.label, ...place(n.offset, n.length), ...(n.children ? { children: n.children.map(fromTree) } : {}) });
    return { label, pdu: true, ...place(0, pdu.length), children: [length, ...pdu.tree.map(fromTree), { label: "Fields (for filters and rules)", children: fieldNodes(pdu.fields) }] };
  }
  return { label, pdu: true, ...place(0, pdu.length), children: [length, ...fieldNodes(pdu.fields)] };
}

/**
 * Where bytes [offset, offset+length) of a PDU were captured: the frame holding the first of them
 * (with the part of the range inside it), and the last frame when the range goes on further.
 */
function inFrames(streams: StreamMap, pdu: StoredPdu, offset: number | undefined, length: number | undefined): Partial<UiNode> {
  if (offset === undefined || !length) return {};
  const start = pdu.ref.streamOffset + offset;
  const first = streams.locate(pdu.dir, start, length, 1)[0];
  if (!first) return {};
  const last = streams.locate(pdu.dir, start + length - 1, 1, 1)[0];
  return {
    packet: first.packet,
    offset: first.offset,
    length: first.length,
    ...(last && last.packet !== first.packet ? { continuesTo: last.packet } : {}),
  };
}

/**
 * The tree of packet `index` (0-based) whose frame was decoded into `pkt`, with the Kafka PDUs
 * that completed in it (`streams`: each PDU's map from its bytes back to the frames).
 */
export function packetTree(
  capture: AnalysedCapture,
  index: number,
  frame: Uint8Array,
  pkt: DecodedPacket,
  pdus: readonly StoredPdu[],
  streams: ReadonlyMap<StoredPdu, StreamMap> = new Map(),
  /** The time reference (1-based packet number), 0 for none. */
  timeRef = 0,
): UiNode[] {
  const p = capture.packets;
  const t0 = p.count > 0 ? p.tsUs[0]! : 0;
  const number = index + 1;
  const linkType = p.linkType[index]!;
  const roots: UiNode[] = [];
  roots.push({
    label: `Frame ${number}: ${p.origLen[index]} bytes on wire, ${p.capLen[index]} captured`,
    offset: 0,
    length: frame.length,
    children: [
      leaf(`Time: ${new Date(p.tsUs[index]! / 1000).toISOString()}`),
      leaf(`Time since first packet: ${((p.tsUs[index]! - t0) / 1e6).toFixed(6)} s`),
      ...(timeRef > 0 && timeRef <= p.count
        ? [leaf(timeRef === number ? "Time reference: this packet (*REF*)" : `Time since reference (packet ${timeRef}): ${((p.tsUs[index]! - p.tsUs[timeRef - 1]!) / 1e6).toFixed(6)} s`)]
        : []),
      leaf(`Link type: ${LINK_NAMES[linkType] ?? linkType}`),
      leaf(packetFileLine(capture, index)),
    ],
  });
  const linkEnd = pkt.ipOffset >= 0 ? pkt.ipOffset : frame.length;
  if (linkEnd > 0) {
    const children: UiNode[] = [];
    if (linkType === LinkType.ETHERNET && frame.length >= 14) {
      children.push(leaf(`Destination: ${mac(frame, 0)}`, 0, 6), leaf(`Source: ${mac(frame, 6)}`, 6, 6));
    }
    if (pkt.vlanOuter >= 0) children.push(leaf(`VLAN: ${pkt.vlanOuter}${pkt.vlanInner >= 0 ? ` / ${pkt.vlanInner}` : ""}`));
    if (pkt.etherType >= 0) children.push(leaf(`Type: 0x${pkt.etherType.toString(16).padStart(4, "0")}`, Math.max(0, linkEnd - 2), 2));
    roots.push({ label: LINK_NAMES[linkType] ?? `Link type ${linkType}`, offset: 0, length: linkEnd, children });
  }
  if (pkt.ipVersion !== 0) {
    const o = pkt.ipOffset;
    const src = formatAddr(pkt.srcAddr, pkt.ipVersion);
    const dst = formatAddr(pkt.dstAddr, pkt.ipVersion);
    const children: UiNode[] =
      pkt.ipVersion === 4
        ? [
            leaf(`Header length: ${pkt.ipPayloadOffset - o} bytes`, o, 1),
            leaf(`Total length: ${pkt.ipPayloadEnd - o}`, o + 2, 2),
            leaf(`Identification: 0x${pkt.ipId.toString(16).padStart(4, "0")} (${pkt.ipId})`, o + 4, 2),
            leaf(`Fragment: ${pkt.fragment ? "yes" : "no"}`, o + 6, 2),
            leaf(`Time to live: ${pkt.ttl}`, o + 8, 1),
            leaf(`Protocol: ${pkt.ipProto}${pkt.ipProto === 6 ? " (TCP)" : ""}`, o + 9, 1),
            leaf(`Source address: ${src}`, o + 12, 4),
            leaf(`Destination address: ${dst}`, o + 16, 4),
          ]
        : [
            leaf(`Payload length: ${pkt.ipPayloadEnd - pkt.ipPayloadOffset}`, o + 4, 2),
            leaf(`Next header: ${pkt.ipProto}`, o + 6, 1),
            leaf(`Hop limit: ${pkt.ttl}`, o + 7, 1),
            leaf(`Source address: ${src}`, o + 8, 16),
            leaf(`Destination address: ${dst}`, o + 24, 16),
          ];
    if (pkt.truncated) children.push(leaf(`[Truncated by the snap length: length from ${pkt.lenSource}]`));
    roots.push({
      label: `Internet Protocol Version ${pkt.ipVersion}, Src: ${src}, Dst: ${dst}`,
      offset: o,
      length: Math.max(0, pkt.ipPayloadOffset - o),
      children,
    });
  }
  if (pkt.hasTcp) {
    const t = pkt.ipPayloadOffset;
    const connId = p.connId[index]!;
    const conn = connId >= 0 ? capture.connections[connId] : undefined;
    const c2s = p.dir[index] === 0;
    const own = conn ? (c2s ? conn.c2s : conn.s2c) : undefined;
    const peer = conn ? (c2s ? conn.s2c : conn.c2s) : undefined;
    const seq = own ? relativeSeq(pkt.seq, own.baseSeq) : pkt.seq;
    const ack = pkt.flags & TcpFlag.ACK ? (peer ? relativeSeq(pkt.ack, peer.baseSeq) : pkt.ack) : 0;
    // The TCP dissector's one table of flag bits ("SYN flag" -> "SYN: Set").
    const flagBits: UiNode[] = TCP_FLAG_BITS.map(([, bit, description]) =>
      leaf(`${description.replace(/ flag$/, "")}: ${(pkt.flags & bit) !== 0 ? "Set" : "Not set"}`, t + 12, 2),
    );
    const children: UiNode[] = [
      leaf(`Source port: ${pkt.srcPort}`, t, 2),
      leaf(`Destination port: ${pkt.dstPort}`, t + 2, 2),
      leaf(`Stream index: ${connId}${conn ? ` (${c2s ? "client to server" : "server to client"})` : ""}`),
      // Without its connection's record (a connection a live capture folded), only the raw numbers.
      leaf(own ? `Sequence number: ${seq} (relative)  raw ${pkt.seq}` : `Sequence number (raw): ${pkt.seq}`, t + 4, 4),
      leaf(`Acknowledgment number: ${ack}${pkt.flags & TcpFlag.ACK && peer ? ` (relative)  raw ${pkt.ack}` : pkt.flags & TcpFlag.ACK ? " (raw)" : ""}`, t + 8, 4),
      leaf(`Header length: ${pkt.tcpHeaderLen} bytes`, t + 12, 1),
      { label: `Flags: 0x${pkt.flags.toString(16).padStart(3, "0")} ${flagsText(pkt.flags)}`, offset: t + 12, length: 2, children: flagBits },
      leaf(`Window: ${pkt.window}`, t + 14, 2),
      leaf(`Checksum`, t + 16, 2),
    ];
    if (pkt.tcpHeaderLen > 20) {
      const opts: UiNode[] = [];
      if (pkt.mss >= 0) opts.push(leaf(`Maximum segment size: ${pkt.mss}`));
      if (pkt.windowScale >= 0) opts.push(leaf(`Window scale: ${pkt.windowScale}`));
      if (pkt.sackPermitted) opts.push(leaf("SACK permitted"));
      if (pkt.sackCount > 0) opts.push(leaf(`SACK blocks: ${pkt.sackCount}`));
      if (pkt.hasTimestamps) opts.push(leaf(`Timestamps: TSval ${pkt.tsVal}, TSecr ${pkt.tsEcr}`));
      children.push({ label: `Options: ${pkt.tcpHeaderLen - 20} bytes`, offset: t + 20, length: pkt.tcpHeaderLen - 20, children: opts });
    }
    const events = TCP_EVENT_NAMES.filter((e) => (p.events[index]! & e.bit) !== 0);
    // tshark's label (the packets pane shortens it below 120 columns) and the field to filter on.
    if (events.length > 0) children.push({ label: "SEQ/ACK analysis", children: events.map((e) => leaf(`[${EVENT_LABELS[e.key] ?? e.key}] ${e.field}`)) });
    children.push(leaf(`Payload: ${pkt.payloadLen} bytes${pkt.capturedPayloadLen < pkt.payloadLen ? ` (${pkt.capturedPayloadLen} captured)` : ""}`, pkt.payloadOffset, pkt.capturedPayloadLen));
    roots.push({
      label: `Transmission Control Protocol, Src Port: ${pkt.srcPort}, Dst Port: ${pkt.dstPort}, Seq: ${seq}, Len: ${pkt.payloadLen}`,
      offset: t,
      length: pkt.tcpHeaderLen,
      children,
    });
  } else if (pkt.stop) {
    roots.push(leaf(`[Decoding stopped in ${pkt.stop.layer}: ${pkt.stop.what}]`, pkt.stop.offset, 0));
  }
  for (const pdu of pdus) roots.push(pduNode(pdu, streams.get(pdu)));
  return roots;
}

function mac(b: Uint8Array, o: number): string {
  return Array.from(b.subarray(o, o + 6), (x) => x.toString(16).padStart(2, "0")).join(":");
}

/** "Produce v9 corr=12" for Kafka (names from kafka.api_key's declared values); a plugin's summary. */
function exchangeHead(ex: StoredExchange): string {
  const f = ex.fields;
  if (ex.dissector !== "kafka") return ex.summary;
  const apiKey = typeof f["kafka.api_key"] === "number" ? f["kafka.api_key"] : null;
  const name = apiKey === null ? "?" : (valueName("kafka.api_key", apiKey) ?? `api ${apiKey}`);
  return `${name} v${valueText(f["kafka.api_version"] ?? "?")} corr=${valueText(f["kafka.correlation_id"] ?? "?")}`;
}

/** The tree of an exchange: status, both sides with their packets, the fields, the PDUs. */
/** `result`: the exchanges pane's result column (errors, `NO RESPONSE (RST)`), said in full on the first line. */
export function exchangeTree(capture: AnalysedCapture, ex: StoredExchange, pdus: readonly StoredPdu[], streams: ReadonlyMap<StoredPdu, StreamMap> = new Map(), result = ""): UiNode[] {
  const f = ex.fields;
  const conn = capture.connections[ex.connId];
  const side = (what: string, s: StoredExchange["request"]): UiNode =>
    s ? leaf(`${what}: packets ${s.first}-${s.last}, ${s.length} bytes`) : leaf(`${what}: none`);
  const latency = ex.request && ex.response ? shortDuration(ex.response.tsUs - ex.request.tsUs) : "-";
  const roots: UiNode[] = [
    {
      label: `${protocolLabel(ex.dissector)} exchange: ${exchangeHead(ex)} ${ex.status}${result ? `, result ${result}` : ""}`,
      children: [
        leaf(`Connection: ${ex.connId}${conn ? ` ${conn.client.addr}:${conn.client.port} -> ${conn.server.addr}:${conn.server.port}` : ""}`),
        leaf(`Status: ${ex.status} (${ex.confidence})`),
        side("Request", ex.request),
        side("Response", ex.response),
        leaf(`Latency: ${latency}`),
        leaf(`Summary: ${ex.summary}`),
      ],
    },
    { label: "Fields", children: fieldNodes(f) },
  ];
  for (const pdu of pdus) roots.push(pduNode(pdu, streams.get(pdu)));
  return roots;
}

/** Width the finding's text is wrapped to: readable on an 80-column terminal's detail pane. */
const FINDING_WRAP = 74;


/**
 * A finding in the detail pane: the whole message, the evidence and the advice, wrapped, since the
 * findings list shows one line each. Labels are sanitised when drawn.
 */
/** `enterKey`: the key of the findings pane's Enter in the keymap in force, as the text names it. */
export function findingTree(f: Finding, enterKey = "Enter"): UiNode[] {
  const evidence: UiNode[] = [];
  if (f.evidence.connection !== undefined) evidence.push({ label: `connection ${f.evidence.connection}` });
  evidence.push({ label: `packets ${f.evidence.packets.join(", ") || "-"} (${enterKey} in the findings pane selects them)` });
  const nodes: UiNode[] = [
    { label: `${f.severity.toUpperCase()} ${f.rule}: ${f.title}` },
    { label: "Message", open: true, children: wrapWords(f.message, FINDING_WRAP).map((label) => ({ label })) },
    { label: "Evidence", open: true, children: evidence },
  ];
  if (f.advice) nodes.push({ label: "Advice", open: true, children: wrapWords(f.advice, FINDING_WRAP).map((label) => ({ label })) });
  return nodes;
}
