import { eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { tickWrite, type Db } from "../../db/client.ts";
import { commands } from "../../db/schema/core.ts";
import { decodeOutput } from "../output/codec.ts";

/**
 * Searching a session's command history, and the per-session retention cap on stored output.
 * The history route calls `applyHistoryFilter` when `--grep` or `--failed` is given; the persistence
 * hooks call `enforceRetention` after every command.
 */
const FAILED = ["failed", "timeout", "interrupted"] as const;

function firstLineWith(text: string, needle: string): string | null {
  const lower = needle.toLowerCase();
  for (const line of text.split(/\r?\n|\r/)) {
    if (line.toLowerCase().includes(lower)) return line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").trim().slice(0, 300);
  }
  return null;
}

export function retentionCapBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.AI_SESSION_HISTORY_CAP_MB ?? "64");
  return Number.isFinite(mb) && mb > 0 ? Math.round(mb * 1024 * 1024) : 64 * 1024 * 1024;
}

/** Every stored output of a session, summed (one scan of the session's rows). */
export function storedOutputBytes(db: Db, sessionId: string): number {
  return (
    db
      .select({ n: sql<number>`coalesce(sum(length(${commands.outputZ})), 0)` })
      .from(commands)
      .where(eq(commands.sessionId, sessionId))
      .get()?.n ?? 0
  );
}

/**
 * Drops the oldest stored outputs of a session until `over` bytes are freed, reading only as many
 * of the oldest rows as that takes.
 */
function dropOldest(db: Db, sessionId: string, over: number): { dropped: number; freed_bytes: number } {
  let dropped = 0;
  let freed = 0;
  let after = 0;
  const page = db.$client.query<{ id: number; size: number }, [string, number]>(
    "SELECT id, length(output_z) AS size FROM commands WHERE session_id = ? AND id > ? AND output_z IS NOT NULL ORDER BY id LIMIT 64",
  );
  while (over > 0) {
    const rows = page.all(sessionId, after);
    if (!rows.length) break;
    const ids: number[] = [];
    for (const r of rows) {
      if (over <= 0) break;
      ids.push(r.id);
      over -= r.size;
      freed += r.size;
      dropped++;
    }
    if (ids.length) tickWrite(db, () => db.update(commands).set({ outputZ: null }).where(inArray(commands.id, ids)).run());
    after = rows[rows.length - 1]!.id;
  }
  return { dropped, freed_bytes: freed };
}

/**
 * Keeps one session's stored output under `capBytes`: the oldest outputs are dropped first (the
 * command rows stay, with exit codes and durations; `output_dropped` says what happened). Sums the
 * session's stored output: for a one-off check; after each command the hooks use `retentionTracker`.
 */
export function enforceRetention(db: Db, sessionId: string, capBytes = retentionCapBytes()): { dropped: number; freed_bytes: number } {
  const total = storedOutputBytes(db, sessionId);
  if (total <= capBytes) return { dropped: 0, freed_bytes: 0 };
  return dropOldest(db, sessionId, total - capBytes);
}

export interface RetentionTracker {
  /** A command of the session ended: adds its stored output, dropping the oldest when over the cap. */
  commandEnded(sessionId: string, commandId: number): { dropped: number; freed_bytes: number };
  /** The session ended: its running total is forgotten (read again if it comes back). */
  forget(sessionId: string): void;
  /** The running total of a session's stored output, if known. */
  totalOf(sessionId: string): number | undefined;
}

/**
 * The retention cap after every command without summing every stored output each time: a running
 * total per session, read once from the database (at the session's first ended command), then
 * grown by each ended command's stored size (one lookup by id). Only when it passes the cap are the
 * oldest outputs dropped.
 */
export function retentionTracker(db: Db, capBytes = retentionCapBytes()): RetentionTracker {
  const totals = new Map<string, number>();
  const sizeOf = db.$client.query<{ n: number }, [number, string]>(
    "SELECT coalesce(length(output_z), 0) AS n FROM commands WHERE id = ? AND session_id = ?",
  );
  return {
    commandEnded(sessionId, commandId) {
      const known = totals.get(sessionId);
      // read once: the sum already holds the command that just ended
      let total = known === undefined ? storedOutputBytes(db, sessionId) : known + (sizeOf.get(commandId, sessionId)?.n ?? 0);
      let r = { dropped: 0, freed_bytes: 0 };
      if (total > capBytes) {
        r = dropOldest(db, sessionId, total - capBytes);
        total -= r.freed_bytes;
      }
      totals.set(sessionId, total);
      return r;
    },
    forget(sessionId) {
      totals.delete(sessionId);
    },
    totalOf(sessionId) {
      return totals.get(sessionId);
    },
  };
}

/** A command as a snapshot records it (the columns, snake_case, without the stored output). */
export interface SnapshotCommand {
  command_id: number;
  command: string;
  cwd: string;
  agent: string | null;
  status: string;
  exit_code: number | null;
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
  raw_bytes: number;
  tool: string | null;
  tokens_raw: number | null;
  tokens_compacted: number | null;
  completion_method: string | null;
  completion_confidence: string | null;
}

/**
 * The newest `limit` commands of a session, oldest first, without their stored output. A plain
 * prepared statement: snapshots read a thousand rows at a time and must stay fast.
 */
export function recentCommands(db: Db, sessionId: string, limit = 10_000): SnapshotCommand[] {
  return db.$client
    .query<SnapshotCommand, [string, number]>(
      `SELECT * FROM (SELECT id AS command_id, command, cwd, agent, status, exit_code, started_at, ended_at, duration_ms,
         raw_bytes, tool, tokens_raw, tokens_compacted, completion_method, completion_confidence
       FROM commands WHERE session_id = ? ORDER BY id DESC LIMIT ?) ORDER BY command_id`,
    )
    .all(sessionId, limit);
}

/** The fields of a history entry (as the history route lists them) that filtering reads. */
export interface HistoryEntryLike {
  command_id: number;
  command: string;
  status: string;
  exit_code: number | null;
  raw_bytes: number;
}

function truthyFlag(v: unknown): boolean {
  return v === true || v === "1" || v === "true" || v === "";
}

/** What filtering adds to a history entry. */
export const HistoryFlagsSchema = z.object({
  output_dropped: z.boolean().describe("true when retention dropped this command's stored output"),
  match_line: z.string().nullable().optional().describe("for a --grep match in the output, the first line containing the text (null: it matched the command line)"),
  output_unreadable: z
    .string()
    .optional()
    .describe("under --grep, why the stored output could not be read (encrypted with another key, a damaged row): the command is listed so that it is not silently left out, though its output was not searched"),
});
export type HistoryFlags = z.infer<typeof HistoryFlagsSchema>;

/**
 * `history NAME --grep TEXT --failed` over the history route's own entries: keeps their shape and
 * adds the HistoryFlags. Wiring in the route: `applyHistoryFilter(rt.db, historyOf(ops, name), c.req.query())`.
 */
export function applyHistoryFilter<T extends HistoryEntryLike>(
  db: Db,
  entries: T[],
  query: { grep?: string; failed?: string | boolean },
): (T & HistoryFlags)[] {
  const grep = query.grep?.trim() ? query.grep : undefined;
  const failed = query.failed !== undefined && truthyFlag(query.failed);
  const wanted = failed
    ? entries.filter((e) => FAILED.includes(e.status as (typeof FAILED)[number]) || (e.exit_code != null && e.exit_code !== 0))
    : entries;
  const stored = new Map<number, Buffer | null>();
  for (let i = 0; i < wanted.length; i += 500) {
    const ids = wanted.slice(i, i + 500).map((e) => e.command_id);
    const rows = grep
      ? db.select({ id: commands.id, z: commands.outputZ }).from(commands).where(inArray(commands.id, ids)).all()
      : db
          .select({ id: commands.id, z: sql<Buffer | null>`case when ${commands.outputZ} is null then null else x'' end` })
          .from(commands)
          .where(inArray(commands.id, ids))
          .all();
    for (const r of rows) stored.set(r.id, r.z);
  }
  const out: (T & HistoryFlags)[] = [];
  for (const e of wanted) {
    const z = stored.get(e.command_id) ?? null;
    const dropped = z == null && e.status !== "running" && e.raw_bytes > 0;
    if (!grep) {
      out.push({ ...e, output_dropped: dropped });
      continue;
    }
    if (e.command.toLowerCase().includes(grep.toLowerCase())) {
      out.push({ ...e, output_dropped: dropped, match_line: null });
      continue;
    }
    if (!z) continue;
    let text: string;
    try {
      text = new TextDecoder().decode(decodeOutput(new Uint8Array(z)));
    } catch (err) {
      out.push({ ...e, output_dropped: dropped, match_line: null, output_unreadable: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const line = firstLineWith(text, grep);
    if (line != null) out.push({ ...e, output_dropped: dropped, match_line: line });
  }
  return out;
}
