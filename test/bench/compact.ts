/**
 * Compaction over the corpus of real tool output (test/fixtures/output): total token savings
 * (tiktoken o200k_base, raw bytes as the terminal sent them against the compacted text), median
 * savings per fixture, savings against the rendered text alone, fact retention (every must-keep
 * fact of every fixture, verbatim) and compaction speed in MB/s (rendering + analysis + folding,
 * without token counting), by wall time and by CPU time (steadier when the machine is busy), also
 * on one large output and on a flood of one short line (`yes`).
 * Beside the totals, two ways of seeing how it does on tools it was never tuned on: generic mode
 * (every tool recogniser off: shapes alone) and leave-one-family-out (each capture compacted with
 * the rules of its own tool family off, every other family's on).
 *   bun test/bench/compact.ts              prints the table
 *   bun test/bench/compact.ts --fixtures   and the tokens of each capture
 *   bun test/bench/compact.ts --missing    and each fact lost, in each mode
 *   bun test/bench/compact.ts --quick      speed over one pass only (for working on the rules)
 */
import { countTokens } from "../../server/tokens/tokens.ts";
import { compactOutput } from "../../server/output/compact.ts";
import { decodeBytes, renderOutput } from "../../server/output/render.ts";
import type { RuleSelection } from "../../server/output/parsers/index.ts";
import { CORPUS_COLS, expectationCount, type Fixture, factKept, loadCorpus, unmetExpectations } from "../output/corpus.ts";
import type { BenchRow } from "./run.ts";

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Per-fixture token counts of the last run (printed by `bun test/bench/compact.ts --fixtures`). */
export const table: Array<{ name: string; exit: number; raw: number; compacted: number }> = [];

interface Score {
  raw: number;
  compacted: number;
  facts: number;
  kept: number;
  failingFacts: number;
  failingKept: number;
  missing: string[];
  /** What the captures' `expect` asks of the analysis (status, kind, failing tests, error locations, counts), and how much of it was found. */
  expectations: number;
  met: number;
}

/** Tokens and facts of the corpus compacted under some rules (`rulesFor` picks them per capture). */
function score(corpus: Fixture[], rawTokens: Map<string, number>, rulesFor: (f: Fixture) => RuleSelection): Score {
  const s: Score = { raw: 0, compacted: 0, facts: 0, kept: 0, failingFacts: 0, failingKept: 0, missing: [], expectations: 0, met: 0 };
  for (const f of corpus) {
    const opts = { command: f.facts.command, exitCode: f.facts.exit_code, cwd: f.facts.cwd, cols: CORPUS_COLS, rules: rulesFor(f), expandHint: (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}` };
    const { text: out, analysis } = compactOutput(f.raw, opts);
    s.expectations += expectationCount(f.facts);
    s.met += expectationCount(f.facts) - unmetExpectations(analysis, f.facts).length;
    s.raw += rawTokens.get(f.name)!;
    s.compacted += countTokens(out);
    for (const fact of f.facts.must_keep) {
      const kept = factKept(fact, out);
      s.facts++;
      if (kept) s.kept++;
      else s.missing.push(`${f.name}: ${fact}`);
      if (f.facts.exit_code !== 0) {
        s.failingFacts++;
        if (kept) s.failingKept++;
      }
    }
  }
  return s;
}

function modeRows(mode: string, s: Score): BenchRow[] {
  const saved = (1 - s.compacted / s.raw) * 100;
  const retention = (s.kept / s.facts) * 100;
  const failing = s.failingFacts ? (s.failingKept / s.failingFacts) * 100 : 100;
  return [
    { bench: "compact", metric: `${mode}: saved vs raw`, value: round(saved), unit: "%", target: ">= 90", ok: saved >= 90 },
    { bench: "compact", metric: `${mode}: fact retention`, value: round(retention, 2), unit: "%", target: ">= 98", ok: retention >= 98 },
    { bench: "compact", metric: `${mode}: fact retention in failing runs`, value: round(failing, 2), unit: "%", target: "100", ok: s.failingKept === s.failingFacts },
    { bench: "compact", metric: `${mode}: analysis, expectations met`, value: round((s.met / s.expectations) * 100, 1), unit: "%" },
  ];
}

/** Facts lost in each mode of the last run (printed by `--missing`). */
export const missing: Record<string, string[]> = {};

export async function run(): Promise<BenchRow[]> {
  const corpus = loadCorpus();
  let raw = 0;
  let rendered = 0;
  let compacted = 0;
  let lossless = 0;
  let facts = 0;
  let kept = 0;
  let expectations = 0;
  let met = 0;
  const rawTokens = new Map<string, number>();
  for (const k of Object.keys(missing)) delete missing[k];
  const perFixture: number[] = [];
  table.length = 0;
  for (const f of corpus) {
    const opts = { command: f.facts.command, exitCode: f.facts.exit_code, cwd: f.facts.cwd, cols: CORPUS_COLS, expandHint: (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}` };
    const { text: out, analysis } = compactOutput(f.raw, opts);
    expectations += expectationCount(f.facts);
    met += expectationCount(f.facts) - unmetExpectations(analysis, f.facts).length;
    const r = countTokens(decodeBytes(f.raw));
    const c = countTokens(out);
    raw += r;
    rendered += countTokens(renderOutput(f.raw, { cols: CORPUS_COLS }));
    compacted += c;
    lossless += countTokens(compactOutput(f.raw, { ...opts, mode: "lossless" }).text);
    perFixture.push(r > 0 ? (1 - c / r) * 100 : 0);
    table.push({ name: f.name, exit: f.facts.exit_code, raw: r, compacted: c });
    for (const fact of f.facts.must_keep) {
      facts++;
      if (factKept(fact, out)) kept++;
      else (missing.all ??= []).push(`${f.name}: ${fact}`);
    }
    rawTokens.set(f.name, r);
  }
  const generic = score(corpus, rawTokens, () => "generic");
  const leaveOut = score(corpus, rawTokens, (f) => ({ without: [f.facts.family] }));
  missing.generic = generic.missing;
  missing["leave-one-family-out"] = leaveOut.missing;
  const families = new Set(corpus.map((f) => f.facts.family));

  // Speed: the whole corpus, repeated to ~64 MB, compacted fixture by fixture (`--quick` does it once).
  const quick = process.argv.includes("--quick");
  const bytes = corpus.reduce((n, f) => n + f.raw.length, 0);
  const rounds = quick ? 1 : Math.max(1, Math.ceil((64 * 1024 * 1024) / bytes));
  // Wall time and this process's CPU time: on a busy machine the CPU figure is the steadier one.
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const t0 = performance.now();
  const c0 = cpu();
  for (let k = 0; k < rounds; k++) for (const f of corpus) compactOutput(f.raw, { exitCode: f.facts.exit_code, command: f.facts.command, cols: CORPUS_COLS });
  const smallSpeed = (bytes * rounds) / 1e6 / ((performance.now() - t0) / 1000);
  const smallCpuSpeed = (bytes * rounds) / 1e6 / ((cpu() - c0) / 1000);

  // Speed on one large output: ~32 MB of a real log (the corpus concatenated), in one call.
  const big = Buffer.concat(Array.from({ length: quick ? 1 : Math.ceil((32 * 1024 * 1024) / bytes) }, () => Buffer.concat(corpus.map((f) => f.raw))));
  const t1 = performance.now();
  const c1 = cpu();
  compactOutput(big, { exitCode: 1, cols: CORPUS_COLS });
  const bigSpeed = big.length / 1e6 / ((performance.now() - t1) / 1000);
  const bigCpuSpeed = big.length / 1e6 / ((cpu() - c1) / 1000);

  // Speed on a flood of one short line (`yes`, 20 MB of `y`): runs of identical lines are read once.
  const flood = Buffer.from("y\n".repeat((quick ? 2 : 10) * 1024 * 1024));
  const t2 = performance.now();
  const c2 = cpu();
  compactOutput(flood, { exitCode: 130, command: "yes", cols: CORPUS_COLS });
  const floodSpeed = flood.length / 1e6 / ((performance.now() - t2) / 1000);
  const floodCpuSpeed = flood.length / 1e6 / ((cpu() - c2) / 1000);

  const saved = (1 - compacted / raw) * 100;
  const retention = (kept / facts) * 100;
  return [
    { bench: "compact", metric: "fixtures", value: corpus.length, unit: "count", target: ">= 150", ok: corpus.length >= 150 },
    { bench: "compact", metric: "tool families", value: families.size, unit: "count", target: ">= 50", ok: families.size >= 50 },
    { bench: "compact", metric: "tokens raw (o200k_base)", value: raw, unit: "tokens" },
    { bench: "compact", metric: "tokens rendered (ANSI and \\r collapsed only)", value: rendered, unit: "tokens" },
    { bench: "compact", metric: "tokens compacted", value: compacted, unit: "tokens" },
    { bench: "compact", metric: "saved overall vs raw", value: round(saved), unit: "%", target: ">= 93", ok: saved >= 93 },
    { bench: "compact", metric: "saved overall vs rendered text", value: round((1 - compacted / rendered) * 100), unit: "%" },
    { bench: "compact", metric: "saved overall vs raw, --lossless", value: round((1 - lossless / raw) * 100), unit: "%" },
    { bench: "compact", metric: "median saved per fixture vs raw", value: round(median(perFixture)), unit: "%" },
    { bench: "compact", metric: "fact retention", value: round(retention, 2), unit: "%", target: "100", ok: kept === facts },
    { bench: "compact", metric: "analysis, expectations met", value: round((met / expectations) * 100, 1), unit: "%" },
    ...modeRows("generic mode", generic),
    ...modeRows("leave-one-family-out", leaveOut),
    { bench: "compact", metric: "speed, corpus fixture by fixture", value: round(smallSpeed), unit: "MB/s", target: ">= 20", ok: smallSpeed >= 20 },
    { bench: "compact", metric: "speed, corpus fixture by fixture (CPU time)", value: round(smallCpuSpeed), unit: "MB/s", target: ">= 20", ok: smallCpuSpeed >= 20 },
    { bench: "compact", metric: `speed, one ${round(big.length / 1e6, 0)} MB output`, value: round(bigSpeed), unit: "MB/s", target: ">= 20", ok: bigSpeed >= 20 },
    { bench: "compact", metric: `speed, one ${round(big.length / 1e6, 0)} MB output (CPU time)`, value: round(bigCpuSpeed), unit: "MB/s", target: ">= 20", ok: bigCpuSpeed >= 20 },
    { bench: "compact", metric: `speed, ${round(flood.length / 1e6, 0)} MB of one short line (yes)`, value: round(floodSpeed), unit: "MB/s", target: ">= 10", ok: floodSpeed >= 10 },
    { bench: "compact", metric: `speed, ${round(flood.length / 1e6, 0)} MB of one short line (yes, CPU time)`, value: round(floodCpuSpeed), unit: "MB/s", target: ">= 10", ok: floodCpuSpeed >= 10 },
  ];
}

if (import.meta.main) {
  const rows = await run();
  if (process.argv.includes("--fixtures")) {
    console.log("| fixture | exit | raw tokens | compacted | saved |\n|---|---:|---:|---:|---:|");
    for (const t of table) console.log(`| ${t.name} | ${t.exit} | ${t.raw} | ${t.compacted} | ${round((1 - t.compacted / t.raw) * 100)}% |`);
  }
  if (process.argv.includes("--missing")) for (const [mode, lost] of Object.entries(missing)) for (const m of lost) console.log(`[${mode}] ${m}`);
  for (const r of rows) {
    console.log(`${r.metric.padEnd(48)} ${String(r.value).padStart(10)} ${r.unit.padEnd(7)} ${r.target ? `target ${r.target}` : ""} ${r.ok === undefined ? "" : r.ok ? "ok" : "MISSED"}`);
  }
}
