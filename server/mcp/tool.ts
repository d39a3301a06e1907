import { z } from "zod";
import { AppError } from "../errors.ts";
import type { McpBackend } from "./backend.ts";

/**
 * Safety tiers. `safe` observes, runs commands and collaborates; `standard` (the default) adds raw
 * terminal input, secrets, restore and killing sessions; `full` may also kill sessions another
 * agent owns.
 */
export type Tier = "safe" | "standard" | "full";
export const TIERS: readonly Tier[] = ["safe", "standard", "full"];

export function tierAllows(have: Tier, need: Tier): boolean {
  return TIERS.indexOf(have) >= TIERS.indexOf(need);
}

/** What a tool's code gets besides its arguments. */
export interface ToolEnv {
  backend: McpBackend;
  tier: Tier;
  /** the agent this MCP connection acts as (--agent, AI_SESSION_AGENT) */
  agent?: string;
  /** the role to register that agent with when it is not registered yet (--role, AI_SESSION_AGENT_ROLE) */
  agentRole?: string;
  /** the session this MCP server runs inside (AI_SESSION_SESSION), which it must never kill */
  selfSession?: string;
  /** the session a call that names none works in (created on first use) */
  defaultSession: string;
  /** longest a call waits before answering `running` (seconds) */
  waitCapS: number;
  /** the JSON-RPC id of the call, for measuring the complete result */
  requestId: string | number;
  /** sends a progress notification when the client asked for them; never throws */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  signal: AbortSignal;
}

export interface ToolAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

export interface ToolResult<O> {
  data: O;
  text: string;
}

export interface ToolDef<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  /** the words the model reads: kept in a .txt beside the tool's code */
  description: string;
  input: I;
  /** strict: a result with a field the schema does not name fails the tests */
  output: O;
  /** lowest tier that offers the tool */
  tier: Tier;
  annotations?: ToolAnnotations;
  run(args: z.infer<I>, env: ToolEnv): Promise<ToolResult<z.infer<O>>>;
}

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(def: ToolDef<I, O>): ToolDef {
  return def as unknown as ToolDef;
}

/** Text longer than this (about 4,000 tokens) is cut, keeping its head and tail, with a paging hint. */
export const MAX_TEXT_CHARS = 16_000;

/** Keeps head and tail of a long text, saying what was left out and how to read it. */
export function clip(text: string, max = MAX_TEXT_CHARS, hint = "read_output pages through it"): { text: string; clipped: boolean } {
  if (text.length <= max) return { text, clipped: false };
  const head = Math.floor(max * 0.3);
  const tail = max - head;
  const omitted = text.length - head - tail;
  return { text: `${text.slice(0, head)}\n… ${omitted} characters left out (${hint}) …\n${text.slice(text.length - tail)}`, clipped: true };
}

/** One line of a possibly multi-line command (a heredoc), for lists. */
export { oneLineCommand as oneLine } from "../context/assemble.ts";

/** The session a call works in: the one it names, else this connection's default (made on first use). */
export async function sessionOf(env: ToolEnv, named: string | undefined): Promise<string> {
  if (named) return named;
  await ensureSession(env.backend, env.defaultSession);
  return env.defaultSession;
}

const ensured = new WeakMap<McpBackend, Map<string, Promise<void>>>();

/**
 * Creates the session `name` unless it runs already; concurrent callers share one creation, and
 * later callers trust it (forgetSession when it is found gone).
 */
export function ensureSession(backend: McpBackend, name: string): Promise<void> {
  let byName = ensured.get(backend);
  if (!byName) ensured.set(backend, (byName = new Map()));
  const known = byName.get(name);
  if (known) return known;
  const made = backend
    .getSession(name)
    .then((s) => {
      if (s.status !== "running" && s.status !== "starting") throw new AppError("not_found", "ended");
    })
    .catch(async (err) => {
      if ((err as AppError).code !== "not_found") throw err;
      await backend.createSession({ name }).catch((e: AppError) => {
        if (e.code !== "conflict") throw e; // made meanwhile by another client
      });
    });
  made.catch(() => byName.delete(name));
  byName.set(name, made);
  return made;
}

export function forgetSession(backend: McpBackend, name: string): void {
  ensured.get(backend)?.delete(name);
}

export const sessionArg = z.string().min(1).max(200).optional();
export const commandIdArg = z.number().int().min(1);

/** The agent a team tool acts for: the one named in the call, else the connection's own. */
export function agentFor(env: ToolEnv, named?: string): string {
  const agent = named ?? env.agent;
  if (!agent) throw new AppError("invalid", "name the agent (or start the MCP server with --agent NAME / AI_SESSION_AGENT)");
  return agent;
}
