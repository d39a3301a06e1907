import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";
import type { Scope } from "../security/auth.ts";
import { allow, routeTable, type DeclaredRoute } from "./access.ts";
import { CreateSessionBody, ExecBody, ReadQuery, ResizeBody, SendBody, WaitBody } from "./sessions.ts";

/**
 * The OpenAPI document is built from the same zod schemas the routes validate with: each route
 * module calls `documentRoute` next to its handler, and GET /api/openapi.json renders them all.
 */
export interface RouteDoc {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI form: `/api/sessions/{name}/exec` */
  path: string;
  summary: string;
  /** For the reader; the route's own declaration (`allow`) decides, and the document shows that one. */
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

// The core session routes (server/routes/sessions.ts), documented from the schemas they validate with.
const SessionInfo = z.looseObject({
  id: z.string(), name: z.string(), pid: z.number(), cwd: z.string(), shell: z.string(), status: z.string(),
  activity: z.enum(["idle", "busy"]), cols: z.number(), rows: z.number(), created_at: z.string(), commands: z.number(),
  owner_agent: z.string().nullable(), role: z.string().nullable(),
  sandbox: z.union([
    z.looseObject({ kind: z.literal("landlock"), abi: z.number(), write: z.array(z.string()), tmpdir: z.string() }),
    z.object({ kind: z.literal("none"), why: z.string() }),
  ]).describe("the kernel sandbox the shell runs in (role sessions), or why there is none"),
});
const ExecResult = z.looseObject({
  session: z.string(), command_id: z.number().nullable(), command: z.string(), exit_code: z.number().nullable(),
  status: z.enum(["ok", "failed", "unknown", "timeout", "waiting_for_input", "interrupted"]), duration_ms: z.number(), output: z.string(), raw_bytes: z.number(),
  tokens: z.object({ raw: z.number(), compacted: z.number(), saved_pct: z.number() }),
  analysis: z.looseObject({ tool: z.string(), kind: z.string(), status: z.string(), errors: z.array(z.looseObject({ file: z.string().nullable(), line: z.number().nullable(), message: z.string() })) }),
  completion: z.looseObject({ method: z.string(), confidence: z.union([z.string(), z.number()]) }),
});
const session = { tags: ["sessions"] };
for (const doc of [
  { method: "get", path: "/api/sessions", summary: "List the live sessions", scope: "read", response: z.array(SessionInfo) },
  { method: "post", path: "/api/sessions", summary: "Create a session (a shell in a PTY)", scope: "exec", body: CreateSessionBody, response: SessionInfo, status: 201 },
  { method: "get", path: "/api/sessions/{name}", summary: "One session", scope: "read", response: SessionInfo },
  { method: "delete", path: "/api/sessions/{name}", summary: "Kill a session (its history stays)", scope: "exec", response: SessionInfo },
  { method: "post", path: "/api/sessions/{name}/exec", summary: "Run a command and wait for its result (exit code, compacted output, analysis)", scope: "exec", body: ExecBody, response: ExecResult },
  { method: "post", path: "/api/sessions/{name}/wait", summary: "Wait for a running command, or for output matching a pattern", scope: "read", body: WaitBody, response: ExecResult },
  { method: "post", path: "/api/sessions/{name}/send", summary: "Type text and keys (secret: never stored)", scope: "exec", body: SendBody, response: z.object({ session: z.string(), bytes: z.number() }) },
  { method: "get", path: "/api/sessions/{name}/read", summary: "Output since an offset (default: since the last read)", scope: "read", query: ReadQuery, response: z.object({ session: z.string(), start: z.number(), offset: z.number(), dropped: z.number(), output: z.string() }) },
  { method: "get", path: "/api/sessions/{name}/screen", summary: "The visible screen as text", scope: "read", response: z.object({ session: z.string(), text: z.string(), cols: z.number(), rows: z.number(), cursor: z.object({ x: z.number(), y: z.number() }) }) },
  { method: "post", path: "/api/sessions/{name}/resize", summary: "Resize the terminal", scope: "exec", body: ResizeBody, response: SessionInfo },
  { method: "get", path: "/api/sessions/{name}/history", summary: "Commands with exit codes, durations and token counts", scope: "read" },
  { method: "get", path: "/api/sessions/{name}/commands/{id}", summary: "One command's result; ?lines=A-B for a slice of its output", scope: "read", response: ExecResult },
] as RouteDoc[]) {
  if (!routes.has(`${doc.method} ${doc.path}`)) documentRoute({ ...session, ...doc });
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

/** The OpenAPI form of a route's path: `/api/sessions/:name` → `/api/sessions/{name}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
}

/**
 * Every route as the document shows it: the documented ones with the scope their declaration
 * gives, and the ones the app serves that no module documented yet, with their method and scope.
 */
function withDeclaredScopes(served: readonly DeclaredRoute[]): RouteDoc[] {
  const declared = new Map<string, Scope>();
  const out: RouteDoc[] = [];
  for (const r of served) {
    const method = r.method.toLowerCase();
    if (!METHODS.has(method) || !r.path.startsWith("/api/") || r.path.includes("*") || !r.access || r.access.scope === "public") continue;
    const path = openApiPath(r.path);
    declared.set(`${method} ${path}`, r.access.scope);
    if (!routes.has(`${method} ${path}`)) out.push({ method: method as RouteDoc["method"], path, summary: `${method.toUpperCase()} ${path}`, scope: r.access.scope });
  }
  for (const doc of routes.values()) out.push({ ...doc, scope: declared.get(`${doc.method} ${doc.path}`) ?? doc.scope });
  return out;
}

export function openApiDocument(version: string, served: readonly DeclaredRoute[] = []): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const all = withDeclaredScopes(served);
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
export function openApiRoutes(rt: Runtime, app?: Pick<Hono<AppEnv>, "routes">): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  r.get("/openapi.json", allow({ scope: "read" }), (c) => c.json(openApiDocument(rt.version, app ? routeTable(app) : [])));
  return r;
}
