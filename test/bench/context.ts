/**
 * Retrieval of a session's AI context. In process: assembling a 4,000-token context from the
 * session's facts and recent commands (real corpus outputs, compacted). The user's path: GET
 * /api/sessions/NAME/context over HTTP from a live server, warm and as the first call after a new
 * command (whose output is counted then), and whether the 4,000 tokens asked for are filled.
 *   bun test/bench/context.ts
 */
import { assembleContext, type CommandFacts } from "../../server/context/assemble.ts";
import { countTokens } from "../../server/tokens/tokens.ts";
import { compactOutput } from "../../server/output/compact.ts";
import { CORPUS_COLS, loadCorpus } from "../output/corpus.ts";
import { median as medianOf, timeIt } from "./_stats.ts";
import type { BenchRow } from "./run.ts";

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

export async function run(): Promise<BenchRow[]> {
  const corpus = loadCorpus();
  const commands: CommandFacts[] = corpus.slice(0, 20).map((f, i) => {
    const r = compactOutput(f.raw, { command: f.facts.command, exitCode: f.facts.exit_code, cols: CORPUS_COLS });
    return { command_id: i + 1, command: f.facts.command, status: f.facts.exit_code === 0 ? "ok" : "failed", exit_code: f.facts.exit_code, duration_ms: 800, output: r.text, analysis: r.analysis };
  });
  // The last command's output must be long enough to fill the budget: a long listing, lossless.
  const big = corpus.find((f) => f.name === "ls-laR-zoneinfo")!;
  const bigOut = compactOutput(big.raw, { mode: "lossless", cols: CORPUS_COLS });
  commands.push({ command_id: 99, command: big.facts.command, status: "failed", exit_code: 1, duration_ms: 300, output: bigOut.text, analysis: bigOut.analysis });
  const input = { session: { name: "dev", cwd: "/tmp/proj/jsapp", shell: "bash", git_branch: "main" }, commands };
  const options = { maxTokens: 4000, lines: 1000 };

  const t0 = performance.now();
  const first = assembleContext(input, options);
  const coldMs = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = performance.now();
    assembleContext(input, options);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const p99 = times[Math.floor(times.length * 0.99)]!;
  const exact = countTokens(first.text);
  const server = await serverRetrieval([...corpus.slice(0, 11).map((f) => f.name), "tsc-checkjs-library-errors"]);
  return [
    { bench: "context", metric: "context size (tiktoken, exact)", value: exact, unit: "tokens", target: "<= 4000", ok: exact <= 4000 && exact > 3500 },
    { bench: "context", metric: "in-process assembly, first (counts every line)", value: round(coldMs, 1), unit: "ms" },
    { bench: "context", metric: "in-process assembly, repeated, median", value: round(median), unit: "ms" },
    { bench: "context", metric: "in-process assembly, repeated, p99", value: round(p99), unit: "ms" },
    { bench: "context", metric: "GET /context over HTTP, warm, median", value: round(server.warm), unit: "ms", target: "< 2", ok: server.warm < 2 },
    { bench: "context", metric: "GET /context over HTTP, first call after a command, median", value: round(server.cold), unit: "ms", target: "< 20", ok: server.cold < 20 },
    { bench: "context", metric: "GET /context?max_tokens=4000, tokens returned", value: server.tokens, unit: "tokens", target: "3500-4000", ok: server.tokens > 3500 && server.tokens <= 4000 },
  ];
}

/** The whole server path: a live session that ran real commands, its rows in SQLite, its cwd and git branch. */
async function serverRetrieval(fixtures: string[]): Promise<{ warm: number; cold: number; tokens: number }> {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { startServer } = await import("../../server/main.ts");
  const { createSession, execCommand } = await import("../../server/session/operations.ts");
  const home = mkdtempSync(join(tmpdir(), "ais-bench-context-"));
  const server = await startServer({ home, port: 0, host: "127.0.0.1", noToken: true, restore: false });
  try {
    const owner = { kind: "owner", name: "owner", scopes: new Set(["admin"]) } as never;
    await createSession(server.rt, owner, { name: "bench", cwd: join(import.meta.dir, "..", "..") });
    for (const name of fixtures) {
      await execCommand(server.rt, owner, "bench", { command: `cat test/fixtures/output/${name}.txt; (exit ${name.includes("fail") || name.includes("error") ? 1 : 0})` });
    }
    // The last command fills the budget: 400 distinct errors (each its own code and module), which
    // compaction keeps one by one, so the context holds about 4,000 tokens of them.
    await execCommand(server.rt, owner, "bench", {
      command: `for i in $(seq 400); do echo "src/mod$i.ts:$i:7 - error TS$((1000 + i)): Cannot find module 'pkg-$i' or its type declarations."; done; (exit 2)`,
    });
    // what a client does: GET the context over HTTP, as `ai-session context` and the dashboard do
    const get = async () => {
      const r = await fetch(`${server.url}/api/sessions/bench/context?max_tokens=4000`);
      if (!r.ok) throw new Error(`context: HTTP ${r.status} ${await r.text()}`);
      return (await r.json()) as { tokens: number };
    };
    const first = await get();
    const warm: number[] = [];
    for (let i = 0; i < 300; i++) warm.push(...(await timeIt(1, get)));
    // cold: the first call after a new command, whose output has not been counted yet
    const cold: number[] = [];
    for (let i = 0; i < 30; i++) {
      await execCommand(server.rt, owner, "bench", { command: `seq ${i * 7} ${i * 7 + 200}` });
      cold.push(...(await timeIt(1, get)));
    }
    return { warm: medianOf(warm), cold: medianOf(cold), tokens: first.tokens };
  } finally {
    await server.stop("");
  }
}

if (import.meta.main) {
  for (const r of await run()) console.log(`${r.metric.padEnd(40)} ${String(r.value).padStart(9)} ${r.unit.padEnd(7)} ${r.target ? `target ${r.target}` : ""} ${r.ok === undefined ? "" : r.ok ? "ok" : "MISSED"}`);
}
