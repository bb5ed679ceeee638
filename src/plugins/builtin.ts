/** The dissectors that ship with kdiag, registered into a fresh registry for each run. */

import kafka from "../../dissectors/kafka/index.js";
import tcp from "../tcp/descriptor.js";
import tls from "../../dissectors/tls/index.js";
import { Registry } from "./registry.js";

export function createRegistry(): Registry {
  const registry = new Registry();
  registry.register(tcp, "builtin");
  // TLS before Kafka: heuristics are tried in registration order, and TLS's (a ClientHello) is the
  // stricter one; a ClientHello's bytes can, rarely, pass Kafka's request-header test.
  registry.register(tls, "builtin");
  registry.register(kafka, "builtin");
  return registry;
}

// What the command line hands the built-in TLS dissector (--tls-keylog) and reads of its notes:
// the one place outside dissectors/ that names them.
export { KeyLog, parseKeyLog } from "../../dissectors/tls/keylog.js";
export { TLS_NOT_DECRYPTED } from "../../dissectors/tls/session.js";
