import { McpServer, ResourceTemplate } from "@modelcontextprotocol/server";
import { z } from "zod";
import { AppError, toAppError } from "../errors.ts";
import type { Scope } from "../security/auth.ts";
import type { McpBackend } from "./backend.ts";
import { toolError } from "./hints.ts";
import { forgetSession, MAX_TEXT_CHARS, tierAllows, type Tier, type ToolDef, type ToolEnv } from "./tool.ts";
import { screenText, SCREEN_CAP } from "./tools/screen.ts";
import { sessionTools, teamTools } from "./tools/index.ts";
import instructions from "./instructions.txt" with { type: "text" };

/** Tool groups an MCP client can choose between (`--tools sessions,team`): each costs context to list. */
export const TOOL_GROUPS = { sessions: sessionTools, team: teamTools } satisfies Record<string, ToolDef[]>;
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
  backend: McpBackend;
  version: string;
  tier?: Tier;
  agent?: string;
  /** the role an unregistered `agent` registers with on first use */
  agentRole?: string;
  selfSession?: string;
  /** the session calls that name none work in (default "default") */
  defaultSession?: string;
  /** longest one call waits, in seconds (default 25, below agent clients' own time limits) */
  waitCapS?: number;
  /** the caller's scopes: tools that act are hidden from a read-only token */
  scopes?: ReadonlySet<Scope>;
  /** only these tool groups (default: sessions, plus register_agent when the server acts as an agent) */
  groups?: readonly ToolGroup[];
}

export const DEFAULT_WAIT_CAP_S = 25;
export const DEFAULT_SESSION = "default";

/** The tools offered at a tier, to a caller with these scopes (acting tools need exec), from these groups. */
export function toolsFor(tier: Tier, scopes?: ReadonlySet<Scope>, groups?: readonly ToolGroup[], agent?: string): ToolDef[] {
  const canAct = !scopes || scopes.has("exec") || scopes.has("admin");
  // team tools cost more context than most agents use: listed when asked for (--tools sessions,team);
  // an agent named by its configuration always has register_agent, the one call that makes it known
  const chosen = groups ?? ["sessions"];
  const pool = chosen.flatMap((g) => TOOL_GROUPS[g]);
  if (agent && !pool.some((t) => t.name === "register_agent")) pool.push(...teamTools.filter((t) => t.name === "register_agent"));
  return pool.filter((t) => tierAllows(tier, t.tier) && (canAct || t.annotations?.readOnlyHint === true));
}

interface RequestCtx {
  mcpReq: {
    id?: string | number;
    _meta?: { progressToken?: string | number };
    signal: AbortSignal;
    notify(n: { method: string; params?: Record<string, unknown> }): Promise<void>;
  };
}

function envFor(opts: McpOptions, ctx: RequestCtx): ToolEnv {
  const token = ctx.mcpReq._meta?.progressToken;
  return {
    backend: opts.backend,
    tier: opts.tier ?? "standard",
    agent: opts.agent,
    agentRole: opts.agentRole,
    selfSession: opts.selfSession,
    defaultSession: opts.defaultSession ?? DEFAULT_SESSION,
    waitCapS: opts.waitCapS ?? DEFAULT_WAIT_CAP_S,
    requestId: ctx.mcpReq.id ?? 1,
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
 * Runs a tool; when the agent this server acts as is not registered yet and a role is configured
 * for it, registers it and runs the tool once more.
 */
async function runWithAgent(tool: ToolDef, args: unknown, env: ToolEnv) {
  try {
    return await tool.run(args as never, env);
  } catch (err) {
    const e = toAppError(err);
    const unknownSelf = env.agent && env.agentRole && e.code === "not_found" && e.message.startsWith(`no agent named "${env.agent}"`);
    // the default session was ended since it was made: make it again
    const usedDefault = (args as { session?: string }).session === undefined && "session" in tool.input.shape;
    const defaultGone = usedDefault && (e.message.startsWith(`no session named "${env.defaultSession}"`) || e.message.startsWith(`session "${env.defaultSession}" `));
    if (!unknownSelf && !defaultGone) throw err;
    if (unknownSelf) await env.backend.registerAgent({ name: env.agent!, role: env.agentRole! });
    if (defaultGone) forgetSession(env.backend, env.defaultSession);
    return tool.run(args as never, env);
  }
}

/**
 * One MCP server instance over a backend. The SDK asks for a fresh instance per connection
 * (stdio) or per request (stateless HTTP), so this is cheap: it only registers definitions.
 * It declares what it serves: tools, and resources (each session's output and screen).
 */
export function createMcpServer(opts: McpOptions): McpServer {
  // only what is served: the tool and resource lists never change while connected, nothing is subscribable
  const capabilities = { tools: { listChanged: false }, resources: { listChanged: false } };
  const server = new McpServer({ name: "ai-session", version: opts.version }, { capabilities, instructions, maxToolInputElements: 10_000 });
  const tier = opts.tier ?? "standard";
  const tools = toolsFor(tier, opts.scopes, opts.groups, opts.agent);
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      { description: tool.description.trim(), inputSchema: tool.input, outputSchema: tool.output, annotations: tool.annotations },
      (async (args: unknown, ctx: RequestCtx) => {
        const env = envFor(opts, ctx);
        try {
          const { data, text } = await runWithAgent(tool, args, env);
          return { content: [{ type: "text" as const, text }], structuredContent: data as Record<string, unknown> };
        } catch (err) {
          return toolError(err, { agent: opts.agent, agentRole: opts.agentRole, tier });
        }
      }) as never,
    );
  }
  registerSessionResources(server, opts.backend);
  // The SDK's own listing carries a $schema URL and other boilerplate in every schema; this one
  // lists the same schemas without it (the SDK still validates every call and result with them).
  const listing = { tools: tools.map(listedTool) };
  server.server.setRequestHandler("tools/list", () => listing as never);
  return server;
}

/** A tool as tools/list shows it: name, description, annotations and compact JSON Schemas. */
export function listedTool(tool: ToolDef) {
  return {
    name: tool.name,
    description: tool.description.trim(),
    inputSchema: compactSchema(z.toJSONSchema(tool.input, { io: "input" })),
    // an output schema is for the program that reads the result: the words about it are in the description
    outputSchema: compactSchema(z.toJSONSchema(tool.output, { io: "output" }), { descriptions: false }),
    ...(tool.annotations ? { annotations: tool.annotations } : {}),
  };
}

/** Bounds and formats the server checks on every call anyway: listed, they cost every agent context and say little (the descriptions show the format by example). */
const UNLISTED = new Set(["$schema", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "maxItems", "pattern"]);

/**
 * The schema as listed: without the dialect URL, `propertyNames` of string-keyed records and
 * numeric bounds (the full zod schema still validates every call and every result).
 */
function compactSchema(s: unknown, o: { descriptions?: boolean } = {}): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== "object") return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (UNLISTED.has(k) || (k === "propertyNames" && (x as { type?: string }).type === "string")) continue;
      if (k === "description" && o.descriptions === false && typeof x === "string") continue;
      out[k] = walk(x);
    }
    return out;
  };
  return walk(s) as Record<string, unknown>;
}

/** The end of a text of at most MAX_TEXT_CHARS, saying how much came before and how to read it. */
function tail(text: string, hint: string): string {
  if (text.length <= MAX_TEXT_CHARS) return text;
  return `… ${text.length - MAX_TEXT_CHARS} characters above (${hint}) …\n${text.slice(-MAX_TEXT_CHARS)}`;
}

/** Each session's recent output and screen as resources: session://NAME/output, session://NAME/screen. */
function registerSessionResources(server: McpServer, backend: McpBackend): void {
  const list = async () => {
    const sessions = await backend.listSessions().catch(() => []);
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
      // capped as the screen and read_output tools cap them, saying which call reads the rest
      const text =
        kind === "screen"
          ? screenText((await backend.screen(name)).text).text
          : tail((await backend.read(name, { since: 0, lines: 200 })).output, `read_output {session: "${name}"} pages through the output`);
      return { contents: [{ uri: uri.href, mimeType: "text/plain", text }] };
    } catch (err) {
      const e = toAppError(err);
      throw new Error(`${e.code}: ${e.message}`);
    }
  };
  server.registerResource(
    "session-output",
    new ResourceTemplate("session://{name}/output", { list }),
    { description: `The last 200 lines of a session's output, at most ${MAX_TEXT_CHARS} characters`, mimeType: "text/plain" },
    read("output") as never,
  );
  server.registerResource(
    "session-screen",
    new ResourceTemplate("session://{name}/screen", { list: undefined }),
    { description: `A session's visible screen, its bottom rows within ${SCREEN_CAP} characters`, mimeType: "text/plain" },
    read("screen") as never,
  );
}
