import { McpServer, ResourceTemplate } from "@modelcontextprotocol/server";
import { AppError, toAppError } from "../errors.ts";
import { mcpSafeApi, type ApiClient } from "./api.ts";
import type { Scope } from "../security/auth.ts";
import { tierAllows, toolError, type Tier, type ToolDef, type ToolEnv } from "./tool.ts";
import { sessionTools } from "./tools/sessions.ts";
import { execTools } from "./tools/exec.ts";
import { inputTools } from "./tools/input.ts";
import { outputTools } from "./tools/output.ts";
import { insightTools } from "./tools/insight.ts";
import { persistTools } from "./tools/persist.ts";
import { busTools } from "./tools/bus.ts";
import instructions from "./instructions.txt" with { type: "text" };
import type { SessionShape } from "./tools/shapes.ts";

/** Tool groups an MCP client can choose between (`--tools sessions`): each costs context to list. */
export const TOOL_GROUPS = {
  sessions: [...sessionTools, ...execTools, ...inputTools, ...outputTools, ...insightTools, ...persistTools],
  team: busTools,
} satisfies Record<string, ToolDef[]>;
export type ToolGroup = keyof typeof TOOL_GROUPS;

/** Every tool, in the order tools/list shows them. */
export const allTools: ToolDef[] = Object.values(TOOL_GROUPS).flat();

/** Parses "sessions,team" into groups, naming the first unknown one. */
export function parseToolGroups(list: string | undefined): ToolGroup[] | undefined {
  if (!list) return undefined;
  const groups = list.split(",").map((g) => g.trim()).filter(Boolean);
  for (const g of groups) {
    if (!(g in TOOL_GROUPS)) throw new AppError("invalid", `unknown tool group "${g}" (use ${Object.keys(TOOL_GROUPS).join(", ")})`);
  }
  return groups as ToolGroup[];
}

export interface McpOptions {
  api: ApiClient;
  version: string;
  tier?: Tier;
  agent?: string;
  selfSession?: string;
  /** longest one call waits, in seconds (default 25, below agent clients' own time limits) */
  waitCapS?: number;
  /** the caller's scopes: tools that act are hidden from a read-only token */
  scopes?: ReadonlySet<Scope>;
  /** only these tool groups (default: all) */
  groups?: readonly ToolGroup[];
}

export const DEFAULT_WAIT_CAP_S = 25;

/** The tools offered at a tier, to a caller with these scopes (acting tools need exec), from these groups. */
export function toolsFor(tier: Tier, scopes?: ReadonlySet<Scope>, groups?: readonly ToolGroup[]): ToolDef[] {
  const canAct = !scopes || scopes.has("exec") || scopes.has("admin");
  const pool = groups ? groups.flatMap((g) => TOOL_GROUPS[g]) : allTools;
  return pool.filter((t) => tierAllows(tier, t.tier) && (canAct || t.annotations?.readOnlyHint === true));
}

interface RequestCtx {
  mcpReq: {
    _meta?: { progressToken?: string | number };
    signal: AbortSignal;
    notify(n: { method: string; params?: Record<string, unknown> }): Promise<void>;
  };
}

function envFor(opts: McpOptions, api: ApiClient, ctx: RequestCtx): ToolEnv {
  const token = ctx.mcpReq._meta?.progressToken;
  return {
    api,
    tier: opts.tier ?? "standard",
    agent: opts.agent,
    selfSession: opts.selfSession,
    waitCapS: opts.waitCapS ?? DEFAULT_WAIT_CAP_S,
    signal: ctx.mcpReq.signal,
    async progress(progress, total, message) {
      if (token === undefined) return;
      try {
        await ctx.mcpReq.notify({ method: "notifications/progress", params: { progressToken: token, progress, total, message } });
      } catch {
        // the client went away; the result still comes
      }
    },
  };
}

/**
 * One MCP server instance over the REST API. The SDK asks for a fresh instance per connection
 * (stdio) or per request (stateless HTTP), so this is cheap: it only registers definitions.
 */
export function createMcpServer(opts: McpOptions): McpServer {
  const api = mcpSafeApi(opts.api);
  const server = new McpServer(
    { name: "ai-session", version: opts.version },
    { capabilities: { tools: {}, resources: {} }, instructions, maxToolInputElements: 10_000 },
  );
  for (const tool of toolsFor(opts.tier ?? "standard", opts.scopes, opts.groups)) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description.trim(),
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: tool.annotations,
      },
      (async (args: unknown, ctx: RequestCtx) => {
        try {
          const { data, text } = await tool.run(args as never, envFor(opts, api, ctx));
          return { content: [{ type: "text" as const, text }], structuredContent: data as Record<string, unknown> };
        } catch (err) {
          return toolError(err);
        }
      }) as never,
    );
  }
  registerSessionResources(server, api);
  return server;
}

/** Each session's recent output and screen as resources: session://NAME/output, session://NAME/screen. */
function registerSessionResources(server: McpServer, api: ApiClient): void {
  const list = async () => {
    const sessions = await api.request<SessionShape[]>("GET", "/api/sessions").catch(() => [] as SessionShape[]);
    return {
      resources: sessions.slice(0, 200).flatMap((s) => [
        { uri: `session://${encodeURIComponent(s.name)}/output`, name: `${s.name} output`, mimeType: "text/plain" },
        { uri: `session://${encodeURIComponent(s.name)}/screen`, name: `${s.name} screen`, mimeType: "text/plain" },
      ]),
    };
  };
  const read = (kind: "output" | "screen") => async (uri: URL, vars: Record<string, string | string[]>) => {
    const name = decodeURIComponent(String(vars.name));
    try {
      const text =
        kind === "screen"
          ? (await api.request<{ text: string }>("GET", `/api/sessions/${encodeURIComponent(name)}/screen`)).text
          : (await api.request<{ output: string }>("GET", `/api/sessions/${encodeURIComponent(name)}/read?since=0&lines=200`)).output;
      return { contents: [{ uri: uri.href, mimeType: "text/plain", text }] };
    } catch (err) {
      const e = toAppError(err);
      throw new Error(`${e.code}: ${e.message}`);
    }
  };
  server.registerResource(
    "session-output",
    new ResourceTemplate("session://{name}/output", { list }),
    { title: "Session output", description: "The last 200 lines of a session's output", mimeType: "text/plain" },
    read("output") as never,
  );
  server.registerResource(
    "session-screen",
    new ResourceTemplate("session://{name}/screen", { list: undefined }),
    { title: "Session screen", description: "A session's visible screen", mimeType: "text/plain" },
    read("screen") as never,
  );
}
