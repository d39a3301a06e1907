// The CLI's entry point under Deno (`npm run deno -- ARGS`): modules that load lazily with
// require() (as Bun allows in ES modules) find it here, then cli/main.ts runs as under Bun.
import { createRequire } from "node:module";

const g = globalThis as { require?: unknown };
g.require ??= createRequire(import.meta.url);
await import("../../cli/main.ts");
