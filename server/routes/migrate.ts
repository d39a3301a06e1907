import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import { migrateTmux } from "../migrate/import.ts";
import type { Runtime } from "../runtime.ts";
import { jsonBody } from "./validate.ts";
import { allow } from "./access.ts";

const MigrateBody = z.strictObject({
  all: z.boolean().optional(),
  sessions: z.array(z.string().min(1)).optional(),
  dry_run: z.boolean().optional(),
  socket_name: z.string().min(1).optional(),
  socket_path: z.string().min(1).optional(),
  tmpdir: z.string().min(1).optional(),
});

/** POST /api/migrate: import tmux panes as sessions (or plan it with dry_run). */
export function migrateRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  app.post("/migrate", allow({ scope: "exec" }), async (c) => {
    const b = await jsonBody(c, MigrateBody);
    const report = await migrateTmux(
      rt.sessions,
      { socketName: b.socket_name, socketPath: b.socket_path, tmpdir: b.tmpdir },
      { all: b.all, sessions: b.sessions },
      { dryRun: b.dry_run, caller: c.get("caller") },
    );
    return c.json(report);
  });
  return app;
}
