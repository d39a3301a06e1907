// Builds a module for Node into a fresh directory inside node_modules/.cache, so that node finds the
// node-pty package from there (node-pty is for runtimes without Bun.Terminal, and is tested under node).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export async function bundleForNode(entry: string, file: string, prefix: string): Promise<{ dir: string; path: string }> {
  const cache = resolve(import.meta.dir, "../../node_modules/.cache");
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, prefix));
  const built = await Bun.build({ entrypoints: [entry], target: "node", format: "cjs", external: ["node-pty"] });
  if (!built.success) throw new Error(`could not build ${entry} for node: ${built.logs.join("\n")}`);
  const path = join(dir, file);
  writeFileSync(path, await built.outputs[0]!.text());
  return { dir, path };
}
