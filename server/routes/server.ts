import { Hono } from "hono";
import type { AppEnv } from "../app.ts";
import type { Runtime } from "../runtime.ts";
import { requireScope } from "../security/auth.ts";
import { limitSupport } from "../security/limits.ts";

/** Server-level routes: status and shutdown. */
export function serverRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  app.get("/status", (c) => {
    requireScope(c.get("caller"), "read");
    return c.json({
      running: true,
      pid: process.pid,
      port: rt.port,
      version: rt.version,
      sessions: rt.sessions.list().length,
      started_at: new Date(rt.startedAt).toISOString(),
      uptime_ms: Date.now() - rt.startedAt,
      home: rt.paths.home,
      url: `http://127.0.0.1:${rt.port}/`,
      // What per-session resource limits this machine can enforce, in one sentence.
      limits: limitSupport().statement,
    });
  });
  app.post("/server/shutdown", (c) => {
    requireScope(c.get("caller"), "admin");
    setTimeout(() => void rt.shutdown("kill-server"), 10);
    return c.json({ stopping: true, pid: process.pid });
  });
  return app;
}
