/**
 * The TLS dissector (record layer, TLS 1.0-1.3), registered like any plugin: port 9093 (Kafka's
 * usual SSL listener) in the port table, a heuristic that recognises a ClientHello on any port,
 * framing by the 5-byte record header, and a session per connection that reads what travels in
 * the clear (dissectors/tls/session.ts), and, with a key log (`--tls-keylog`), decrypts records
 * and hands the application data to the Kafka dissector.
 */

import type { DissectorPlugin } from "../../src/plugins/api.js";
import { PLUGIN_API_VERSION } from "../../src/plugins/api.js";
import { TLS_FIELDS } from "./fields.js";
import { detectTls, tlsFraming } from "./framing.js";
import { TlsSession } from "./session.js";

const tls: DissectorPlugin = {
  apiVersion: PLUGIN_API_VERSION,
  name: "tls",
  label: "TLS",
  description: "TLS record layer (TLS 1.0-1.3): handshake, SNI, cipher suite, certificates, alerts; decryption with a key log (--tls-keylog)",
  layer: "stream",
  ports: [9093],
  detect: detectTls,
  fields: [...TLS_FIELDS],
  framing: tlsFraming,
  open: (ctx) => new TlsSession(ctx),
};

export default tls;
