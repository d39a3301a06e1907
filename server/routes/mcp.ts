import { Hono } from "hono";
import { createMcpHandler } from "@modelcontextprotocol/server";
import { localhostHostValidation, localhostOriginValidation } from "@modelcontextprotocol/hono";
import type { AppEnv } from "../app.ts";
import { AppError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import { requireScope, tokenFrom, type Caller, type Transport } from "../security/auth.ts";
import { inProcessApi } from "../mcp/api.ts";
import { createMcpServer, parseToolGroups, type ToolGroup } from "../mcp/server.ts";
import { TIERS, type Tier } from "../mcp/tool.ts";
import { allow } from "./access.ts";

interface Fetcher {
  fetch(req: Request, env?: unknown): Response | Promise<Response>;
}

interface Forwarded {
  caller: Caller;
  transport: Transport;
  headers: Record<string, string>;
  tier: Tier;
  groups?: ToolGroup[];
  selfSession?: string;
}

const MAX_BODY = 4 * 1024 * 1024;

function tierOf(c: { req: { query(k: string): string | undefined; header(k: string): string | undefined } }, caller: Caller): Tier {
  const asked = c.req.query("tier") ?? c.req.header("x-ai-session-tier") ?? process.env.AI_SESSION_MCP_TIER ?? "standard";
  if (!TIERS.includes(asked as Tier)) throw new AppError("invalid", `unknown MCP tier "${asked}" (use safe, standard or full)`);
  if (asked === "full") requireScope(caller, "admin");
  return asked as Tier;
}

/**
 * MCP over Streamable HTTP at /mcp: the 2026-07-28 revision (stateless, server/discover) and, through
 * the SDK's stateless fallback, the 2025 revisions. Each request gets a fresh server whose tools call
 * the REST API in-process with the caller's own credentials, so scopes and policies apply unchanged.
 */
export function mcpRoutes(rt: Runtime, app: Fetcher): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  const handler = createMcpHandler(
    (ctx) => {
      const fwd = ctx.authInfo?.extra?.forwarded as Forwarded | undefined;
      if (!fwd) throw new AppError("unauthorized", "MCP requests must come through /mcp");
      return createMcpServer({
        api: inProcessApi(app, fwd.headers, { transport: fwd.transport }),
        version: rt.version,
        tier: fwd.tier,
        agent: fwd.caller.agent,
        selfSession: fwd.selfSession,
        scopes: fwd.caller.scopes,
        waitCapS: Number(process.env.AI_SESSION_MCP_WAIT) || undefined,
        groups: fwd.groups,
      });
    },
    { legacy: "stateless", maxRequestBodySize: MAX_BODY, onerror: () => {} },
  );

  // DNS rebinding and cross-site protection from the SDK's Hono adapter: loopback Host and Origin only
  r.use("/mcp", localhostHostValidation(), localhostOriginValidation());
  r.all("/mcp", allow({ scope: "read" }), async (c) => {
    const caller = c.get("caller");
    const transport = (c.env?.transport ?? "internal") as Transport;
    const headers: Record<string, string> = {};
    const token = tokenFrom(c.req.raw);
    if (token) headers.authorization = `Bearer ${token}`;
    if (caller.agent) headers["x-ai-session-agent"] = caller.agent;
    const forwarded: Forwarded = {
      caller,
      transport,
      headers,
      tier: tierOf(c, caller),
      groups: parseToolGroups(c.req.query("tools") ?? c.req.header("x-ai-session-tools") ?? undefined),
      selfSession: c.req.header("x-ai-session-session") ?? undefined,
    };
    return handler.fetch(c.req.raw, {
      authInfo: { token: token ?? "", clientId: caller.name, scopes: [...caller.scopes], extra: { forwarded } },
    });
  });
  return r;
}
