// `npm run build`: the dashboard (vite), its assets embedded through a generated manifest, then one
// executable with the Bun runtime inside: dist/ai-session. The committed manifest (an empty list,
// so the server runs from source without a build) is put back afterwards. Then dist/deno for Deno.
import { $ } from "bun";
import { readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const manifest = "dashboard/assets.gen.ts";
const committed = readFileSync(manifest, "utf8");
mkdirSync("dist", { recursive: true });
try {
  await $`vite build --config dashboard/vite.config.ts --logLevel warn`;
  await $`bun dashboard/embed.ts`;
  // ESM with splitting: each command is its own chunk and a start loads only the running
  // command's (one bundle is deserialized whole, ~3 ms before the first line runs). A .env or
  // bunfig.toml in the working directory is the user's project's, not ours: not read (~1 ms). The
  // worker threads' entry (server/work/worker.ts) is an entrypoint of its own: Bun embeds it under
  // its path from the project root, where `new Worker` finds it.
  await $`bun build --compile --bytecode --format=esm --splitting --minify --sourcemap=none --no-compile-autoload-dotenv --no-compile-autoload-bunfig cli/main.ts server/work/worker.ts --outfile dist/ai-session`.quiet();
} finally {
  writeFileSync(manifest, committed);
}
const size = statSync("dist/ai-session").size;
console.log(`built dist/ai-session (${(size / 1e6).toFixed(1)} MB)`);

// dist/deno: the same source as JavaScript bundles for Deno, which cli/ai-session-deno runs. Deno
// then reads a few chunks instead of transpiling and resolving a hundred TypeScript modules at every
// start. Built after the manifest is put back: a Deno server serves the dashboard from
// dashboard/dist. AI_SESSION_BUNDLE_FOR (server/platform/bundle.ts) leaves Bun's side out; node-pty
// (a native addon) and tiktoken (its WASM) load from node_modules.
rmSync("dist/deno", { recursive: true, force: true });
await $`bun build --target=node --format=esm --splitting --minify-syntax --minify-whitespace --define AI_SESSION_BUNDLE_FOR='"deno"' --external node-pty --external tiktoken --entry-naming [name].[ext] --outdir dist/deno server/platform/deno-main.ts server/work/worker.ts`.quiet();
lazyBundleRequire("dist/deno");

/**
 * Bun gives the chunk of its helpers `import { createRequire } from "node:module"` and a require
 * made at load: on Deno that import alone sets up the Node layer, ~40 ms of every CLI command
 * (server/platform/node-builtin.ts). Made on the first require() instead; all chunks sit in one
 * folder, so it resolves as Bun's did. A Bun that writes the helper otherwise fails the build here.
 */
function lazyBundleRequire(dir: string): void {
  const importLine = 'import{createRequire}from"node:module";';
  const made = "var __require=createRequire(import.meta.url);";
  const lazy = 'var __requireMade,__require=(id)=>(__requireMade??=process.getBuiltinModule("node:module").createRequire(import.meta.url))(id);';
  let rewritten = 0;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(".js")) continue;
    const file = join(dir, name);
    const text = readFileSync(file, "utf8");
    if (!text.includes(made)) continue;
    if (!text.startsWith(importLine)) throw new Error(`${file}: Bun's require helper without its import line first; update build.ts`);
    writeFileSync(file, text.slice(importLine.length).replace(made, lazy));
    rewritten++;
  }
  if (rewritten !== 1) throw new Error(`dist/deno: expected Bun's require helper in one chunk, found it in ${rewritten}; update build.ts`);
}
console.log("built dist/deno (run by cli/ai-session-deno)");
