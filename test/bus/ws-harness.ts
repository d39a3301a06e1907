/**
 * A server with only the coordination routes (agents, bus + WebSocket, tasks, knowledge, trace)
 * on loopback TCP, over a real SQLite file, without sessions. Benchmarks run it in a child process
 * (`bun test/bus/ws-harness.ts HOME` prints the port) so client and server do not share a thread.
 */
import { Hono } from "hono";
import { websocket } from "../../server/platform/bun-websocket.ts";
import { join } from "node:path";
import { openDatabase } from "../../db/client.ts";
import type { AppEnv } from "../../server/routes/env.ts";
import { toAppError, httpStatusOf } from "../../server/errors.ts";
import { createBusService } from "../../server/bus/index.ts";
import { agentRoutes } from "../../server/routes/agents.ts";
import { busRoutes } from "../../server/routes/bus.ts";
import { knowledgeRoutes } from "../../server/routes/knowledge.ts";
import { taskRoutes } from "../../server/routes/tasks.ts";
import { traceRequests, traceRoutes } from "../../server/routes/trace.ts";
import { ownerCaller } from "../../server/security/auth.ts";
import type { Runtime } from "../../server/runtime.ts";

export function startBusServer(home: string, opts: { inboxCapacity?: number } = {}) {
  const db = openDatabase(join(home, "state.db"));
  const svc = createBusService({ db, home, inboxCapacity: opts.inboxCapacity });
  const rt = { db, bus: svc, version: "bench", sessions: { list: () => [], get: () => { throw new Error("no sessions here"); } } } as unknown as Runtime;
  const app = new Hono<AppEnv>();
  app.onError((err, c) => {
    const e = toAppError(err);
    return c.json({ error: { code: e.code, message: e.message } }, httpStatusOf[e.code] as 400);
  });
  app.use("*", async (c, next) => {
    c.set("rt", rt);
    c.set("caller", ownerCaller(c.req.header("x-ai-session-agent") ?? undefined));
    await next();
  });
  app.use("/api/*", traceRequests());
  for (const r of [agentRoutes(rt), busRoutes(rt), taskRoutes(rt), knowledgeRoutes(rt), traceRoutes(rt)]) app.route("/api", r);
  app.get("/mem", (c) => {
    if (c.req.query("gc") !== "0") Bun.gc(true);
    const m = process.memoryUsage();
    const cpu = process.cpuUsage();
    return c.json({ rss: m.rss, heapUsed: m.heapUsed, cpuMicros: cpu.user + cpu.system });
  });
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req, srv) => app.fetch(req, { server: srv, transport: "tcp" }),
    websocket,
  });
  return {
    port: server.port!,
    base: `http://127.0.0.1:${server.port}`,
    ws: `ws://127.0.0.1:${server.port}`,
    svc,
    stop() {
      server.stop(true);
      svc.close();
      db.$client.close();
    },
  };
}

if (import.meta.main) {
  const s = startBusServer(process.argv[2]!);
  process.stdout.write(`${s.port}\n`);
}
