import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

const root = fileURLToPath(new URL(".", import.meta.url));

/** Builds the dashboard into dashboard/dist; `bun dashboard/embed.ts` then embeds it in the binary. */
export default defineConfig({
  root,
  base: "/",
  plugins: [solid()],
  build: {
    outDir: `${root}/dist`,
    emptyOutDir: true,
    target: "es2022",
    // One small entry chunk; heavy views (xterm, uPlot) load when opened.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    chunkSizeWarningLimit: 600,
  },
});
