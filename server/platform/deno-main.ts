// The CLI's entry point under Deno (`npm run deno -- ARGS`, and the bundle's deno-main.js): modules
// that load lazily with require() (as Bun allows in ES modules) find it here, then cli/main.ts runs
// as under Bun. The require is made on its first call: node:module is Deno's Node layer, which a
// command that only talks to its server does without (node-builtin.ts).
import { nodeRequire } from "./node-builtin.ts";

const g = globalThis as { require?: unknown };
g.require ??= (id: string) => nodeRequire(import.meta.url)(id);
await import("../../cli/main.ts");
