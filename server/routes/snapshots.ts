import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app.ts";
import { AppError } from "../errors.ts";
import { restoreAll, restoreByName, restoreDocument } from "../persist/restore.ts";
import { listSnapshots, snapshotFromFile, snapshotSession } from "../persist/snapshot.ts";
import type { Runtime } from "../runtime.ts";
import { canTouchSession, requireSessionAccess } from "../security/tokens.ts";
import { jsonBody, queryOf } from "./validate.ts";

const SnapshotBody = z.object({ document: z.boolean().optional() });
const RestoreBody = z.object({
  name: z.string().min(1).optional(),
  new_name: z.string().min(1).optional(),
  file_text: z.string().optional(),
  file: z.string().optional(),
  all: z.boolean().optional(),
});

/**
 * POST /api/sessions/:name/snapshot   save a snapshot ({document:true} also returns the file text)
 * GET  /api/snapshots?name=NAME       stored snapshots, newest first
 * POST /api/restore                   {name} | {file_text, file?} | {all:true}, with optional new_name
 */
export function snapshotRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  app.post("/sessions/:name/snapshot", async (c) => {
    const b = await jsonBody(c, SnapshotBody);
    return c.json(await snapshotSession(rt, c.req.param("name"), { withFile: b.document }));
  });
  app.get("/snapshots", (c) => {
    const q = queryOf(c, z.object({ name: z.string().optional() }));
    const caller = c.get("caller");
    if (q.name) requireSessionAccess(caller, q.name);
    return c.json(listSnapshots(rt.db, q.name).filter((s) => canTouchSession(caller, s.name)));
  });
  app.post("/restore", async (c) => {
    const b = await jsonBody(c, RestoreBody);
    const caller = c.get("caller");
    if (b.all) return c.json(await restoreAll(rt, { audit: false, caller }));
    if (b.file_text != null) {
      const doc = snapshotFromFile(b.file_text, b.file ?? "the snapshot file");
      return c.json(await restoreDocument(rt, doc, { newName: b.new_name, from: b.file ?? "a snapshot file", caller }));
    }
    if (!b.name) throw new AppError("invalid", "name the session to restore, or give a snapshot file");
    return c.json(await restoreByName(rt, b.name, { newName: b.new_name, caller }));
  });
  return app;
}
