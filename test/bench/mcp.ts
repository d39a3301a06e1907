/**
 * ai-session's MCP server beside the terminal MCP servers agents use instead, through the official
 * client SDK over stdio, alternating call by call on the same machine: DesktopCommander
 * (@wonderwhy-er/desktop-commander, a pinned devDependency) is started by this bench. tmux-mcp is
 * not on the npm registry this machine reaches, so it cannot be run here.
 *
 * Rows: exec `true` in a live shell (median, p95); spawn → first exec done (a fresh data directory:
 * the server and the shell start too); tokens of the complete JSON-RPC result for failing builds and
 * tests from test/fixtures/output (each capture's raw bytes copied to a `.log` file and replayed with
 * `cat` in the session, so the output takes the real path: a log is a run's output, where a file's
 * text would come back whole) against the raw and the plain rendered output, with every fact of
 * the capture checked in the text; tools/list tokens.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { countTokens } from "../../server/tokens/tokens.ts";
import { renderOutput } from "../../server/output/render.ts";
import { aiSessionArgv } from "../mcp/harness.ts";
import { median, quantile } from "./_stats.ts";
import type { BenchRow } from "./run.ts";

const ROOT = resolve(import.meta.dir, "../..");
const FIXTURES = join(ROOT, "test/fixtures/output");
const DC = join(ROOT, "node_modules/@wonderwhy-er/desktop-commander/dist/index.js");
const FAILING = ["tsc-type-errors", "pytest-failing", "cargo-build-type-errors", "jest-failing", "go-test-verbose-one-failure", "eslint-stylish-errors", "gcc-compile-errors", "mvn-compile-errors"];
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

interface Peer {
  name: string;
  /** a fresh process (and for ai-session a fresh data directory, so its server starts too) */
  spawn(): { command: string; args: string[]; env: Record<string, string>; cleanup(): Promise<void> };
  exec(c: Client, command: string): Promise<{ text: string; result: unknown }>;
}

/** An empty HOME for every shell, so neither side pays for this machine's ~/.bashrc. */
function emptyHome(): string {
  const home = mkdtempSync(join(tmpdir(), "ais-bench-home-"));
  // DesktopCommander reads its config here: no telemetry leaves the machine
  mkdirSync(join(home, ".claude-server-commander"));
  writeFileSync(join(home, ".claude-server-commander/config.json"), JSON.stringify({ telemetryEnabled: false }));
  return home;
}

const textOf = (r: { content?: Array<{ text?: string }> }) => (r.content ?? []).map((c) => c.text ?? "").join("\n");

const aiSession: Peer = {
  name: "ai-session",
  spawn() {
    const data = mkdtempSync(join(tmpdir(), "ais-bench-mcp-"));
    const home = emptyHome();
    const [command, ...args] = aiSessionArgv("mcp", "--home", data);
    return {
      command: command!,
      args,
      env: { ...(process.env as Record<string, string>), HOME: home, AI_SESSION_HOME: data, AI_SESSION_PORT: "0", NO_COLOR: "1" },
      async cleanup() {
        await Bun.spawn(aiSessionArgv("kill-server", "--home", data), { env: { ...process.env, AI_SESSION_HOME: data }, stdout: "ignore", stderr: "ignore" }).exited;
        rmSync(data, { recursive: true, force: true });
        rmSync(home, { recursive: true, force: true });
      },
    };
  },
  async exec(c, command) {
    const r = await c.callTool({ name: "exec", arguments: { command } });
    return { text: textOf(r as never), result: r };
  },
};

const desktopCommander: Peer = {
  name: "DesktopCommander",
  spawn() {
    const home = emptyHome();
    return {
      command: process.env.NODE ?? "node",
      args: [DC],
      env: { ...(process.env as Record<string, string>), HOME: home, NO_COLOR: "1" },
      async cleanup() {
        rmSync(home, { recursive: true, force: true });
      },
    };
  },
  async exec(c, command) {
    const r = await c.callTool({ name: "start_process", arguments: { command, timeout_ms: 20_000 } });
    return { text: textOf(r as never), result: r };
  },
};

const PEERS = [aiSession, desktopCommander];

async function connect(peer: Peer) {
  const p = peer.spawn();
  const client = new Client({ name: "bench", version: "1" });
  const t0 = performance.now();
  await client.connect(new StdioClientTransport({ command: p.command, args: p.args, env: p.env, stderr: "ignore" }));
  return { client, t0, cleanup: async () => (await client.close(), await p.cleanup()) };
}

const completeTokens = (result: unknown) => countTokens(JSON.stringify({ jsonrpc: "2.0", id: 7, result }));

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];

  // spawn → first exec, alternating peers, each a fresh process
  const first = new Map<string, number[]>(PEERS.map((p) => [p.name, []]));
  for (let i = 0; i < 5; i++) {
    for (const peer of PEERS) {
      const { client, t0, cleanup } = await connect(peer);
      await peer.exec(client, "true");
      first.get(peer.name)!.push(performance.now() - t0);
      await cleanup();
    }
  }

  // connected clients, for the per-call numbers
  const live = await Promise.all(PEERS.map(async (p) => ({ peer: p, ...(await connect(p)) })));
  try {
    for (const l of live) await l.peer.exec(l.client, "true"); // warm: the shell is up
    const times = new Map<string, number[]>(PEERS.map((p) => [p.name, []]));
    for (let i = 0; i < 40; i++) {
      for (const l of live) {
        const t = performance.now();
        await l.peer.exec(l.client, "true");
        times.get(l.peer.name)!.push(performance.now() - t);
      }
    }
    const fastestExecPeer = Math.min(...PEERS.filter((p) => p !== aiSession).map((p) => median(times.get(p.name)!)));
    const fastestFirstPeer = Math.min(...PEERS.filter((p) => p !== aiSession).map((p) => median(first.get(p.name)!)));
    for (const p of PEERS) {
      const t = times.get(p.name)!;
      const mine = p === aiSession;
      rows.push({
        bench: "mcp",
        metric: `${p.name}: exec \`true\` in a live shell, median (p95 ${round(quantile(t, 0.95))} ms)`,
        value: round(median(t)),
        unit: "ms",
        ...(mine ? { target: `≤ 0.2× fastest peer (${round(fastestExecPeer * 0.2)} ms)`, ok: median(t) <= fastestExecPeer * 0.2 } : {}),
      });
    }
    for (const p of PEERS) {
      const f = first.get(p.name)!;
      const mine = p === aiSession;
      rows.push({
        bench: "mcp",
        metric: `${p.name}: spawn → first exec done, median of 5`,
        value: round(median(f)),
        unit: "ms",
        ...(mine ? { target: `≤ 0.5× fastest peer (${round(fastestFirstPeer * 0.5)} ms)`, ok: median(f) <= fastestFirstPeer * 0.5 } : {}),
      });
    }

    // tokens of the complete result for failing commands, replayed from the corpus
    const totals = new Map<string, { complete: number; raw: number; plain: number; facts: number; kept: number }>(PEERS.map((p) => [p.name, { complete: 0, raw: 0, plain: 0, facts: 0, kept: 0 }]));
    let aboveRaw = 0;
    let abovePlain = 0;
    const logs = mkdtempSync(join(tmpdir(), "ais-bench-logs-"));
    for (const name of FAILING) {
      const file = join(logs, `${name}.log`);
      writeFileSync(file, readFileSync(join(FIXTURES, `${name}.txt`)));
      const raw = countTokens(readFileSync(file, "utf8"));
      const plain = countTokens(renderOutput(readFileSync(file)));
      const facts = (JSON.parse(readFileSync(join(FIXTURES, `${name}.facts.json`), "utf8")) as { must_keep: string[] }).must_keep;
      for (const l of live) {
        const r = await l.peer.exec(l.client, `cat ${file}`);
        const t = totals.get(l.peer.name)!;
        const complete = completeTokens(r.result);
        const seen = renderOutput(r.text);
        t.complete += complete;
        t.raw += raw;
        t.plain += plain;
        t.facts += facts.length;
        t.kept += facts.filter((f) => seen.includes(f)).length;
        if (l.peer === aiSession) {
          if (complete > raw * 0.5) aboveRaw++;
          if (complete > plain) abovePlain++;
          rows.push({ bench: "mcp", metric: `ai-session: ${name} complete result / raw / plain tokens`, value: complete, unit: `tok (raw ${raw}, plain ${plain})` });
        }
      }
    }
    rmSync(logs, { recursive: true, force: true });
    for (const p of PEERS) {
      const t = totals.get(p.name)!;
      const mine = p === aiSession;
      rows.push({
        bench: "mcp",
        metric: `${p.name}: ${FAILING.length} failing builds/tests, complete-result tokens (raw ${t.raw}, plain ${t.plain}); facts kept ${t.kept}/${t.facts}`,
        value: t.complete,
        unit: "tok",
        ...(mine ? { target: "each ≤ 0.5× raw and ≤ plain, every fact kept", ok: aboveRaw === 0 && abovePlain === 0 && t.kept === t.facts } : {}),
      });
    }

    for (const l of live) {
      const list = await l.client.listTools();
      const tokens = countTokens(JSON.stringify({ jsonrpc: "2.0", id: 1, result: list }));
      const mine = l.peer === aiSession;
      rows.push({ bench: "mcp", metric: `${l.peer.name}: tools/list (${list.tools.length} tools)`, value: tokens, unit: "tok", ...(mine ? { target: "≤ 3,000", ok: tokens <= 3_000 } : {}) });
    }
  } finally {
    for (const l of live) await l.cleanup();
  }
  return rows;
}

if (import.meta.main) console.table(await run());
