import { basename, join } from "../posix-path.ts";
import { inDenoBundle } from "./bundle.ts";
import { DENO_SERVER_FLAGS } from "./deno-permissions.ts";

/**
 * The argv that runs this program again on the runtime running it: the compiled binary itself;
 * from source, Bun (or Node's caller: bun) with cli/main.ts, or Deno with its entry (the source's
 * or the bundle's) and the server's flags (deno-permissions.ts). Kept apart from the rest of the
 * seam: the sandbox launcher path and node-pty's Node driver use it without loading a runtime's side.
 */
export function runtimeSelfCommand(): string[] {
  const here = () => decodeURIComponent(new URL(".", import.meta.url).pathname);
  const root = () => join(here(), "..", "..");
  if (typeof (globalThis as { Deno?: unknown }).Deno !== "undefined") {
    // the bundle starts its server from the bundle (its entry sits beside this chunk), the source from the source
    const entry = inDenoBundle() ? join(here(), "deno-main.js") : join(root(), "server", "platform", "deno-main.ts");
    return [process.execPath, "run", ...DENO_SERVER_FLAGS, entry];
  }
  if (!/^(bun|bunx|node)(\.exe)?$/.test(basename(process.execPath))) return [process.execPath];
  const bun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? process.execPath : "bun";
  return [bun, join(root(), "cli", "main.ts")];
}
