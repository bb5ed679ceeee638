/**
 * The one place a run is put together: options → registry (built-in dissectors, then --plugin,
 * --decode-as, --kafka-port, the TLS key log) → the fact schema made from the registry's fields →
 * rules compiled against it. Every command and the TUI open their session here, so a plugin's
 * fields, a port mapping or a rule parameter mean the same thing everywhere.
 */

import { createRegistry, type KeyLog } from "../plugins/builtin.js";
import { loadPluginFile } from "../plugins/load.js";
import { SHOW_SECRETS, type Registry } from "../plugins/registry.js";
import { useRegistry } from "../facts/schema.js";
import { BUILTIN_RULES_DIR, loadRuleFiles, type LoadResult } from "../rules/index.js";

export interface SessionOptions {
  /** `--plugin` files, loaded after the built-in dissectors. */
  plugins?: readonly string[];
  /** `--decode-as PORT=NAME`, already checked. */
  decodeAs?: ReadonlyArray<{ port: number; dissector: string }>;
  /** `--kafka-port`: extra ports decoded as Kafka. */
  kafkaPorts?: readonly number[];
  /** `--tls-keylog`, already read (its problems were warned about by whoever read it). */
  tlsKeyLog?: KeyLog;
  /** `--show-secrets`: SASL passwords and proofs shown (masked everywhere otherwise). */
  showSecrets?: boolean;
  /** The rules to load; absent: the session has no rules (flows, packets, fields). */
  rules?: { files: readonly string[]; builtin: boolean; params: Readonly<Record<string, string>> };
}

export interface Session {
  registry: Registry;
  /** The loaded rules and their problems (a file with errors is skipped, the others load). */
  rules: LoadResult | null;
}

/** A session opened with rules. */
export type RuledSession = Session & { rules: LoadResult };

/**
 * Opens a session. A plugin that cannot be loaded throws PluginError (a usage error: exit 2);
 * rule problems are returned, not thrown, so the caller reports them its own way and goes on.
 */
export async function openSession(o: SessionOptions): Promise<Session> {
  const registry = createRegistry();
  for (const path of o.plugins ?? []) await loadPluginFile(registry, path);
  for (const d of o.decodeAs ?? []) registry.decodeAs(d.port, d.dissector);
  for (const port of o.kafkaPorts ?? []) registry.decodeAs(port, "kafka");
  if (o.tlsKeyLog) registry.preferences.set("tls.keylog", o.tlsKeyLog);
  if (o.showSecrets) registry.preferences.set(SHOW_SECRETS, true);
  // Rules and filters compile against the loaded plugins' fields: the schema comes first.
  useRegistry(registry);
  const rules = o.rules ? loadRuleFiles([...(o.rules.builtin ? [BUILTIN_RULES_DIR] : []), ...o.rules.files], { params: { ...o.rules.params } }) : null;
  return { registry, rules };
}
