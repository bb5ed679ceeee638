/** The dissectors that ship with kdiag, registered into a fresh registry for each run. */

import kafka from "../../dissectors/kafka/index.js";
import tcp from "../../dissectors/tcp/index.js";
import { Registry } from "./registry.js";

export function createRegistry(): Registry {
  const registry = new Registry();
  registry.register(tcp, "builtin");
  registry.register(kafka, "builtin");
  return registry;
}
