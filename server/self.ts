import { basename, join } from "node:path";

/**
 * The argv that runs this program: the compiled binary itself (or $AI_SESSION_BIN), else Bun with
 * cli/main.ts. Clients start `serve` with it; the server starts the sandbox launcher with it.
 */
export function selfCommand(): string[] {
  if (process.env.AI_SESSION_BIN) return [process.env.AI_SESSION_BIN];
  // The compiled binary is its own runtime; under Bun (or node) we run cli/main.ts with it.
  if (!/^(bun|bunx|node)(\.exe)?$/.test(basename(process.execPath))) return [process.execPath];
  const main = join(import.meta.dir, "..", "cli", "main.ts");
  const bun = typeof Bun !== "undefined" ? process.execPath : "bun";
  return [bun, main];
}
