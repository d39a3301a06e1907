// `npm run bench [-- name...]`: runs the benchmark modules beside this file, prints one table,
// merges the rows into bench-results/bench.json (benchmarks not run keep their last rows) and
// rewrites the README's table from that file. See README.md here.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { merged, renderTable, withTable, type BenchFile, type BenchRow } from "./table.ts";

export type { BenchRow } from "./table.ts";

const wanted = process.argv.slice(2);
const modules = readdirSync(import.meta.dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && f !== "table.ts" && !f.startsWith("_") && !f.startsWith("."))
  .map((f) => f.replace(/\.ts$/, ""))
  .filter((n) => wanted.length === 0 || wanted.includes(n));
const unknown = wanted.filter((w) => !modules.includes(w));
if (unknown.length) {
  console.error(`no benchmark named ${unknown.join(", ")} (there are: ${readdirSync(import.meta.dir).filter((f) => f.endsWith(".ts") && !["run.ts", "table.ts"].includes(f) && !f.startsWith("_")).map((f) => f.slice(0, -3)).join(", ")})`);
  process.exit(2);
}

const ran: Record<string, { rows: BenchRow[]; failure?: string }> = {};
for (const name of modules) {
  const started = performance.now();
  process.stderr.write(`bench ${name}...\n`);
  try {
    const mod = (await import(join(import.meta.dir, `${name}.ts`))) as { run(): Promise<BenchRow[]> };
    ran[name] = { rows: await mod.run() };
    process.stderr.write(`bench ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    ran[name] = { rows: [], failure: (err as Error).message };
    process.stderr.write(`bench ${name} failed: ${(err as Error).stack}\n`);
  }
}

console.log(renderTable(Object.values(ran).flatMap((r) => r.rows)));
const failures = Object.entries(ran).filter(([, r]) => r.failure).map(([n, r]) => `${n}: ${r.failure}`);
if (failures.length) console.log(`\nfailed: ${failures.join("; ")}`);
const root = join(import.meta.dir, "../..");
const jsonPath = join(root, "bench-results/bench.json");
mkdirSync(join(root, "bench-results"), { recursive: true });
const prev = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, "utf8")) as Partial<BenchFile>) : null;
const file = merged(prev?.runs ? (prev as BenchFile) : null, { cpus: navigator.hardwareConcurrency, platform: process.platform }, new Date().toISOString(), ran);
writeFileSync(jsonPath, `${JSON.stringify(file, null, 2)}\n`);
const readmePath = join(root, "README.md");
writeFileSync(readmePath, withTable(readFileSync(readmePath, "utf8"), file));
console.log("\nwrote bench-results/bench.json and the README's table");
