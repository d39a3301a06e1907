import { basename } from "node:path";
import { inDenoBundle } from "./bundle.ts";

/**
 * The specifier that starts a worker thread from a module's own directory: from source, a file URL
 * beside the caller; inside the compiled binary, where a URL beside the caller does not exist
 * (ModuleNotFound "/$bunfs/root/…"), the worker's entrypoint by its path from the project root,
 * which is how Bun embeds each entrypoint given to `bun build --compile` (build.ts); in Deno's
 * bundle (dist/deno), the worker's entry beside the chunk.
 */
export function workerUrl(callerUrl: string, relative: string, fromRoot: string): string {
  if (callerUrl.includes("$bunfs") || callerUrl.includes("~BUN")) return `./${fromRoot}`;
  // Deno's bundle: every chunk and entry side by side, the entry as NAME.js
  if (inDenoBundle()) return new URL(`./${basename(fromRoot, ".ts")}.js`, callerUrl).href;
  return new URL(relative, callerUrl).href;
}
