/**
 * Loading user plugins from paths the user names (`--plugin FILE`). Nothing is ever loaded
 * implicitly from the working directory. Each plugin runs in a thread of its own, with time and
 * memory limits (sandbox/host.ts): its faults stay its own.
 */

import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { type Registry, PluginError } from "./registry.js";
import { loadIsolatedPlugin } from "./sandbox/host.js";

/** Starts a plugin module and registers its default export. Throws PluginError with a one-line reason. */
export async function loadPluginFile(registry: Registry, path: string): Promise<void> {
  const full = resolve(path);
  if (!existsSync(full) || !statSync(full).isFile()) {
    throw new PluginError("plugin_not_found", path, "no such file");
  }
  registry.register(await loadIsolatedPlugin(full, { shownAs: path }), path);
}
