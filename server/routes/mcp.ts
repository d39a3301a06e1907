import { Hono } from "hono";
import { createMcpHandler, isLegacyRequest, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import { localhostHostValidation, localhostOriginValidation } from "@modelcontextprotocol/hono";
import type { AppEnv } from "./env.ts";
import { SessionContexts } from "../context/session-context.ts";
import { AppError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import { requireScope, tokenFrom, type Caller } from "../security/auth.ts";
import { domainBackend } from "../mcp/domain-backend.ts";
import { ResumableEvents } from "../mcp/event-store.ts";
import { createMcpServer, parseToolGroups, type ToolGroup } from "../mcp/server.ts";
import { TIERS, type Tier } from "../mcp/tool.ts";
import { allow } from "./access.ts";

/** The caller as the MCP SDK carries it to the tools (token, client id, scopes, and who it forwards). */
type AuthInfo = NonNullable<NonNullable<Parameters<WebStandardStreamableHTTPServerTransport["handleRequest"]>[1]>["authInfo"]>;

interface Forwarded {
  caller: Caller;
  tier: Tier;
  groups?: ToolGroup[];
  selfSession?: string;
}

const MAX_BODY = 4 * 1024 * 1024;
/** What the priming event of a resumable stream tells a client to wait before reconnecting. */
const RETRY_MS = 500;

function tierOf(c: { req: { query(k: string): string | undefined; header(k: string): string | undefined } }, caller: Caller): Tier {
  const asked = c.req.query("tier") ?? c.req.header("x-ai-session-tier") ?? process.env.AI_SESSION_MCP_TIER ?? "standard";
  if (!TIERS.includes(asked as Tier)) throw new AppError("invalid", `unknown MCP tier "${asked}" (use safe, standard or full)`);
  if (asked === "full") requireScope(caller, "admin");
  return asked as Tier;
}

/**
 * MCP over Streamable HTTP at /mcp: the 2026-07-28 revision (stateless, server/discover) and the
 * 2025 revisions, stateless too. Each request gets a fresh server whose tools call the domain under
 * the caller's own scopes and policies. 2025 streams are resumable: each starts with a priming
 * event (an id, empty data, `retry`), every message is kept a while, and a GET with
 * `Last-Event-ID` gets the rest of a dropped stream, its result included.
 */
export function mcpRoutes(rt: Runtime): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  const contexts = new SessionContexts(rt);
  const events = new ResumableEvents();
  const serverFor = (fwd: Forwarded) =>
    createMcpServer({
      backend: domainBackend(rt, fwd.caller, contexts),
      version: rt.version,
      tier: fwd.tier,
      agent: fwd.caller.agent,
      selfSession: fwd.selfSession,
      scopes: fwd.caller.scopes,
      waitCapS: Number(process.env.AI_SESSION_MCP_WAIT) || undefined,
      groups: fwd.groups,
    });
  const modern = createMcpHandler(
    (ctx) => {
      const fwd = ctx.authInfo?.extra?.forwarded as Forwarded | undefined;
      if (!fwd) throw new AppError("unauthorized", "MCP requests must come through /mcp");
      return serverFor(fwd);
    },
    { legacy: "reject", maxRequestBodySize: MAX_BODY, onerror: reportMcpError },
  );

  /** A 2025-era request: one stateless exchange whose SSE stream can be resumed. */
  async function legacy(req: Request, fwd: Forwarded, authInfo: AuthInfo): Promise<Response> {
    if (req.method === "GET") {
      const last = req.headers.get("last-event-id");
      if (!last) return jsonRpcError(405, -32000, "this stateless server has no standalone stream: send requests with POST");
      return events.resume(fwd.caller.name, last) ?? jsonRpcError(404, -32000, `no stream to resume from event "${last}" (it ended long ago, or is not yours)`);
    }
    if (req.method !== "POST") return jsonRpcError(405, -32000, "use POST for requests (and GET with Last-Event-ID to resume a stream)");
    const server = serverFor(fwd);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      eventStore: events.forCaller(fwd.caller.name),
      retryInterval: RETRY_MS,
      maxRequestBodySize: MAX_BODY,
    });
    transport.onerror = reportMcpError; // kept by connect, which chains the server's handler after it
    await server.connect(transport);
    const teardown = () => {
      void transport.close().catch(() => {});
      void server.close().catch(() => {});
    };
    // The exchange ends when its response has been sent (or stored for a resuming client), not
    // when the client's connection drops: a dropped client comes back with Last-Event-ID.
    const send = transport.send.bind(transport);
    transport.send = async (message, options) => {
      await send(message, options);
      if ("result" in message || "error" in message) setTimeout(teardown, 0);
    };
    const res = await transport.handleRequest(req, { authInfo });
    if (res.headers.get("content-type")?.startsWith("text/event-stream") !== true) teardown();
    return res;
  }

  // DNS rebinding and cross-site protection from the SDK's Hono adapter: loopback Host and Origin only
  r.use("/mcp", localhostHostValidation(), localhostOriginValidation());
  r.all("/mcp", allow({ scope: "read" }), async (c) => {
    const caller = c.get("caller");
    const token = tokenFrom(c.req.raw);
    const forwarded: Forwarded = {
      caller,
      tier: tierOf(c, caller),
      groups: parseToolGroups(c.req.query("tools") ?? c.req.header("x-ai-session-tools") ?? undefined),
      selfSession: c.req.header("x-ai-session-session") ?? undefined,
    };
    const authInfo = { token: token ?? "", clientId: caller.name, scopes: [...caller.scopes], extra: { forwarded } };
    if (await isLegacyRequest(c.req.raw, undefined, { maxRequestBodySize: MAX_BODY })) return legacy(c.req.raw, forwarded, authInfo);
    return modern.fetch(c.req.raw, { authInfo });
  });
  return r;
}

function jsonRpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", id: null, error: { code, message } }, { status });
}

/** Rejected and failed MCP requests: answered to the client already; bugs (not user mistakes) are logged. */
function reportMcpError(err: Error): void {
  if (/^(Rejected|Unsupported|Parse|Invalid|Not Acceptable|Missing)/i.test(err.message)) return;
  console.error(`mcp: ${err.message}`);
}
