import { Hono } from "hono";
import { AppError, httpStatusOf, toAppError } from "./errors.ts";
import type { Runtime } from "./runtime.ts";
import { authenticate, isLoopbackHost } from "./security/auth.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { serverRoutes } from "./routes/server.ts";
import { sessionStreamRoutes } from "./routes/session-stream.ts";
import { agentRoutes } from "./routes/agents.ts";
import { auditMiddleware, auditRoutes } from "./routes/audit.ts";
import { busRoutes } from "./routes/bus.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";
import { knowledgeRoutes } from "./routes/knowledge.ts";
import { mcpRoutes } from "./routes/mcp.ts";
import { migrateRoutes } from "./routes/migrate.ts";
import { openApiRoutes } from "./routes/openapi.ts";
import { snapshotRoutes } from "./routes/snapshots.ts";
import { taskRoutes } from "./routes/tasks.ts";
import { originGuard, tokenRoutes } from "./routes/tokens.ts";
import { metricsStreamRoutes } from "./routes/metrics-stream.ts";
import { traceRequests, traceRoutes } from "./routes/trace.ts";
import { outputRoutes } from "./routes/output.ts";
import { clusterRoutes } from "./routes/cluster.ts";
import { assertEveryRouteDeclared, everywhere } from "./routes/access.ts";
import type { AppEnv } from "./routes/env.ts";

/**
 * The HTTP face of the server: every route is a thin adapter over a domain function, and declares
 * who may call it (server/routes/access.ts); an app with an undeclared route refuses to start.
 */
export function createApp(rt: Runtime): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.onError((err, c) => {
    const e = toAppError(err);
    if (e.code === "internal") console.error(err);
    return c.json({ error: { code: e.code, message: e.message } }, httpStatusOf[e.code] as 400);
  });
  app.notFound((c) =>
    c.json({ error: { code: "not_found", message: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` } }, 404),
  );

  app.use("*", everywhere(async (c, next) => {
    const transport = c.env?.transport ?? "internal";
    if (transport === "tcp" && !isLoopbackHost(c.req.header("host") ?? null)) {
      throw new AppError("denied", "requests must use a loopback host name (localhost or 127.0.0.1)");
    }
    c.set("rt", rt);
    // Routing matches the decoded path, so the decoded path decides who must authenticate:
    // "/%61pi/sessions" is /api/sessions. A malformed escape is a bad request.
    let path: string;
    try {
      path = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      throw new AppError("invalid", "the request path has a malformed %-escape");
    }
    // The dashboard's static files carry no data; everything under /api and /mcp needs a caller.
    if (path.startsWith("/api") || path.startsWith("/mcp")) c.set("caller", authenticate(rt, c.req.raw, transport));
    await next();
  }));

  app.use("*", everywhere(auditMiddleware(rt))); // records state-changing /api and /mcp calls, denials included
  app.use("/api/*", everywhere(originGuard())); // foreign Origins; scopes and sessions are each route's `allow`
  app.use("/api/*", everywhere(traceRequests())); // a latency span per API operation (server/trace)

  // Route modules, one per concern. Add yours here.
  app.route("/api", serverRoutes(rt));
  app.route("/api", sessionRoutes(rt));
  app.route("/api", sessionStreamRoutes(rt));
  app.route("/api", agentRoutes(rt));
  app.route("/api", busRoutes(rt));
  app.route("/api", taskRoutes(rt));
  app.route("/api", knowledgeRoutes(rt));
  app.route("/api", traceRoutes(rt));
  app.route("/api", outputRoutes(rt));
  app.route("/api", snapshotRoutes(rt));
  app.route("/api", migrateRoutes(rt));
  app.route("/api", auditRoutes(rt));
  app.route("/api", tokenRoutes(rt));
  app.route("/api", metricsStreamRoutes(rt));
  app.route("/api", clusterRoutes(rt));
  app.route("/api", openApiRoutes(rt, app));
  app.route("/", mcpRoutes(rt));
  app.route("/", dashboardRoutes());

  assertEveryRouteDeclared(app);
  return app;
}
