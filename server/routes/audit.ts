import { jsonDepth, MAX_JSON_DEPTH } from "../security/json-depth.ts";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import { describeApiRequest, type AuditedAction } from "../audit/actions.ts";
import { listAudit, parseSince, recordAudit, requireAuditWritable, type AuditOutcome } from "../audit/log.ts";
import type { Runtime } from "../runtime.ts";
import { queryOf } from "./validate.ts";
import { allow } from "./access.ts";

const AuditQuery = z.object({
  since: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
  action: z.string().optional(),
  agent: z.string().optional(),
});

/** GET /api/audit?since=2h&limit=100: the audit log, oldest first (admin scope). */
export function auditRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  app.get("/audit", allow({ scope: "admin" }), (c) => {
    const q = queryOf(c, AuditQuery);
    const entries = listAudit(rt.db, {
      since: q.since ? parseSince(q.since) : undefined,
      limit: q.limit,
      action: q.action,
      agent: q.agent,
    });
    return c.json(entries);
  });
  return app;
}

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return "ok";
  return status === 401 || status === 403 ? "denied" : "error";
}

/**
 * The request's JSON body, read through Hono's body cache: the route's own `jsonBody` then reads
 * the same text again without a second copy of the request.
 */
async function bodyOf(c: Context<AppEnv>): Promise<Record<string, unknown> | null> {
  if (!c.req.raw.body) return null;
  try {
    const text = await c.req.text();
    if (jsonDepth(text) > MAX_JSON_DEPTH) return null; // the route refuses it; nothing deep is described
    const v = JSON.parse(text);
    return v && typeof v === "object" ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What a route tells the audit log about its result, so the log need not parse the response. */
export interface AuditNote {
  exit_code?: number | null;
  status?: string;
  name?: string;
}

/**
 * Records every state-changing request under /api with the caller (owner or token name), the
 * agent, and the outcome from the response status. MCP over stdio reaches the server through /api
 * requests, recorded here; MCP over HTTP calls the domain directly and records the same actions
 * itself (server/mcp/domain-backend.ts).
 * Register it after authentication and before the routes: `app.use("*", auditMiddleware(rt))`.
 */
export function auditMiddleware(rt: Runtime): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // the decoded path, as the router reads it: "/%61pi/sessions/x/exec" is audited as the exec it is
    const path = c.req.path;
    const method = c.req.method;
    let described: AuditedAction | null = null;
    if (method !== "GET" && path.startsWith("/api/")) described = describeApiRequest(method, path, await bodyOf(c));
    const caller = c.get("caller");
    const actor = { kind: caller?.kind ?? "unknown", name: caller?.name ?? "unknown" };
    if (described) requireAuditWritable(rt.db, { actor, agent: caller?.agent ?? null, action: described.action, target: described.target, outcome: "ok" });
    await next();
    if (!described) return;
    const detail: Record<string, unknown> = { ...(described.detail ?? {}) };
    let target = described.target;
    const note = c.get("auditNote");
    if (note && c.res.status < 400) {
      if (typeof note.exit_code === "number") detail.exit_code = note.exit_code;
      if (note.status !== undefined && described.action === "exec") detail.status = note.status;
      if (!target && note.name !== undefined) target = note.name;
    } else if (c.res.status >= 400 || described.action === "exec" || described.action === "create") {
      try {
        const res = (await c.res.clone().json()) as { error?: { message?: string }; exit_code?: unknown; status?: unknown; name?: unknown } | null;
        if (res?.error?.message) detail.error = res.error.message;
        if (typeof res?.exit_code === "number") detail.exit_code = res.exit_code;
        if (typeof res?.status === "string" && described.action === "exec") detail.status = res.status;
        if (!target && typeof res?.name === "string") target = res.name;
      } catch {
        // not JSON (a stream): the status code says enough
      }
    }
    recordAudit(rt.db, {
      actor,
      agent: caller?.agent ?? null,
      action: described.action,
      target,
      outcome: outcomeOf(c.res.status),
      detail: Object.keys(detail).length ? detail : null,
    });
  };
}
