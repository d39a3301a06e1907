/**
 * Round trips through each face of the server: MCP tools/call `exec true` over stdio and over
 * Streamable HTTP (v2 SDK client), against the CLI (`ai-session exec S true`, a process per call);
 * and REST requests per second for list and read. Runs the real binary (or the dev entry).
 */
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { aiSessionArgv, startServer } from "../mcp/harness.ts";
import type { BenchRow } from "./run.ts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function timeCalls(n: number, call: () => Promise<unknown>): Promise<number[]> {
  await call(); // warm
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call();
    out.push(performance.now() - t0);
  }
  return out;
}

async function reqPerSecond(url: string, token: string, ms = 2_000, concurrency = 8): Promise<number> {
  let count = 0;
  const end = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < end) {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      if (res.ok) count++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return count / ((performance.now() - t0) / 1000);
}

export async function run(): Promise<BenchRow[]> {
  const server = await startServer();
  const env = { ...process.env, AI_SESSION_HOME: server.home, NO_COLOR: "1" } as Record<string, string>;
  const rows: BenchRow[] = [];
  try {
    const created = await fetch(`${server.base}/api/sessions`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "bench" }),
    });
    if (!created.ok) throw new Error(`could not create the bench session: ${await created.text()}`);

    // CLI: one process per call, as a script or an agent's shell tool would do it
    const cli = await timeCalls(10, async () => {
      const p = Bun.spawn(aiSessionArgv("exec", "bench", "true", "--home", server.home), { env, stdout: "ignore", stderr: "ignore" });
      await p.exited;
    });
    rows.push({ bench: "mcp", metric: "cli exec true round trip (median)", value: round(median(cli)), unit: "ms" });

    // MCP over stdio: one `ai-session mcp` process, many calls
    const [cmd, ...args] = aiSessionArgv("mcp", "--home", server.home);
    const stdio = new Client({ name: "bench", version: "1" });
    await stdio.connect(new StdioClientTransport({ command: cmd!, args, env, stderr: "ignore" }));
    const viaStdio = await timeCalls(30, () => stdio.callTool({ name: "exec", arguments: { session: "bench", command: "true" } }));
    await stdio.close();
    rows.push({ bench: "mcp", metric: "stdio tools/call exec true (median)", value: round(median(viaStdio)), unit: "ms", target: "< 100 ms", ok: median(viaStdio) < 100 });

    // MCP over Streamable HTTP, modern (2026-07-28) and legacy (2025) eras
    for (const era of ["2026-07-28", "2025-11-25"] as const) {
      const http = new Client({ name: "bench", version: "1" }, era === "2026-07-28" ? { versionNegotiation: { mode: { pin: era } } } : {});
      await http.connect(new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${server.token}` } } }));
      const viaHttp = await timeCalls(30, () => http.callTool({ name: "exec", arguments: { session: "bench", command: "true" } }));
      await http.close();
      rows.push({ bench: "mcp", metric: `http ${era} tools/call exec true (median)`, value: round(median(viaHttp)), unit: "ms", target: "< 100 ms", ok: median(viaHttp) < 100 });
    }

    const list = await reqPerSecond(`${server.base}/api/sessions`, server.token);
    rows.push({ bench: "mcp", metric: "REST GET /api/sessions", value: Math.round(list), unit: "req/s", target: "> 1000", ok: list > 1000 });
    const read = await reqPerSecond(`${server.base}/api/sessions/bench/read?since=0&lines=50`, server.token);
    rows.push({ bench: "mcp", metric: "REST GET /api/sessions/:name/read", value: Math.round(read), unit: "req/s", target: "> 1000", ok: read > 1000 });
  } finally {
    await server.stop();
  }
  return rows;
}

if (import.meta.main) console.table(await run());
