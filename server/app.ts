import { Hono } from "hono";
import { AppError, httpStatusOf, toAppError } from "./errors.ts";
import type { Runtime } from "./runtime.ts";
import { authenticate, isLoopbackHost, type Caller, type Transport } from "./security/auth.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { serverRoutes } from "./routes/server.ts";

export type AppEnv = {
  Bindings: { transport: Transport };
  Variables: { caller: Caller; rt: Runtime };
};

/** The HTTP face of the server: every route is a thin adapter over a domain function. */
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

  app.use("*", async (c, next) => {
    const transport = c.env?.transport ?? "internal";
    if (transport === "tcp" && !isLoopbackHost(c.req.header("host") ?? null)) {
      throw new AppError("denied", "requests must use a loopback host name (localhost or 127.0.0.1)");
    }
    c.set("rt", rt);
    const path = new URL(c.req.url).pathname;
    // The dashboard's static files carry no data; everything under /api and /mcp needs a caller.
    if (path.startsWith("/api") || path.startsWith("/mcp")) c.set("caller", authenticate(rt, c.req.raw, transport));
    await next();
  });

  // Route modules, one per concern. Add yours here.
  app.route("/api", serverRoutes(rt));
  app.route("/api", sessionRoutes(rt));

  return app;
}
