/**
 * What `published` promises, against the real server (`ai-session serve`, its own process) killed
 * with SIGKILL in the middle of a burst: every message the publisher was told is published (the
 * WebSocket's `published` frame, the REST answer) is in the history after the restart.
 */
import { expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { aiSessionArgv, api, freshHome, startServer, type RunningServer } from "../mcp/harness.ts";

/** The answer's JSON, or a thrown error naming the route and status. */
async function call(server: RunningServer, method: string, path: string, body?: unknown): Promise<any> {
  const { status, json } = await api(server)(method, path, body);
  if (status >= 300) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(json)}`);
  return json;
}

/** Publishes a burst, SIGKILLs the server in its middle, restarts it: what was told `published` and is not in the history. */
async function killedMidBurst(env: Record<string, string>, threaded: boolean) {
  const home = freshHome("ais-bus-durable-");
  try {
    const first = await startServer({ home, env });
    const pid = (await call(first, "GET", "/api/status")).pid as number;
    expect((await call(first, "GET", "/api/bus/stats")).writer_thread).toBe(threaded);
    for (const name of ["src", "sink"]) await call(first, "POST", "/api/agents", { name, role: "qa" });
    // one over REST first: its answer is a promise too
    const viaRest = (await call(first, "POST", "/api/bus/messages", { to: "sink", type: "custom", payload: "rest" })).seq as number;

    const ws = new WebSocket(`ws://127.0.0.1:${first.port}/api/bus/stream?token=${first.token}&agent=src`);
    const published: number[] = [];
    let killed = false;
    const N = 8_000; // with the REST one, fewer than a history page (10,000)
    await new Promise<void>((resolve, reject) => {
      ws.onerror = () => reject(new Error("the bus stream did not open"));
      ws.onmessage = (e) => {
        const f = JSON.parse(String(e.data));
        if (f.kind === "ready") {
          for (let i = 0; i < N; i++) ws.send(JSON.stringify({ op: "publish", to: "sink", type: "custom", payload: { i }, ref: i }));
        } else if (f.kind === "published") {
          published.push(f.seq);
          // killed at the first answers, while most of the burst is still coming in: writes are in flight
          // (killed later, a fast server can have answered the whole burst before the signal lands)
          if (published.length === 200 && !killed) {
            killed = true;
            process.kill(pid, "SIGKILL");
            setTimeout(resolve, 300);
          }
        }
      };
      ws.onclose = () => killed && setTimeout(resolve, 50);
    });
    expect(published.length).toBeGreaterThanOrEqual(200);
    expect(published.length).toBeLessThan(N); // the kill came in the middle

    const second = await startServer({ home, env });
    try {
      const page = (await call(second, "GET", "/api/bus/messages?limit=10000")) as Array<{ seq: number }>;
      const kept = new Set(page.map((m) => m.seq));
      expect(kept.has(viaRest)).toBe(true);
      const lost = published.filter((s) => !kept.has(s));
      expect(lost).toEqual([]);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

test("every message told `published` survives a SIGKILL of the server in the middle of a burst", async () => {
  await killedMidBurst({}, false);
}, 60_000);

test("so it does with the writes on a writer thread (AI_SESSION_BUS_WRITER=thread)", async () => {
  await killedMidBurst({ AI_SESSION_BUS_WRITER: "thread" }, true);
}, 60_000);

test("a writer that is neither thread nor inline keeps the server from starting, naming the variable", async () => {
  const home = freshHome("ais-bus-writer-");
  try {
    const proc = Bun.spawn(aiSessionArgv("serve", "--port", "0", "--home", home), { env: { ...process.env, AI_SESSION_HOME: home, AI_SESSION_BUS_WRITER: "fast" }, stdout: "pipe", stderr: "pipe" });
    const [code, err] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
    expect(code).not.toBe(0);
    expect(err).toContain('AI_SESSION_BUS_WRITER must be "thread" or "inline", not "fast"');
    expect(err).not.toContain("    at ");
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}, 30_000);
