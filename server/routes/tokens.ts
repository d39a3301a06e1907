import { Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import { AppError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import type { Scope } from "../security/auth.ts";
import { createToken, isAllowedOrigin, listTokens, revokeToken, SCOPES } from "../security/tokens.ts";
import { jsonBody } from "./validate.ts";
import { documentRoute } from "./openapi.ts";
import { allow } from "./access.ts";

export { isAllowedOrigin };

export function requireLocalOrigin(origin: string | undefined): void {
  if (!isAllowedOrigin(origin)) {
    throw new AppError("denied", `requests from the origin ${JSON.stringify(origin)} are refused (only pages served from localhost may call this server)`);
  }
}

/**
 * Refuses foreign browser origins on every /api route. Mounted once in app.ts after the
 * authentication middleware; scopes and sessions are each route's own declaration (`allow`).
 */
export function originGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    requireLocalOrigin(c.req.header("origin"));
    await next();
  };
}

// ---- /api/tokens ----------------------------------------------------------------------------

const scopeList = z.union([z.array(z.enum(SCOPES as [Scope, ...Scope[]])), z.string()]);
export const CreateTokenBody = z.object({
  name: z.string().min(1).max(64).describe("a name for the token, unique among live tokens"),
  scopes: scopeList.describe("read, exec and/or admin (an array or a comma-separated string)"),
  sessions: z.array(z.string().min(1)).max(1000).optional().describe("limit the token to these sessions"),
  role: z.string().min(1).max(64).optional().describe("the role whose policy applies to the token's requests"),
  agent: z.string().min(1).max(64).optional().describe("the one agent the token acts as (its inbox, its policy)"),
});
export const TokenInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(["read", "exec", "admin"])),
  sessions: z.array(z.string()).nullable(),
  role: z.string().nullable(),
  agent: z.string().nullable(),
  created_at: z.number(),
  last_used_at: z.number().nullable(),
  revoked_at: z.number().nullable(),
});
export const CreatedTokenSchema = TokenInfoSchema.extend({ token: z.string().describe("the secret, shown this once") });

documentRoute({ method: "get", path: "/api/tokens", summary: "List the live API tokens (never their secrets)", scope: "admin", response: z.array(TokenInfoSchema) });
documentRoute({ method: "post", path: "/api/tokens", summary: "Create a scoped API token", scope: "admin", body: CreateTokenBody, response: CreatedTokenSchema });
documentRoute({ method: "delete", path: "/api/tokens/{name}", summary: "Revoke a token", scope: "admin", response: TokenInfoSchema });

export function tokenRoutes(rt: Runtime): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  const admin = allow({ scope: "admin" });
  r.get("/tokens", admin, (c) => c.json(listTokens(rt.db)));
  r.post("/tokens", admin, async (c) => {
    const body = await jsonBody(c, CreateTokenBody);
    const scopes = typeof body.scopes === "string" ? (body.scopes.split(",").map((s) => s.trim()).filter(Boolean) as Scope[]) : body.scopes;
    const { token, info } = createToken(rt.db, { name: body.name, scopes, sessions: body.sessions, role: body.role, agent: body.agent });
    return c.json({ ...info, token }, 201);
  });
  r.delete("/tokens/:name", admin, (c) => c.json(revokeToken(rt.db, c.req.param("name"))));
  return r;
}
