import { Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";
import { listDecisions, recordDecision, toOtel, tokenMetrics, tracer } from "../trace/index.ts";
import { documentRoute } from "./openapi.ts";
import { jsonBody, queryOf } from "./validate.ts";
import { sessionVisibility } from "../access/sessions.ts";
import type { Caller } from "../security/auth.ts";
import { allow } from "./access.ts";

const decisionSchema = z
  .object({
    what: z.string().min(1).max(2000),
    options: z.array(z.string().max(2000)).max(50).optional(),
    choice: z.string().min(1).max(2000),
    reasoning: z.string().max(20_000).optional(),
    session: z.string().optional(),
  })
  .strict();

const traceQuery = z.object({
  session: z.string().optional(),
  agent: z.string().optional(),
  op: z.string().optional(),
  limit: z.coerce.number().int().positive().max(5000).optional(),
});

/**
 * Times every API request as a span named after its route (`POST /api/sessions/:name/exec`), with
 * the session and agent as attributes. Mount once in app.ts: `app.use("/api/*", traceRequests())`.
 */
export function traceRequests(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const t0 = performance.now();
    const start = Date.now();
    let failed: unknown;
    try {
      await next();
    } catch (err) {
      failed = err;
      throw err;
    } finally {
      // the liveness probe every CLI call makes, and long-lived streams, are not operations worth timing
      if (c.req.method !== "OPTIONS" && !c.req.path.endsWith("/stream") && c.req.path !== "/api/status") {
        const op = `${c.req.method} ${c.req.routePath}`;
        const session = c.req.param("name");
        const agent = c.get("caller")?.agent;
        const error = failed ?? (c.res.status >= 500 ? `status ${c.res.status}` : undefined);
        tracer.record(op, performance.now() - t0, { session, agent, status: c.res.status }, error, start);
      }
    }
  };
}

/**
 * Decisions, spans, latency histograms and token metrics. A token held to some sessions names one
 * with ?session=; an agent sees the decisions and spans of the sessions it may see (and those of
 * no session).
 */
export function traceRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  const narrowed = allow({ scope: "read", session: { query: "session", required: "limited" }, across: "filtered" });
  const visibleItems = <T>(caller: Caller, items: T[], sessionOf: (item: T) => unknown): T[] => {
    const visible = sessionVisibility(rt, caller);
    return items.filter((item) => {
      const session = sessionOf(item);
      return typeof session !== "string" || visible(session);
    });
  };
  const spanSession = (s: { attrs?: Record<string, unknown> }) => s.attrs?.session;

  documentRoute({ method: "post", path: "/api/trace/decisions", summary: "record_decision: what was decided, the options, the choice and why", scope: "exec", body: decisionSchema, status: 201, tags: ["trace"] });
  app.post("/trace/decisions", allow({ scope: "exec", session: { body: "session" } }), async (c) => {
    const body = await jsonBody(c, decisionSchema);
    const d = recordDecision(rt.db, { ...body, agent: c.get("caller").agent ?? null });
    rt.bus.activity.emit("event", { type: "decision:recorded", id: d.id, agent: d.agent, session: d.session });
    return c.json(d, 201);
  });

  app.get("/trace/decisions", narrowed, (c) => c.json(visibleItems(c.get("caller"), listDecisions(rt.db, queryOf(c, traceQuery)), (d) => d.session)));

  documentRoute({ method: "get", path: "/api/trace", summary: "Timeline: decisions and recent operation spans, by session or agent", scope: "read", query: traceQuery, tags: ["trace"] });
  app.get("/trace", narrowed, (c) => {
    const q = queryOf(c, traceQuery);
    const caller = c.get("caller");
    return c.json({
      decisions: visibleItems(caller, listDecisions(rt.db, { session: q.session, agent: q.agent, limit: q.limit }), (d) => d.session),
      spans: visibleItems(caller, tracer.spans({ session: q.session, agent: q.agent, op: q.op, limit: q.limit ?? 500 }), spanSession),
    });
  });

  documentRoute({ method: "get", path: "/api/trace/otel", summary: "Recent spans as OpenTelemetry OTLP/JSON", scope: "read", query: traceQuery, tags: ["trace"] });
  app.get("/trace/otel", narrowed, (c) => {
    const q = queryOf(c, traceQuery);
    const spans = visibleItems(c.get("caller"), tracer.spans({ session: q.session, agent: q.agent, op: q.op, limit: q.limit }), spanSession);
    return c.json(toOtel(spans, { name: "ai-session", version: rt.version }));
  });

  documentRoute({ method: "get", path: "/api/metrics", summary: "Latency per operation (p50/p95/p99), tokens per session/agent/tool, bus counters", scope: "read", tags: ["trace"] });
  app.get("/metrics", allow({ scope: "read", session: { query: "session", required: "limited" } }), (c) => {
    const session = c.req.query("session");
    return c.json({ latency: tracer.latency(), tokens: tokenMetrics(rt.db, { session }), bus: rt.bus.bus.stats() });
  });

  return app;
}
