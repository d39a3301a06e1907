/**
 * The specifier that starts a worker thread from a module's own directory: from source, a file URL
 * beside the caller; inside the compiled binary, where a URL beside the caller does not exist
 * (ModuleNotFound "/$bunfs/root/…"), the worker's entrypoint by its path from the project root,
 * which is how Bun embeds each entrypoint given to `bun build --compile` (build.ts).
 */
export function workerUrl(callerUrl: string, relative: string, fromRoot: string): string {
  if (callerUrl.includes("$bunfs") || callerUrl.includes("~BUN")) return `./${fromRoot}`;
  return new URL(relative, callerUrl).href;
}
