import { toAppError } from "../errors.ts";
import { tierAllows, type Tier } from "./tool.ts";

/** How fold markers over MCP name the way to read what they hid (filled in by the domain). */
export const MCP_EXPAND_HINT = 'read_output {command_id: {id}, lines: "{from}-{to}"}';

const q = JSON.stringify;

/**
 * Error messages come from the domain and name CLI commands (`ai-session restore dev`), which an
 * agent on MCP cannot run. These rewrite each such way out into the MCP call that does the same.
 */
const REWRITES: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/ai-session read (\S+) --command (\d+) --lines (\d+)-(\d+)/g, (m) => `read_output {session: ${q(m[1])}, command_id: ${m[2]}, lines: "${m[3]}-${m[4]}"}`],
  [/ai-session wait (\S+) --command (\d+)/g, (m) => `wait {session: ${q(m[1])}, command_id: ${m[2]}}`],
  [/ai-session read (\S+) --screen/g, (m) => `screen {session: ${q(m[1])}}`],
  [/ai-session history (\S+)/g, (m) => `history {session: ${q(m[1])}}`],
  [/ai-session restore (\S+)/g, (m) => `restore {session: ${q(m[1])}}`],
  [/ai-session kill (\S+)/g, (m) => `kill_session {session: ${q(m[1])}}`],
  [/ai-session exec (\S+) COMMAND/g, (m) => `exec {session: ${q(m[1])}, command: "..."}`],
  [/ai-session list shows the sessions/g, () => "list_sessions shows the sessions"],
  [/ai-session snapshot --list shows them/g, () => "snapshot {session} saves one first"],
  [/ai-session task list shows them/g, () => "list_tasks shows them"],
  [/ai-session knowledge list shows the keys/g, () => "get_knowledge without a key lists them"],
  [/ai-session task claim --agent (\S+)/g, () => "claim_task"],
];

/** The domain's sentence with its CLI way out replaced by the MCP call for it. */
export function mcpWording(message: string, ctx: { agent?: string; agentRole?: string; tier: Tier }): string {
  const unknownAgent = /^no agent named "([^"]+)" \(register it: [^)]*\)/.exec(message);
  if (unknownAgent) {
    const name = unknownAgent[1]!;
    if (name !== ctx.agent) return `no agent named "${name}" (list_agents shows who is registered)`;
    return `no agent named "${name}" is registered yet: ${registerWay(ctx.tier)}`;
  }
  let out = message;
  for (const [re, to] of REWRITES) out = out.replace(re, (...args) => to(args as unknown as RegExpExecArray));
  return out;
}

/** What makes this connection's agent known, in the tier it has. */
export function registerWay(tier: Tier): string {
  return tierAllows(tier, "standard")
    ? 'call register_agent {role: "backend"} once (roles: frontend, backend, devops, qa, or one from roles.json)'
    : "this safe-tier server cannot register it: start ai-session mcp with AI_SESSION_AGENT_ROLE=ROLE (it registers on first use), or register it once with `ai-session agent register NAME --role ROLE`";
}

/**
 * A tool error the model can act on: `not_found: no session named "dev" (...)`. Text only: v1 SDK
 * clients check any structuredContent against the output schema, even on errors.
 */
export function toolError(err: unknown, ctx: { agent?: string; agentRole?: string; tier: Tier }) {
  const e = toAppError(err);
  return { isError: true as const, content: [{ type: "text" as const, text: `${e.code}: ${mcpWording(e.message, ctx)}` }] };
}
