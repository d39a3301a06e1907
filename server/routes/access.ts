import type { Context, Hono, MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.ts";
import { AppError } from "../errors.ts";
import { authenticate, requireScope, type Transport } from "../security/auth.ts";
import { refuseFeedToHeld, requireNamedSession, requireSessionVisible, type Access } from "../access/sessions.ts";

export type { Access };

/** Every `allow` middleware and the declaration it stands for. */
const declared = new WeakMap<object, Access>();
/** Middleware mounted for every path (app.ts): not routes, so they declare nothing. */
const everywhereHandlers = new WeakSet<object>();

/**
 * A route's access declaration, written where the route is registered:
 * `app.get("/sessions/:name/read", allow({ scope: "read", session: { param: "name" } }), handler)`.
 * It runs after the router matched, on the router's own decoded parameters (the same values the
 * handler reads), so `/api/%73essions/x/read` is checked as what it is: the read of session "x".
 */
export function allow(access: Access): MiddlewareHandler<AppEnv> {
  const check: MiddlewareHandler<AppEnv> = async (c, next) => {
    c.set("access", access);
    if (access.scope === "public") return next();
    let caller = c.get("caller");
    if (!caller) {
      // a route outside /api and /mcp that still needs a token
      caller = authenticate(c.get("rt"), c.req.raw, (c.env?.transport ?? "internal") as Transport);
      c.set("caller", caller);
    }
    requireScope(caller, access.scope);
    const named = access.session;
    if (named) {
      const rt = c.get("rt");
      if ("param" in named) requireSessionVisible(rt, caller, c.req.param(named.param) ?? "");
      else {
        const names = "query" in named ? (c.req.queries(named.query) ?? []) : await bodyField(c, named.body);
        for (const name of names) requireSessionVisible(rt, caller, name);
        if (names.length === 0 && named.required === "limited") {
          requireNamedSession(caller, "query" in named ? `name one with ?${named.query}=NAME` : `name the session ("${named.body}")`);
        }
      }
    }
    if (access.across === "feed") refuseFeedToHeld(caller, c.req.path);
    await next();
  };
  declared.set(check, access);
  return check;
}

/** The string value of a JSON body field (through Hono's body cache: the handler reads it again). */
async function bodyField(c: Context<AppEnv>, field: string): Promise<string[]> {
  let body: unknown;
  try {
    body = JSON.parse((await c.req.text()) || "null");
  } catch {
    return []; // the handler answers a malformed body
  }
  const v = body && typeof body === "object" ? (body as Record<string, unknown>)[field] : undefined;
  return typeof v === "string" ? [v] : [];
}

/** Marks a middleware mounted for every path (not a route, so it declares nothing). */
export function everywhere<T extends MiddlewareHandler<AppEnv>>(mw: T): T {
  everywhereHandlers.add(mw);
  return mw;
}

export interface DeclaredRoute {
  method: string;
  /** Hono's form: `/api/sessions/:name/exec` */
  path: string;
  access: Access | undefined;
}

/** Every route of the app (method and path, as the router holds them) with its declaration. */
export function routeTable(app: Pick<Hono<AppEnv>, "routes">): DeclaredRoute[] {
  const byKey = new Map<string, DeclaredRoute>();
  for (const r of app.routes) {
    if (everywhereHandlers.has(r.handler)) continue;
    const key = `${r.method} ${r.path}`;
    let route = byKey.get(key);
    if (!route) byKey.set(key, (route = { method: r.method, path: r.path, access: undefined }));
    route.access ??= declared.get(r.handler);
  }
  return [...byKey.values()];
}

/**
 * Refuses to start an app with a route that declares no access, or names a path parameter it
 * does not have: every route states who may call it, or the server does not run.
 */
export function assertEveryRouteDeclared(app: Pick<Hono<AppEnv>, "routes">): void {
  const problems: string[] = [];
  for (const r of routeTable(app)) {
    if (!r.access) problems.push(`${r.method} ${r.path} declares no access`);
    else if (r.access.session && "param" in r.access.session && !r.path.includes(`:${r.access.session.param}`)) {
      problems.push(`${r.method} ${r.path} names the session parameter "${r.access.session.param}", which its path lacks`);
    }
  }
  if (problems.length) {
    throw new AppError("internal", `the server will not start: ${problems.join("; ")} (add allow({ scope, session }) to the route, see server/routes/access.ts)`);
  }
}
