/**
 * Text from the wire (SNI, certificate names) reaches the terminal escaped: a Client Hello whose
 * server name carries an escape sequence is shown with it escaped in `kdiag packets`; the JSON
 * fields keep the raw text (as the plugin contract says), which JSON itself escapes.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TLS_DIR } from "./helpers.js";

describe("TLS text is sanitised", () => {
  it("an escape sequence in the SNI is shown escaped", () => {
    const bytes = Buffer.from(readFileSync(join(TLS_DIR, "tls13-aes128-gcm.pcap")));
    // The first "broker-1" is the Client Hello's server name; same length, so nothing else moves.
    const at = bytes.indexOf("broker-1");
    expect(at).toBeGreaterThan(0);
    bytes.write("\u001b[31mb-1", at, "latin1");
    const file = join(mkdtempSync(join(tmpdir(), "kdiag-tls-")), "sni-escape.pcap");
    writeFileSync(file, bytes);
    const r = spawnSync("node", ["bin/kdiag.js", "packets", file], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("\u001b");
    expect(r.stdout).toContain("Client Hello (SNI=\\e[31mb-1)");
    // JSON carries the raw text, escaped as JSON escapes it (\u001b): safe on a terminal too.
    const json = spawnSync("node", ["bin/kdiag.js", "packets", "--json", file], { encoding: "utf8" }).stdout;
    expect(json).not.toContain("\u001b[");
    const hello = JSON.parse(json).packets.find((p: { info: string }) => p.info.startsWith("Client Hello"));
    expect(hello.pdus[0].fields["tls.handshake.extensions_server_name"]).toBe("\u001b[31mb-1");
  });
});
