/**
 * Loading user plugins from paths the user names (`--plugin FILE`). Nothing is ever loaded
 * implicitly from the working directory.
 */

import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PluginError, type Registry } from "./registry.js";

/** Imports a plugin module and registers its default export. Throws PluginError with a one-line reason. */
export async function loadPluginFile(registry: Registry, path: string): Promise<void> {
  const full = resolve(path);
  if (!existsSync(full) || !statSync(full).isFile()) {
    throw new PluginError("plugin_not_found", path, "no such file");
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(full).href)) as { default?: unknown };
  } catch (err) {
    // A syntax error or a throwing top level: the first line says what, without a stack trace.
    const first = String(err instanceof Error ? err.message : err).split("\n")[0];
    throw new PluginError("plugin_load_failed", path, `cannot load the module: ${first}`);
  }
  if (mod.default === undefined) {
    throw new PluginError("plugin_invalid", path, "the module has no default export (export default { apiVersion: 1, ... })");
  }
  registry.register(mod.default, path);
}
