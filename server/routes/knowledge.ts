import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";
import { EntrySchema, parseScope } from "../bus/knowledge.ts";
import { documentRoute } from "./openapi.ts";
import { jsonBody, queryOf } from "./validate.ts";
import { allow } from "./access.ts";
import { knowledgeOf } from "../cluster-port.ts";

const putSchema = z
  .object({
    value: z.unknown(),
    expected_version: z.number().int().nonnegative().optional(),
    scope: z.string().optional(),
  })
  .strict();
const listQuery = z.object({ prefix: z.string().optional() });
const deleteQuery = z.object({ expected_version: z.coerce.number().int().nonnegative().optional() });

/** Shared knowledge over HTTP: keys may contain slashes (/api/knowledge/api/base-url). */
export function knowledgeRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  const knowledge = () => knowledgeOf(rt); // rt.cluster is set once the server has joined
  const agentOf = (c: { get(k: "caller"): { agent?: string } }) => c.get("caller").agent ?? undefined;

  documentRoute({ method: "get", path: "/api/knowledge", summary: "Current entries visible to the caller", scope: "read", query: listQuery, response: z.array(EntrySchema), tags: ["knowledge"] });
  app.get("/knowledge", allow({ scope: "read" }), async (c) => c.json(await knowledge().list(agentOf(c), queryOf(c, listQuery).prefix)));

  documentRoute({ method: "get", path: "/api/knowledge/history/{key}", summary: "Every version of an entry, oldest first", scope: "read", response: z.array(EntrySchema), tags: ["knowledge"] });
  app.get("/knowledge/history/:key{.+}", allow({ scope: "read" }), async (c) => c.json(await knowledge().history(c.req.param("key"), agentOf(c))));

  documentRoute({ method: "get", path: "/api/knowledge/{key}", summary: "The current version of an entry", scope: "read", response: EntrySchema, tags: ["knowledge"] });
  app.get("/knowledge/:key{.+}", allow({ scope: "read" }), async (c) => c.json(await knowledge().get(c.req.param("key"), agentOf(c))));

  documentRoute({ method: "put", path: "/api/knowledge/{key}", summary: "Write a new version (expected_version makes it compare-and-set; 0 = only if absent)", scope: "exec", body: putSchema, response: EntrySchema, tags: ["knowledge"] });
  app.put("/knowledge/:key{.+}", allow({ scope: "exec" }), async (c) => {
    const body = await jsonBody(c, putSchema);
    const scope = body.scope !== undefined ? parseScope(body.scope) : undefined;
    return c.json(await knowledge().set(c.req.param("key"), body.value, { agent: agentOf(c), scope, expectedVersion: body.expected_version }));
  });

  documentRoute({ method: "delete", path: "/api/knowledge/{key}", summary: "Delete an entry (expected_version makes it compare-and-delete); answers the version that marks it deleted (value null)", scope: "exec", query: deleteQuery, response: EntrySchema, tags: ["knowledge"] });
  app.delete("/knowledge/:key{.+}", allow({ scope: "exec" }), async (c) => {
    const q = queryOf(c, deleteQuery);
    return c.json(await knowledge().delete(c.req.param("key"), { agent: agentOf(c), expectedVersion: q.expected_version }));
  });

  return app;
}
