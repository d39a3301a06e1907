// `npm run build`: the dashboard (vite), its assets embedded through a generated manifest, then one
// executable with the Bun runtime inside: dist/ai-session. The committed manifest (an empty list,
// so the server runs from source without a build) is put back afterwards.
import { $ } from "bun";
import { readFileSync, writeFileSync, mkdirSync, statSync } from "node:fs";

const manifest = "dashboard/assets.gen.ts";
const committed = readFileSync(manifest, "utf8");
mkdirSync("dist", { recursive: true });
try {
  await $`vite build --config dashboard/vite.config.ts --logLevel warn`;
  await $`bun dashboard/embed.ts`;
  await $`bun build --compile --bytecode --minify --sourcemap=none cli/main.ts --outfile dist/ai-session`.quiet();
} finally {
  writeFileSync(manifest, committed);
}
const size = statSync("dist/ai-session").size;
console.log(`built dist/ai-session (${(size / 1e6).toFixed(1)} MB)`);
