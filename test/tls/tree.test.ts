/**
 * The TUI's detail tree for TLS records: the connection is re-dissected in detail mode and each
 * record's tree (record header, handshake messages with their fields, certificates) appears under
 * a "TLS" node, open by default, with offsets the hex pane can place.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyseCapture } from "../../src/model/analyse.js";
import { redissectConnection } from "../../src/model/redissect.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { defaultExpanded, flatten, pduNode, type UiNode } from "../../src/tui/tree.js";
import { TLS_DIR } from "./helpers.js";

function labels(n: UiNode, out: string[] = []): string[] {
  out.push(n.label);
  for (const c of n.children ?? []) labels(c, out);
  return out;
}

describe("TLS in the detail tree", () => {
  it("a TLS 1.2 Certificate record shows the broker's certificate", async () => {
    const registry = createRegistry();
    const capture = await analyseCapture(join(TLS_DIR, "tls12-ecdhe-rsa-chacha20.pcap"), { registry });
    const { pdus, streams } = redissectConnection(capture, 0, registry);
    const cert = pdus.find((p) => p.summary === "Certificate")!;
    const node = pduNode(cert, streams);
    const all = labels(node);
    expect(node.label).toBe("TLS server to client: Certificate");
    expect(all).toContain("Record Layer: Handshake Protocol: Certificate");
    expect(all).toContain("Subject: O=kdiag test, CN=broker-1");
    expect(all).toContain("Issuer: O=kdiag test, CN=kdiag test CA");
    expect(all.some((l) => l.startsWith("tls.handshake.certificate.not_after: "))).toBe(true);
    // Open by default, like Kafka messages.
    const rows = flatten([node], defaultExpanded([node]));
    expect(rows.length).toBeGreaterThan(1);
  });

  it("a ClientHello names SNI, suites and ALPN; a TLS 1.3 ServerHello says the rest is encrypted", async () => {
    const registry = createRegistry();
    const capture = await analyseCapture(join(TLS_DIR, "tls13-aes128-gcm.pcap"), { registry });
    const { pdus, streams } = redissectConnection(capture, 0, registry);
    const hello = labels(pduNode(pdus[0]!, streams));
    expect(hello[0]).toBe("TLS client to server: Client Hello (SNI=broker-1)");
    expect(hello).toContain("Server Name: broker-1");
    expect(hello).toContain("ALPN Next Protocol: kafka");
    expect(hello).toContain("Cipher Suite: TLS_AES_128_GCM_SHA256 (0x1301)");
    const server = labels(pduNode(pdus[1]!, streams));
    expect(server).toContain("Handshake Protocol: Server Hello, TLS_AES_128_GCM_SHA256");
    expect(server).toContain("Supported Version: TLS 1.3 (0x0304)");
    expect(server.some((l) => /certificates and the rest of the handshake are encrypted/.test(l))).toBe(true);
  });
});
