import { beforeAll, describe, expect, it } from "vitest";
import type { AnalysedCapture } from "../../src/model/analysed-capture.js";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { BUILTIN_RULES_DIR, evaluateRules, loadRuleFiles, type RuleStats } from "../../src/rules/index.js";
import { load } from "./helpers.js";

const REAL = "test/fixtures/real";
const analyse = (f: string): Promise<AnalysedCapture> => analyseCapture(f, { registry: createRegistry() });

/** Loads rules that must have no problems at all. */
function rules(text: string, params?: Record<string, string>) {
  const r = load(text, params ? { params } : {});
  expect(r.problems).toEqual([]);
  return r.rules;
}

const caps: Record<string, AnalysedCapture> = {};
beforeAll(async () => {
  for (const name of ["firewall-idle-client", "firewall-idle-broker", "port-reuse", "keepalive"]) caps[name] = await analyse(`${REAL}/${name}.pcap`);
  caps["fetch-unknown"] = await analyse("test/fixtures/public/deepflow-kafka/01-fetch-v12-unknown.pcap");
  caps["produce-v9"] = await analyse("test/fixtures/public/deepflow-kafka/00-produce-v9.pcap");
  caps["sync-group"] = await analyse("test/fixtures/public/deepflow-kafka/14-sync-group-v5.pcap");
});

describe("built-in rules", () => {
  // The Kafka error rules alone (the incident rules are checked through the CLI in test/cli).
  const KAFKA_ERRORS = `${BUILTIN_RULES_DIR}/kafka-errors.yaml`;
  const builtin = () => {
    const r = loadRuleFiles([KAFKA_ERRORS]);
    expect(r.problems).toEqual([]);
    return r.rules;
  };

  it("load without problems and expand the shared list", () => {
    const all = loadRuleFiles([BUILTIN_RULES_DIR]);
    expect(all.problems).toEqual([]);
    expect(all.rules.map((r) => [r.id, r.scope, r.severity])).toEqual([
      ["fetch-slow", "group", "warning"],
      ["sasl-authentication-failed", "connection", "error"],
      ["sasl-login-closed", "connection", "error"],
      ["sasl-unsupported-mechanism", "connection", "error"],
      ["sasl-illegal-state", "connection", "error"],
      ["sasl-error", "connection", "error"],
      ["tls-unknown-ca", "connection", "error"],
      ["tls-certificate-expired", "connection", "error"],
      ["tls-bad-certificate", "connection", "error"],
      ["tls-handshake-failure", "connection", "error"],
      ["tls-protocol-version", "connection", "error"],
      ["tls-alert", "connection", "warning"],
      ["tls-handshake-incomplete", "connection", "error"],
      ["auth-failure", "end", "info"],
      ["message-too-large", "end", "error"],
      ["firewall-idle", "end", "error"],
      ["keepalive-mismatch", "end", "error"],
      ["firewall-silent-drop", "end", "error"],
      ["broker-gone", "end", "warning"],
      ["connection-refused", "end", "warning"],
      ["broker-idle-close", "end", "info"],
      ["broker-stalled", "end", "warning"],
      ["client-abort", "end", "info"],
      ["capture-boundary", "end", "info"],
      ["connection-end-unexplained", "end", "info"],
      ["rst-not-from-broker", "pair", "error"],
      ["kafka-error-responses", "exchange", "warning"],
      ["kafka-unknown-error-code", "exchange", "info"],
      ["reconnect-storm", "connection", "warning"],
      ["retransmission-hotspot", "connection", "warning"],
      ["capture-duplicates", "capture", "info"],
      ["zero-window", "connection", "warning"],
      ["zero-window-brief", "connection", "info"],
      ["kafka-throttled", "exchange", "warning"],
      ["record-batch-corrupt", "exchange", "error"],
    ]);
  });

  it("kafka-error-responses: the advice explains the error kdiag knows (the dissector's declared value help)", () => {
    const f = evaluateRules(builtin(), caps["sync-group"]!);
    expect(f.map((x) => x.rule)).toContain("kafka-error-responses");
    const advice = f.find((x) => x.rule === "kafka-error-responses")!.advice;
    expect(advice).toMatch(/^UNKNOWN_SERVER_ERROR: The broker hit an unexpected exception; its server log has the stack trace\. The Kafka protocol error table/);
  });

  it("an error code Kafka does not define (deepflow's Fetch v12 \"unknown\": 5120) is information, not a broker error", () => {
    const f = evaluateRules(builtin(), caps["fetch-unknown"]!);
    expect(f).toEqual([
      {
        rule: "kafka-unknown-error-code",
        title: "Kafka response with an error code Kafka does not define",
        severity: "info",
        scope: "exchange",
        time: 1647312708,
        message: "Fetch response to client 10.50.71.3:50020 carries error code(s) 5120, which Kafka does not define (packet 2)",
        advice:
          "Compare the response with tshark (tshark -r FILE -Y kafka -V) and check the broker's version: a code from a newer Kafka than kdiag's table is real; otherwise the connection may not carry Kafka as decoded (kdiag --decode-as PORT=NAME, or kdiag packets -Y 'tcp.port == PORT').",
        evidence: {
          connection: 0,
          packets: [1, 2],
          times: [1647312695, 1647312708],
          details: { summary: "Fetch v12 corr=20 client=consumer-console-consumer-84107-1 13000ms ERROR_5120", status: "answered" },
        },
        tags: ["kafka", "errors"],
      },
    ]);
  });

  it("a clean Produce v9 exchange yields no finding", () => {
    expect(evaluateRules(builtin(), caps["produce-v9"]!)).toEqual([]);
  });

  it("causes: one per connection end, the best-supported, with the signals and the runners-up", () => {
    const r = loadRuleFiles([`${BUILTIN_RULES_DIR}/causes.yaml`]);
    expect(r.problems).toEqual([]);
    const f = evaluateRules(r.rules, caps["firewall-idle-client"]!);
    expect(f.map((x) => [x.rule, x.evidence.connection, x.evidence.packets, x.confidence])).toEqual([
      ["firewall-idle", 0, [1, 11, 12], "high"],
      ["firewall-idle", 1, [13, 23, 24], "high"],
    ]);
    const d = f[0]!.evidence.details as { signals: Array<{ signal: string }>; runners_up: Array<{ cause: string; against: string[] }> };
    expect(d.signals.map((x) => x.signal)).toEqual(expect.arrayContaining(["idle-before", "rst-forged", "reset-at-once", "reconnected"]));
    // The Metadata request the RST cut off is evidence inside the cause, not a second error; the
    // runner-up is ruled out by what speaks against it.
    const mtl = d.runners_up.find((x) => x.cause === "message-too-large");
    expect(mtl?.against).toEqual(expect.arrayContaining(["the RST's TTL 64 is not the broker's 63"]));
  });

  it("a user's cause competes with the built-in ones on the same signals", () => {
    const mine = `
- rule: lb-reset
  title: Our load balancer's idle reset
  desc: d
  severity: warning
  scope: end
  condition: end.how == "rst" && end.by == "server"
  prior: 1
  signals:
    - signal: lb-ttl
      weight: 9
      when: has(end.rst_ttl) && end.rst_ttl == 64
      says: TTL 64 is our load balancer
  output: "reset by the LB at packet {end.frame}"
`;
    const r = loadRuleFiles([`${BUILTIN_RULES_DIR}/causes.yaml`]);
    const f = evaluateRules([...r.rules, ...rules(mine)], caps["firewall-idle-client"]!);
    expect(f.map((x) => [x.rule, x.message, x.confidence])).toEqual([
      ["lb-reset", expect.stringMatching(/^reset by the LB at packet 12 Evidence: TTL 64 is our load balancer\. .*Also possible: firewall-idle\./), "low"],
      ["lb-reset", expect.stringMatching(/^reset by the LB at packet 24 /), "low"],
    ]);
    // Both explain the evidence well: a close call is low confidence, one severity lower.
    expect(f[0]!.severity).toBe("info");
  });

  // Signals and a prior weigh competing causes (scope end only); a window cannot apply to a
  // cause, which gives one finding per connection end. Both are refused at the key's line.
  it.each([
    ["signals outside scope end", "connection", 'signals: [{signal: s, weight: 1, when: "true"}]'],
    ["a window on a cause", "end", "window: {count: 2, within: 1s}"],
  ])("%s is refused with its position", (_what, scope, key) => {
    const r = load(`
- rule: x
  title: t
  desc: d
  severity: info
  scope: ${scope}
  condition: "true"
  ${key}
  output: o
`);
    expect(r.problems.map((p) => [p.code, p.line])).toEqual([["RULE_BAD_VALUE", 8]]);
  });
});

const CONN_RULE = `
- params:
    firewall_idle_ms: {default: 4000, unit: ms}
- rule: forged-rst-after-idle
  title: RST after idle, not from the server
  desc: d
  severity: error
  scope: connection
  condition: >
    conn.close_how == "rst" && conn.rst_ttl_differs_from_sender &&
    conn.longest_idle_ms >= double(params.firewall_idle_ms) &&
    conn.close_after_longest_idle_ms < 100.0
  output: "{conn.client_addr}:{conn.client_port} reset after {conn.longest_idle_ms} ms idle (RST TTL {conn.rst_ttl}, server TTL {conn.server_ttl})"
  advice: "keep the connection busy more often than every {params.firewall_idle_ms} ms"
`;

describe("connection scope on real captures", () => {
  it("finds the firewall's RSTs by TTL and idle time, with evidence packets", () => {
    const f = evaluateRules(rules(CONN_RULE), caps["firewall-idle-client"]!);
    expect(f.map((x) => [x.message, x.advice, x.evidence.connection, x.evidence.packets])).toEqual([
      ["10.99.1.1:44458 reset after 4958.942 ms idle (RST TTL 64, server TTL 63)", "keep the connection busy more often than every 4000 ms", 0, [1, 11, 12]],
      ["10.99.1.1:44466 reset after 4958.333 ms idle (RST TTL 64, server TTL 63)", "keep the connection busy more often than every 4000 ms", 1, [13, 23, 24]],
    ]);
    expect(f[0]!.evidence.details).toEqual({ client: "10.99.1.1:44458", server: "10.99.2.2:9092" });
  });

  it("the server-side capture has no RST, so nothing fires there", () => {
    expect(evaluateRules(rules(CONN_RULE), caps["firewall-idle-broker"]!)).toEqual([]);
  });

  it("a parameter override above the idle time silences it", () => {
    expect(evaluateRules(rules(CONN_RULE, { firewall_idle_ms: "6000" }), caps["firewall-idle-client"]!)).toEqual([]);
  });

  it("exceptions suppress a match without touching the condition", () => {
    const text = `${CONN_RULE}  exceptions:
    - name: known_client_port
      fields: [conn.client_addr, conn.client_port]
      comps: [=, in]
      values: [[10.99.1.1, [44458, 1]]]
`;
    const f = evaluateRules(rules(text), caps["firewall-idle-client"]!);
    expect(f.map((x) => x.evidence.connection)).toEqual([1]);
  });

  it("disabled rules load but do not run", () => {
    const f = evaluateRules(rules(`${CONN_RULE}  enabled: false\n`), caps["firewall-idle-client"]!);
    expect(f).toEqual([]);
  });

  it("keep-alive facts: count, interval and idle before the first probe", () => {
    const text = `
- rule: keepalive-seen
  title: t
  desc: d
  severity: info
  scope: connection
  condition: conn.keepalive_count > 0 && conn.keepalive_interval_ms < 2000.0
  output: "{conn.keepalive_count} probes from {conn.keepalive_from} every {conn.keepalive_interval_ms} ms after {conn.keepalive_idle_ms} ms idle"
`;
    expect(evaluateRules(rules(text), caps["keepalive"]!).map((x) => x.message)).toEqual([
      "4 probes from client every 1023.991 ms after 1019.795 ms idle",
    ]);
  });

  it("`at:` puts the event's packet in the evidence and gives the finding its time", async () => {
    const text = `
- rule: stall
  title: t
  desc: d
  severity: info
  scope: connection
  condition: has(conn.zero_window_stall_ms)
  at: conn.zero_window_stall_frame
  output: "{conn.zero_window_stall_by} shut for {conn.zero_window_stall_ms} ms from packet {conn.zero_window_stall_frame} to {conn.zero_window_stall_end_frame}"
- rule: no-event
  title: t
  desc: d
  severity: info
  scope: connection
  condition: conn.client_port == 43262
  at: conn.zero_window_stall_end_frame + 1000
  output: "x"
`;
    const cap = await analyse(`${REAL}/zero-window.pcap`);
    const [stall, noEvent] = evaluateRules(rules(text), cap);
    // tshark: packets 9, 11 and 14 advertise Win=0 from the server; 17 opens it (2.918319 s later).
    expect(stall!.message).toBe("server shut for 2918.319 ms from packet 9 to 17");
    expect(stall!.evidence.packets).toContain(9);
    expect(stall!.time).toBe(stall!.evidence.times[stall!.evidence.packets.indexOf(9)]);
    // A packet the capture does not have: the usual evidence, at the connection's start.
    expect(noEvent!.evidence.packets).not.toContain(1017);
    expect(noEvent!.time).toBe(noEvent!.evidence.times[noEvent!.evidence.packets.length - 1]);

    // A live index that dropped the event's row (kdiag watch, the window moved on): the packet is
    // still evidence, so the finding keeps its identity (printed live, then not "revised" at the end).
    // (The rule names packet 9 itself: a file's facts are computed over the rows held.)
    const fixed = text.replace("at: conn.zero_window_stall_frame", "at: conn.id + 9");
    const [before] = evaluateRules(rules(fixed), cap);
    cap.packets.dropBefore(12);
    const [later] = evaluateRules(rules(fixed), cap);
    expect(before!.evidence.packets).toContain(9);
    expect(later!.evidence.packets).toEqual(before!.evidence.packets);
    expect(later!.time).toBeGreaterThan(0);
  });

  it("absent facts do not match and are counted, not thrown", () => {
    const text = `
- rule: rtt
  title: t
  desc: d
  severity: info
  scope: connection
  condition: conn.next_connection_gap_ms < 1000.0
  output: "{conn.id} {conn.next_connection_gap_ms}"
`;
    const stats: Record<string, RuleStats> = {};
    const f = evaluateRules(rules(text), caps["port-reuse"]!, { stats });
    expect(f.map((x) => x.message)).toEqual(["0 300.364", "1 300.397"]);
    expect(stats["rtt"]).toEqual({ evaluated: 3, matched: 2, absent: 1, failed: 0, dropped: 0, ms: expect.any(Number) });
    expect(stats["rtt"]!.stoppedAfter).toBeUndefined();
  });
});

describe("windowed counts", () => {
  const storm = (count: number, within: string) => `
- rule: reconnect-storm
  title: t
  desc: d
  severity: warning
  scope: connection
  condition: conn.handshake_seen
  window: {count: ${count}, within: ${within}, group_by: conn.client_addr}
  output: "{window.count} connections from {window.group} within {window.span_ms} ms"
`;

  it("fires once per burst, with every packet of the burst's items as evidence", () => {
    const f = evaluateRules(rules(storm(3, "1s")), caps["port-reuse"]!);
    expect(f.map((x) => [x.message, x.evidence.packets, x.evidence.details])).toEqual([
      [
        "3 connections from 10.99.1.1 within 713.081 ms",
        [1, 8, 10, 11, 18, 20, 21, 28, 30],
        { group: "10.99.1.1", count: 3, span_ms: 713.081, connections: [0, 1, 2] },
      ],
    ]);
    expect(f[0]!.evidence.connection).toBeUndefined();
  });

  it("does not fire below the count or outside the window", () => {
    expect(evaluateRules(rules(storm(4, "1s")), caps["port-reuse"]!)).toEqual([]);
    expect(evaluateRules(rules(storm(3, "500ms")), caps["port-reuse"]!)).toEqual([]);
  });
});

describe("packet, capture and pair scopes", () => {
  it("packet scope: Wireshark-style conditions over tcp.* and kafka.*", () => {
    const text = `
- rule: server-rst
  title: t
  desc: d
  severity: info
  scope: packet
  condition: tcp.flags.reset && tcp.from == "server"
  output: "{frame.number} {ip.src}:{tcp.srcport} -> {ip.dst}:{tcp.dstport} flags {tcp.flags_value}"
- rule: api-versions
  title: t
  desc: d
  severity: info
  scope: packet
  condition: kafka.api_key == 18 && tcp.from == "client"
  output: "{frame.number} {kafka.client_id}"
`;
    const f = evaluateRules(rules(text), caps["firewall-idle-client"]!);
    expect(f.map((x) => `${x.rule} ${x.message}`)).toEqual([
      "api-versions 4 kdiag-fwidle",
      "server-rst 12 10.99.2.2:9092 -> 10.99.1.1:44458 flags 4",
      "api-versions 16 kdiag-fwidle",
      "server-rst 24 10.99.2.2:9092 -> 10.99.1.1:44466 flags 4",
      "api-versions 28 kdiag-fwidle",
    ]);
  });

  it("a condition written as a Wireshark display filter works where it is not CEL, and means what Wireshark means", () => {
    const text = `
- rule: forged-rst
  title: t
  desc: d
  severity: info
  scope: packet
  condition: tcp.flags.reset == 1 and ip.ttl != 63 and ip.addr == 10.99.0.0/16 and tcp.port in {9092, 9093}
  output: "{frame.number} ttl {ip.ttl}"
- rule: conn-by-port
  title: t
  desc: d
  severity: info
  scope: connection
  condition: tcp.port == 9092 and conn.close_how == "rst"
  output: "{conn.id}"
`;
    const f = evaluateRules(rules(text), caps["firewall-idle-client"]!);
    expect(f.map((x) => `${x.rule} ${x.message}`).sort()).toEqual(["conn-by-port 0", "conn-by-port 1", "forged-rst 12 ttl 64", "forged-rst 24 ttl 64"]);
  });

  it("capture scope: reconnect counts per client", () => {
    const text = `
- rule: reconnects
  title: t
  desc: d
  severity: info
  scope: capture
  condition: capture.reconnects.exists(c, capture.reconnects[c] >= 2)
  output: "{capture.max_reconnects} reconnects: {capture.reconnects}"
`;
    expect(evaluateRules(rules(text), caps["port-reuse"]!).map((x) => x.message)).toEqual(["2 reconnects: 10.99.1.1=2"]);
  });

  it("pair scope: RST on the client side only (the firewall story)", () => {
    const text = `
- rule: rst-client-side-only
  title: t
  desc: d
  severity: error
  scope: pair
  condition: pair.rst_seen_client_side && pair.seen_on_server_side && !pair.rst_seen_server_side
  output: "{pair.client_addr}:{pair.client_port}: client side {pair.close_how_client_side}, server side {pair.close_how_server_side}"
`;
    const r = rules(text);
    expect(evaluateRules(r, caps["firewall-idle-client"]!)).toEqual([]);
    const f = evaluateRules(r, caps["firewall-idle-client"]!, {
      pair: { clientSide: caps["firewall-idle-client"]!, serverSide: caps["firewall-idle-broker"]! },
    });
    expect(f.map((x) => [x.message, x.evidence.connection, x.evidence.packets, x.evidence.details])).toEqual([
      ["10.99.1.1:44458: client side rst, server side open", 0, [1, 12], { server_side_connection: 0 }],
      ["10.99.1.1:44466: client side rst, server side open", 1, [13, 24], { server_side_connection: 1 }],
    ]);
  });
});
