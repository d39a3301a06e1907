/**
 * Shapes of what the server sends: the server's own types (from its zod schemas), imported as
 * types only, so the dashboard's build carries none of the server's code.
 */
import type { HistoryFlags } from "../../../server/persist/history.ts";
import type { SessionView } from "../../../server/routes/sessions.ts";
import type { CommandDetail, ExecResult } from "../../../server/session/exec-result.ts";
import type { HistoryRow } from "../../../server/session/answers.ts";

export type { Analysis, OutputError } from "../../../server/output/types.ts";
export type { CommandDetail };

/** A session as GET /api/sessions lists it. */
export type SessionInfo = SessionView;

/** One row of a session's history (GET /api/sessions/{name}/history). */
export type CommandRecord = HistoryRow & HistoryFlags;

export type TokenCounts = ExecResult["tokens"];

/** Running (or starting); "exited" and "killed" sessions are over. */
export const isLive = (s: { status: string }) => s.status === "running" || s.status === "starting";

/** The id a history row goes by. */
export const commandIdOf = (c: { command_id: number | null }) => String(c.command_id ?? "");

/** Raw and compacted token counts of a command; none for a history row counted before tokens were. */
export function tokensOf(c: { tokens: { raw: number | null; compacted: number | null } }): { raw: number; compacted: number } | undefined {
  const { raw, compacted } = c.tokens;
  return raw == null ? undefined : { raw, compacted: compacted ?? raw };
}
