/**
 * How much JavaScript the dashboard's first page loads, gzipped (target: under 300 KB), and the
 * heaviest view on top of it. Reads dashboard/dist as `npm run build` (vite build) left it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import type { BenchRow } from "./run.ts";

const DIST = resolve(import.meta.dir, "../../dashboard/dist");

const gz = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;

/** The JS files index.html loads before anything else: the entry module and its preloads. */
export function firstPageScripts(html: string): string[] {
  const found = new Set<string>();
  for (const m of html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\/?([^"]+\.js)"/g)) found.add(m[1]!);
  return [...found];
}

export async function run(): Promise<BenchRow[]> {
  if (!existsSync(join(DIST, "index.html"))) throw new Error("dashboard/dist is missing: run `npm run build` (or vite build --config dashboard/vite.config.ts)");
  const html = readFileSync(join(DIST, "index.html"), "utf8");
  const first = firstPageScripts(html);
  const firstKb = first.reduce((n, f) => n + gz(f), 0) / 1024;
  const chunks = [...new Bun.Glob("assets/*.js").scanSync(DIST)];
  const heaviest = chunks.map((f) => ({ f, kb: gz(f) / 1024 })).sort((a, b) => b.kb - a.kb)[0];
  const allKb = chunks.reduce((n, f) => n + gz(f), 0) / 1024;
  return [
    { bench: "dashboard", metric: "first page JS (gzip)", value: +firstKb.toFixed(1), unit: "KB", target: "< 300 KB", ok: firstKb < 300 },
    { bench: "dashboard", metric: `heaviest lazy view (${heaviest?.f.replace(/^assets\/|-[\w-]+\.js$/g, "")}, gzip)`, value: +(heaviest?.kb ?? 0).toFixed(1), unit: "KB" },
    { bench: "dashboard", metric: "all JS (gzip)", value: +allKb.toFixed(1), unit: "KB" },
  ];
}

if (import.meta.main) console.table(await run());
