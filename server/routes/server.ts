import { Hono } from "hono";
import type { AppEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";
import { z } from "zod";
import { jsonBody } from "./validate.ts";
import { limitSupport } from "../security/limits.ts";
import { allow } from "./access.ts";
import { sandboxSupport } from "../sandbox/support.ts";
import { platform } from "../platform/index.ts";

/** Server-level routes: status and shutdown. */
export function serverRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  app.get("/status", allow({ scope: "read" }), (c) => {
    return c.json({
      running: true,
      pid: process.pid,
      port: rt.port,
      version: rt.version,
      // The JavaScript runtime the server runs on: {"name":"bun"|"deno","version"}.
      runtime: platform.runtime,
      sessions: rt.sessions.list().length,
      started_at: new Date(rt.startedAt).toISOString(),
      uptime_ms: Date.now() - rt.startedAt,
      home: rt.paths.home,
      url: `http://127.0.0.1:${rt.port}/`,
      // What per-session resource limits this machine can enforce, in one sentence.
      limits: limitSupport().statement,
      // The kernel sandbox role sessions get here: {"kind":"landlock","abi":N} or {"kind":"none","why":...}.
      sandbox: sandboxSupport(),
      // The cluster this server joined ({name,node,url,connected,tasks_not_moved}; the URL without credentials), or null.
      cluster: rt.cluster?.status() ?? null,
    });
  });
  app.post("/server/shutdown", allow({ scope: "admin" }), async (c) => {
    await jsonBody(c, z.object({}).strict()); // nothing to send; anything sent is a mistake
    setTimeout(() => void rt.shutdown("kill-server"), 10);
    return c.json({ stopping: true, pid: process.pid });
  });
  return app;
}
