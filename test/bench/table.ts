// The benchmark table: one shape for the terminal, bench-results/bench.json and the README.
export interface BenchRow {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  target?: string;
  ok?: boolean;
}

/** What bench-results/bench.json holds: the newest rows of every benchmark, each with when it ran. */
export interface BenchFile {
  machine: { cpus: number; platform: string };
  runs: Record<string, { at: string; rows: BenchRow[]; failure?: string }>;
}

export const README_START = "<!-- bench-table:start (written by npm run bench from bench-results/bench.json) -->";
export const README_END = "<!-- bench-table:end -->";

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3));

export function renderTable(rows: BenchRow[]): string {
  return [
    "| bench | metric | value | target | met |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.bench} | ${r.metric} | ${fmt(r.value)} ${r.unit} | ${r.target ?? ""} | ${r.ok === undefined ? "" : r.ok ? "yes" : "**no**"} |`),
  ].join("\n");
}

/** Every row of the file, benchmark by benchmark in name order, with a line saying when each ran. */
export function tableOf(file: BenchFile): string {
  const names = Object.keys(file.runs).sort();
  const rows = names.flatMap((n) => file.runs[n]!.rows);
  const when = names.map((n) => `${n} ${file.runs[n]!.at.slice(0, 10)}${file.runs[n]!.failure ? " (failed: see bench.json)" : ""}`).join(", ");
  return `${renderTable(rows)}\n\nRun on ${file.machine.cpus} cores: ${when}.`;
}

/** The README with its table replaced by the file's; an error when the markers are missing. */
export function withTable(readme: string, file: BenchFile): string {
  const a = readme.indexOf(README_START);
  const b = readme.indexOf(README_END);
  if (a < 0 || b < a) throw new Error(`README.md has no benchmark table markers (${README_START} … ${README_END})`);
  return `${readme.slice(0, a + README_START.length)}\n${tableOf(file)}\n${readme.slice(b)}`;
}

/** Merges one run into the file: the benchmarks that ran replace their rows, the others stay. */
export function merged(prev: BenchFile | null, machine: BenchFile["machine"], at: string, ran: Record<string, { rows: BenchRow[]; failure?: string }>): BenchFile {
  const runs = { ...(prev?.runs ?? {}) };
  for (const [name, r] of Object.entries(ran)) runs[name] = { at, rows: r.rows, ...(r.failure ? { failure: r.failure } : {}) };
  return { machine, runs };
}
