import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app.ts";
import type { Runtime } from "../runtime.ts";
import type { Scope } from "../security/auth.ts";
import { scopeNeeded } from "../security/tokens.ts";

/**
 * The OpenAPI document is built from the same zod schemas the routes validate with: each route
 * module calls `documentRoute` next to its handler, and GET /api/openapi.json renders them all.
 */
export interface RouteDoc {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI form: `/api/sessions/{name}/exec` */
  path: string;
  summary: string;
  scope: Scope;
  body?: z.ZodType;
  query?: z.ZodObject;
  response?: z.ZodType;
  /** status of a good answer (200 unless said) */
  status?: number;
  tags?: string[];
}

const routes = new Map<string, RouteDoc>();

export function documentRoute(doc: RouteDoc): void {
  routes.set(`${doc.method} ${doc.path}`, doc);
}

export function documentedRoutes(): RouteDoc[] {
  return [...routes.values()];
}

function schemaOf(s: z.ZodType): Record<string, unknown> {
  try {
    return z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const ErrorSchema = z.object({
  error: z.object({
    code: z.enum(["invalid", "not_found", "conflict", "denied", "unauthorized", "timeout", "too_large", "unavailable", "internal"]),
    message: z.string().describe("one sentence naming the thing and the way out"),
  }),
});

function operation(doc: RouteDoc): Record<string, unknown> {
  const parameters: unknown[] = [];
  for (const m of doc.path.matchAll(/\{([^}]+)\}/g)) {
    parameters.push({ name: m[1], in: "path", required: true, schema: { type: "string" } });
  }
  if (doc.query) {
    const shape = doc.query.shape as Record<string, z.ZodType>;
    for (const [name, s] of Object.entries(shape)) {
      const js = schemaOf(s);
      delete js.$schema;
      parameters.push({ name, in: "query", required: !s.safeParse(undefined).success, schema: js, description: s.description });
    }
  }
  const error = { description: "error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  const op: Record<string, unknown> = {
    summary: doc.summary,
    operationId: `${doc.method}${doc.path.replace(/[{}]/g, "").replace(/\/(\w)/g, (_, ch: string) => ch.toUpperCase()).replace(/[^A-Za-z0-9]/g, "")}`,
    tags: doc.tags ?? [doc.path.split("/")[2] ?? "api"],
    "x-scope": doc.scope,
    parameters,
    responses: {
      [String(doc.status ?? 200)]: {
        description: "ok",
        content: { "application/json": { schema: doc.response ? strip(schemaOf(doc.response)) : {} } },
      },
      "400": error,
      "401": error,
      "403": error,
      "404": error,
    },
  };
  if (doc.body) {
    op.requestBody = { required: true, content: { "application/json": { schema: strip(schemaOf(doc.body)) } } };
  }
  return op;
}

function strip(js: Record<string, unknown>): Record<string, unknown> {
  delete js.$schema;
  return js;
}

const METHODS = new Set(["get", "post", "put", "patch", "delete"]);

/** Routes the app serves that no module documented yet: listed with their path, method and scope. */
function undocumented(served: ReadonlyArray<{ method: string; path: string }>): RouteDoc[] {
  const out: RouteDoc[] = [];
  for (const r of served) {
    const method = r.method.toLowerCase();
    if (!METHODS.has(method) || !r.path.startsWith("/api/") || r.path.includes("*")) continue;
    const path = r.path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
    if (routes.has(`${method} ${path}`)) continue;
    out.push({ method: method as RouteDoc["method"], path, summary: `${method.toUpperCase()} ${path}`, scope: scopeNeeded(method.toUpperCase(), r.path) });
  }
  return out;
}

export function openApiDocument(version: string, served: ReadonlyArray<{ method: string; path: string }> = []): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const all = [...routes.values(), ...undocumented(served)];
  for (const doc of all.sort((a, b) => a.path.localeCompare(b.path))) {
    (paths[doc.path] ??= {})[doc.method] = operation(doc);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "ai-session",
      version,
      description:
        "REST API of the ai-session server. Over TCP send `Authorization: Bearer TOKEN` (the owner token or a scoped token from `ai-session token create`); the Unix socket needs none. Each operation's `x-scope` names the scope it needs. Errors are `{error:{code,message}}`.",
    },
    servers: [{ url: "http://127.0.0.1:7447" }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { Error: strip(schemaOf(ErrorSchema)) },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

/** GET /api/openapi.json. `app` is the whole app, whose route table fills in what no module documented. */
export function openApiRoutes(rt: Runtime, app?: { routes: ReadonlyArray<{ method: string; path: string }> }): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  r.get("/openapi.json", (c) => c.json(openApiDocument(rt.version, app?.routes ?? [])));
  return r;
}
