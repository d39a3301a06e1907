/**
 * Retrieval of a session's AI context: assembling a 4,000-token context from the session's facts
 * and recent commands (real corpus outputs, compacted) once their lines have been counted, which
 * is what the server does on every `ai-session context` after the first.
 *   bun test/bench/context.ts
 */
import { assembleContext, type CommandFacts } from "../../server/context/assemble.ts";
import { countTokens } from "../../server/context/tokens.ts";
import { compactOutput } from "../../server/output/compact.ts";
import { CORPUS_COLS, loadCorpus } from "../output/corpus.ts";
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
    { bench: "context", metric: "first assembly (counts every line)", value: round(coldMs, 1), unit: "ms" },
    { bench: "context", metric: "retrieval, median", value: round(median), unit: "ms", target: "< 1", ok: median < 1 },
    { bench: "context", metric: "retrieval, p99", value: round(p99), unit: "ms" },
    { bench: "context", metric: "server retrieval (live session, DB, cwd, git), median", value: round(server.median), unit: "ms", target: "< 1", ok: server.median < 1 },
    { bench: "context", metric: "server retrieval, context size", value: server.tokens, unit: "tokens", target: "3500-4000", ok: server.tokens > 3500 && server.tokens <= 4000 },
  ];
}

/** The whole server path: a live session that ran real commands, its rows in SQLite, its cwd and git branch. */
async function serverRetrieval(fixtures: string[]): Promise<{ median: number; tokens: number }> {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { startServer } = await import("../../server/main.ts");
  const { SessionContexts } = await import("../../server/context/session-context.ts");
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
    const contexts = new SessionContexts(server.rt);
    const first = contexts.context("bench", { maxTokens: 4000, lines: 1000 });
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t = performance.now();
      contexts.context("bench", { maxTokens: 4000, lines: 1000 });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(times.length / 2)]!, tokens: first.tokens };
  } finally {
    await server.stop("");
  }
}

if (import.meta.main) {
  for (const r of await run()) console.log(`${r.metric.padEnd(40)} ${String(r.value).padStart(9)} ${r.unit.padEnd(7)} ${r.target ? `target ${r.target}` : ""} ${r.ok === undefined ? "" : r.ok ? "ok" : "MISSED"}`);
}
