// `npm run bench [-- name...]`: runs the benchmark modules beside this file, prints one table and
// writes bench-results/bench.json. See README.md here.
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface BenchRow {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  target?: string;
  ok?: boolean;
}

const wanted = process.argv.slice(2);
const modules = readdirSync(import.meta.dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_") && !f.startsWith("."))
  .map((f) => f.replace(/\.ts$/, ""))
  .filter((n) => wanted.length === 0 || wanted.includes(n));

const rows: BenchRow[] = [];
const failures: string[] = [];
for (const name of modules) {
  const started = performance.now();
  process.stderr.write(`bench ${name}...\n`);
  try {
    const mod = (await import(join(import.meta.dir, `${name}.ts`))) as { run(): Promise<BenchRow[]> };
    rows.push(...(await mod.run()));
    process.stderr.write(`bench ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    failures.push(`${name}: ${(err as Error).message}`);
    process.stderr.write(`bench ${name} failed: ${(err as Error).stack}\n`);
  }
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3));
const table = [
  "| bench | metric | value | target | met |",
  "| --- | --- | --- | --- | --- |",
  ...rows.map((r) => `| ${r.bench} | ${r.metric} | ${fmt(r.value)} ${r.unit} | ${r.target ?? ""} | ${r.ok === undefined ? "" : r.ok ? "yes" : "**no**"} |`),
];
console.log(table.join("\n"));
if (failures.length) console.log(`\nfailed: ${failures.join("; ")}`);
mkdirSync("bench-results", { recursive: true });
const out = { at: new Date().toISOString(), machine: { cpus: navigator.hardwareConcurrency, platform: process.platform }, rows, failures };
writeFileSync("bench-results/bench.json", JSON.stringify(out, null, 2));
console.log("\nwrote bench-results/bench.json");
