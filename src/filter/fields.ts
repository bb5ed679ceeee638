/**
 * The names a display filter can use in each pane's scope, and what each stands for in the
 * rules' facts (src/facts/schema.ts, with the loaded plugins' fields): every documented fact under its own name, plus Wireshark's
 * names where the facts spell them differently (`ip.addr` is either address, `tcp.port` either
 * port, `tcp.flags` the flag bits as a number) and, for connections and exchanges, the packet
 * names that have a meaning there (`ip.addr` is the client's or the server's address).
 */

import { factProtocols, schemaGeneration, scopeFacts, type FactType } from "../facts/schema.js";

export type FilterScope = "packet" | "connection" | "exchange";

/** How a name compares: "ip" is an address (text that compares as a number, with /prefix networks). */
export type FieldKind = "int" | "double" | "bool" | "string" | "ip" | "list<int>" | "list<string>" | "protocol" | "map";

export interface FilterField {
  name: string;
  kind: FieldKind;
  /** Fact paths the name stands for; the test holds when it holds for any of them. */
  paths: string[];
  /** A CEL condition the item must meet for the name to be present (Wireshark's ip.src is IPv4 only). */
  guard?: string;
  description: string;
}

/**
 * Protocol names a bare test can name, as Wireshark's frame.protocols lists them; the loaded
 * stream dissectors (kafka, tls, a plugin's) are added to these.
 */
export const PROTOCOLS = ["frame", "eth", "sll", "null", "raw", "vlan", "arp", "rarp", "lldp", "ip", "ipv6", "tcp", "udp", "icmp", "icmpv6", "sctp"] as const;

const ADDRESS_FACT = /(^|[._])(src|dst|addr)$|_addr(_|$)/;

function kindOf(name: string, type: FactType): FieldKind {
  if (type === "string" && ADDRESS_FACT.test(name.slice(name.indexOf(".") + 1))) return "ip";
  if (type === "map<string, int>") return "map";
  return type;
}

const V4 = "ip.version == 4";

/** Wireshark's packet names that the facts spell differently. */
const PACKET_ALIASES: FilterField[] = [
  { name: "ip.addr", kind: "ip", paths: ["ip.src", "ip.dst"], guard: V4, description: "Either IPv4 address (source or destination)" },
  { name: "ip.src", kind: "ip", paths: ["ip.src"], guard: V4, description: "IPv4 source address" },
  { name: "ip.dst", kind: "ip", paths: ["ip.dst"], guard: V4, description: "IPv4 destination address" },
  { name: "ip.ttl", kind: "int", paths: ["ip.ttl"], guard: V4, description: "IPv4 time to live" },
  { name: "ip.proto", kind: "int", paths: ["ip.proto"], guard: V4, description: "Protocol carried by IPv4" },
  { name: "ip.len", kind: "int", paths: ["ip.len"], guard: V4, description: "IPv4 total length" },
  { name: "ip.version", kind: "int", paths: ["ip.version"], guard: V4, description: "IPv4 header version (4)" },
  { name: "ipv6.addr", kind: "ip", paths: ["ipv6.src", "ipv6.dst"], description: "Either IPv6 address" },
  { name: "tcp.port", kind: "int", paths: ["tcp.srcport", "tcp.dstport"], description: "Either TCP port" },
  { name: "udp.port", kind: "int", paths: ["udp.srcport", "udp.dstport"], description: "Either UDP port" },
  { name: "tcp.flags", kind: "int", paths: ["tcp.flags_value"], description: "The TCP flag bits as a number (0x012: SYN and ACK)" },
  { name: "tcp.flags.ns", kind: "bool", paths: ["tcp.flags.ae"], description: "NS flag (now AE)" },
];

/** Packet names with a meaning for a connection (and for an exchange, through its connection). */
const CONNECTION_ALIASES: FilterField[] = [
  { name: "ip.addr", kind: "ip", paths: ["conn.client_addr", "conn.server_addr"], description: "The client's or the server's address" },
  { name: "ip.src", kind: "ip", paths: ["conn.client_addr"], description: "The client's address" },
  { name: "ip.dst", kind: "ip", paths: ["conn.server_addr"], description: "The server's address" },
  { name: "ipv6.addr", kind: "ip", paths: ["conn.client_addr", "conn.server_addr"], description: "The client's or the server's address" },
  { name: "ipv6.src", kind: "ip", paths: ["conn.client_addr"], description: "The client's address" },
  { name: "ipv6.dst", kind: "ip", paths: ["conn.server_addr"], description: "The server's address" },
  { name: "tcp.port", kind: "int", paths: ["conn.client_port", "conn.server_port"], description: "The client's or the server's port" },
  { name: "tcp.srcport", kind: "int", paths: ["conn.client_port"], description: "The client's port" },
  { name: "tcp.dstport", kind: "int", paths: ["conn.server_port"], description: "The server's port" },
  { name: "tcp.stream", kind: "int", paths: ["conn.id"], description: "Connection index" },
];

const EXCHANGE_ALIASES: FilterField[] = [
  ...CONNECTION_ALIASES.filter((f) => f.name !== "tcp.stream"),
  { name: "tcp.stream", kind: "int", paths: ["exchange.connection"], description: "Connection index" },
  { name: "frame.number", kind: "int", paths: ["exchange.request_frame", "exchange.response_frame"], description: "The packet completing the request or the response" },
];

const tables = new Map<FilterScope, Map<string, FilterField>>();
let tablesGeneration = -1;

/** Every name usable in a scope: the facts, then the aliases (which win on a shared name). */
export function filterFields(scope: FilterScope): Map<string, FilterField> {
  if (tablesGeneration !== schemaGeneration()) {
    tables.clear();
    tablesGeneration = schemaGeneration();
  }
  let t = tables.get(scope);
  if (t) return t;
  t = new Map();
  for (const f of scopeFacts(scope)) {
    t.set(f.name, { name: f.name, kind: kindOf(f.name, f.type), paths: [f.name], description: f.description });
  }
  const aliases = scope === "packet" ? PACKET_ALIASES : scope === "connection" ? CONNECTION_ALIASES : EXCHANGE_ALIASES;
  for (const a of aliases) t.set(a.name, a);
  if (scope === "packet") {
    for (const p of [...PROTOCOLS, ...factProtocols().map((x) => x.name)]) {
      if (!t.has(p)) t.set(p, { name: p, kind: "protocol", paths: ["frame.protocols"], description: `The packet carries ${p}` });
    }
  }
  tables.set(scope, t);
  return t;
}

/** The packet scope's Wireshark names that are not facts themselves (for `kdiag fields`). */
export function displayFilterAliases(): FilterField[] {
  const facts = new Set(scopeFacts("packet").map((f) => f.name));
  return [...filterFields("packet").values()].filter((f) => !facts.has(f.name) || f.guard !== undefined);
}
