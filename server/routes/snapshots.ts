import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import { AppError } from "../errors.ts";
import { restoreAll, restoreDocument, RestoreResultSchema } from "../persist/restore.ts";
import { listSnapshots, SnapshotAnswerSchema, snapshotFromFile, snapshotSession, StoredSnapshotSchema } from "../persist/snapshot.ts";
import { documentRoute } from "./openapi.ts";
import type { Runtime } from "../runtime.ts";
import { sessionVisibility } from "../access/sessions.ts";
import { isAdmin } from "../security/auth.ts";
import { sessionRowById } from "../session/store.ts";
import { jsonBody, queryOf } from "./validate.ts";
import { allow } from "./access.ts";
import { onNode } from "../cluster-port.ts";
import { restoreAnywhere } from "../anywhere.ts";

const SnapshotBody = z.object({ document: z.boolean().optional() });
const SnapshotsQuery = z.object({ name: z.string().optional() });
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
 * A snapshot document is the session's content: taking one, and listing them, go through the
 * ownership check (an agent sees the snapshots of the sessions it may see).
 */
export function snapshotRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  const tags = ["snapshots"];
  documentRoute({ method: "post", path: "/api/sessions/{name}/snapshot", summary: "Save a snapshot of the session (document: true also answers the snapshot file's text)", scope: "exec", body: SnapshotBody, response: SnapshotAnswerSchema, tags });
  app.post("/sessions/:name/snapshot", allow({ scope: "exec", session: { param: "name" } }), async (c) => {
    const b = await jsonBody(c, SnapshotBody);
    return c.json(await onNode(rt.cluster, c.get("caller"), c.req.param("name"), "snapshot", b, (name) => snapshotSession(rt, name, { withFile: b.document })));
  });
  documentRoute({ method: "get", path: "/api/snapshots", summary: "Stored snapshots, newest first (?name= for one session's)", scope: "read", query: SnapshotsQuery, response: z.array(StoredSnapshotSchema), tags });
  app.get("/snapshots", allow({ scope: "read", session: { query: "name" }, across: "filtered" }), (c) => {
    const q = queryOf(c, SnapshotsQuery);
    const caller = c.get("caller");
    const all = listSnapshots(rt.db, q.name);
    if (isAdmin(caller)) return c.json(all);
    const visible = sessionVisibility(rt, caller);
    // whose a snapshot is: the session it was taken of (its row), else the newest of its name
    const owned = (s: { name: string; session_id: string }) => {
      const row = sessionRowById(rt.db, s.session_id);
      return visible(row ? { name: s.name, owner_agent: row.ownerAgent, shared: row.shared } : s.name);
    };
    return c.json(all.filter(owned));
  });
  documentRoute({ method: "post", path: "/api/restore", summary: "Bring a session back from its newest snapshot, a snapshot file, or all of them (all: true answers a list)", scope: "exec", body: RestoreBody, response: z.union([RestoreResultSchema, z.array(RestoreResultSchema)]), tags });
  app.post("/restore", allow({ scope: "exec", session: { body: "name" } }), async (c) => {
    const b = await jsonBody(c, RestoreBody);
    const caller = c.get("caller");
    if (b.all) return c.json(await restoreAll(rt, { audit: false, caller, visible: sessionVisibility(rt, caller) }));
    if (b.file_text != null) {
      const doc = snapshotFromFile(b.file_text, b.file ?? "the snapshot file");
      return c.json(await restoreDocument(rt, doc, { newName: b.new_name, from: b.file ?? "a snapshot file", caller }));
    }
    if (!b.name) throw new AppError("invalid", "name the session to restore, or give a snapshot file");
    return c.json(await restoreAnywhere(rt, caller, b.name, b.new_name));
  });
  return app;
}
