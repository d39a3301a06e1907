import type { z } from "zod";
import { toAppError } from "../errors.ts";
import type { ApiClient } from "./api.ts";

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
  api: ApiClient;
  tier: Tier;
  /** the agent this MCP connection acts as (--agent, AI_SESSION_AGENT) */
  agent?: string;
  /** the session this MCP server runs inside (AI_SESSION_SESSION), which it must never kill */
  selfSession?: string;
  /** longest a call waits before answering `running` (seconds) */
  waitCapS: number;
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

export interface ToolDef<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  /** the words the model reads: kept in a .txt beside the tool's code */
  description: string;
  input: I;
  output: O;
  /** lowest tier that offers the tool */
  tier: Tier;
  annotations?: ToolAnnotations;
  /**
   * `data` becomes structuredContent; the SDK checks it against `output` on every call (domain
   * types without index signatures are accepted here, so the check is at run time).
   */
  run(args: z.infer<I>, env: ToolEnv): Promise<{ data: z.infer<O> | object; text: string }>;
}

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(def: ToolDef<I, O>): ToolDef {
  return def as unknown as ToolDef;
}

/** Text longer than this (about 4,000 tokens) is cut, keeping its head and tail, with a paging hint. */
export const MAX_TEXT_CHARS = 16_000;

export function clip(text: string, max = MAX_TEXT_CHARS, hint = "read_output pages through everything"): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const head = Math.floor(max * 0.3);
  const tail = max - head;
  const omitted = text.length - head - tail;
  return {
    text: `${text.slice(0, head)}\n… ${omitted} characters left out (${hint}) …\n${text.slice(text.length - tail)}`,
    truncated: true,
  };
}

/**
 * A tool error the model can act on: `not_found: no session named "dev" (...)`. Text only: v1 SDK
 * clients check any structuredContent against the output schema, even on errors.
 */
export function toolError(err: unknown) {
  const e = toAppError(err);
  const hint = /^no agent named /.test(e.message) ? " — over MCP: call register_agent with your role first" : "";
  return {
    isError: true as const,
    content: [{ type: "text" as const, text: `${e.code}: ${e.message}${hint}` }],
  };
}

export const enc = encodeURIComponent;
