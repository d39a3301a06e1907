/**
 * Shapes of what the server sends, as CLI.md and the core API describe them. Fields that other
 * parts of the server add over time are optional: the views show them when they are there.
 */
export interface SessionInfo {
  id: string;
  name: string;
  status: string;
  cwd: string;
  pid?: number;
  shell?: string;
  cols?: number;
  rows?: number;
  created_at: string | number;
  ended_at?: string | number | null;
  commands?: number;
  /** busy while a command runs, idle at the prompt. */
  activity?: string;
  owner_agent?: string | null;
  role?: string | null;
  last_command?: { command: string; exit_code: number | null; status?: string } | null;
  tokens?: { raw: number; compacted: number; saved_pct?: number } | null;
}

export interface TokenCounts {
  raw: number;
  compacted: number;
  saved_pct?: number;
}

export interface CommandRecord {
  id?: string | number;
  command_id?: string | number;
  command: string;
  status: string;
  exit_code: number | null;
  duration_ms?: number | null;
  started_at?: string | number;
  ended_at?: string | number | null;
  agent?: string | null;
  tool?: string | null;
  raw_bytes?: number;
  tokens?: TokenCounts;
  tokens_raw?: number | null;
  tokens_compacted?: number | null;
}

export interface AnalysisError {
  file?: string;
  line?: number;
  column?: number;
  code?: string;
  message?: string;
  severity?: string;
}

export interface Analysis {
  tool?: string;
  kind?: string;
  status?: string;
  summary?: string;
  counts?: Record<string, number>;
  errors?: AnalysisError[];
  warnings?: AnalysisError[];
  /** Names of the failing tests. */
  tests_failed?: string[];
  suggestions?: Array<string | { text?: string; action?: string; command?: string }>;
}

export interface CommandDetail extends CommandRecord {
  output?: string;
  raw?: string;
  raw_output?: string;
  compacted?: string;
  analysis?: Analysis | null;
}

/** Running (or starting); "exited" and "killed" sessions are over. */
export const isLive = (s: { status: string }) => s.status === "running" || s.status === "starting";

/** The id a history row goes by, whichever field name the server uses. */
export const commandIdOf = (c: CommandRecord) => String(c.command_id ?? c.id ?? "");

/** Raw and compacted token counts of a command, whichever shape the server uses. */
export function tokensOf(c: CommandRecord): TokenCounts | undefined {
  if (c.tokens) return c.tokens.raw == null ? undefined : { ...c.tokens, compacted: c.tokens.compacted ?? c.tokens.raw };
  if (c.tokens_raw == null) return undefined;
  return { raw: c.tokens_raw, compacted: c.tokens_compacted ?? c.tokens_raw };
}
