import { and, desc, eq, getTableColumns, sql } from "drizzle-orm";
import { prepared, tickWrite, type Db } from "../../db/client.ts";
import { commands, sessions } from "../../db/schema.ts";
import { decodeOutput } from "../output/codec.ts";
import { redactCommandText, redactEnv } from "../security/redact.ts";
import type { Completion } from "./status.ts";

export type SessionRow = typeof sessions.$inferSelect;
export type CommandRow = typeof commands.$inferSelect;

/**
 * Reads and writes of session and command rows; the rest of the server calls these. The writes a
 * command makes join the event loop turn's transaction (`tickWrite`): one commit for many.
 */
// Environment values and command lines are stored redacted of secret shapes (unless
// AI_SESSION_REDACT=0), like the output itself.
export function insertSession(db: Db, row: typeof sessions.$inferInsert): void {
  db.insert(sessions).values({ ...row, env: redactEnv(row.env ?? {}) }).run();
}

export function updateSession(db: Db, id: string, patch: Partial<typeof sessions.$inferInsert>): void {
  tickWrite(db, () => db.update(sessions).set(patch.env ? { ...patch, env: redactEnv(patch.env) } : patch).where(eq(sessions.id, id)).run());
}

export function sessionRowsByName(db: Db, name: string): SessionRow[] {
  return db.select().from(sessions).where(eq(sessions.name, name)).orderBy(desc(sessions.createdAt)).all();
}

export function sessionRowById(db: Db, id: string): SessionRow | undefined {
  return db.select().from(sessions).where(eq(sessions.id, id)).get();
}

/** Sessions the database believes are running: after a crash these are the ones that were lost. */
export function runningSessionRows(db: Db): SessionRow[] {
  return db.select().from(sessions).where(eq(sessions.status, "running")).all();
}

/** Ids of sessions that were running when a server died (marked lost at its successor's start). */
export function lostSessionIds(db: Db): string[] {
  return db.select({ id: sessions.id }).from(sessions).where(eq(sessions.status, "lost")).all().map((r) => r.id);
}

/**
 * Commands still "running" when no shell runs (at start, after a crash) were cut off: they are
 * marked interrupted, with their exit code unknown. Returns how many.
 */
export function interruptRunningCommands(db: Db, endedAt = Date.now()): number {
  return db.$client.query("UPDATE commands SET status = 'interrupted', ended_at = ? WHERE status = 'running'").run(endedAt).changes;
}

/** A named parameter of a prepared statement (as SQL, which both insert values and update sets take). */
const ph = (name: string) => sql`${sql.placeholder(name)}`;

/** The row a command gets when it starts. */
export interface CommandStart {
  sessionId: string;
  command: string;
  cwd: string;
  agent?: string | null;
  status: CommandRow["status"];
  startedAt: number;
  startOffset: number;
}

export function insertCommand(db: Db, row: CommandStart): number {
  const stmt = prepared(db, "insertCommand", (d) =>
    d
      .insert(commands)
      .values({
        sessionId: ph("sessionId"),
        command: ph("command"),
        cwd: ph("cwd"),
        agent: ph("agent"),
        status: ph("status"),
        startedAt: ph("startedAt"),
        startOffset: ph("startOffset"),
      })
      .returning({ id: commands.id })
      .prepare(),
  );
  const r = tickWrite(db, () => stmt.get({ ...row, agent: row.agent ?? null, command: redactCommandText(row.command) }));
  return r!.id;
}

export interface CommandEnd {
  status: CommandRow["status"];
  exitCode: number | null;
  endedAt: number;
  durationMs: number;
  endOffset: number;
  rawBytes: number;
  /** The output as stored (output/codec.ts encodeOutput), or null when it could not be. */
  outputZ: Uint8Array | null;
  completionMethod: Completion["method"];
  completionConfidence: Completion["confidence"];
}

export function finishCommand(db: Db, id: number, end: CommandEnd): void {
  const stmt = prepared(db, "finishCommand", (d) =>
    d
      .update(commands)
      .set({
        status: ph("status"),
        exitCode: ph("exitCode"),
        endedAt: ph("endedAt"),
        durationMs: ph("durationMs"),
        endOffset: ph("endOffset"),
        rawBytes: ph("rawBytes"),
        outputZ: ph("outputZ"),
        completionMethod: ph("completionMethod"),
        completionConfidence: ph("completionConfidence"),
      })
      .where(eq(commands.id, ph("id")))
      .prepare(),
  );
  tickWrite(db, () => stmt.run({
    id,
    status: end.status,
    exitCode: end.exitCode,
    endedAt: end.endedAt,
    durationMs: end.durationMs,
    endOffset: end.endOffset,
    rawBytes: end.rawBytes,
    outputZ: end.outputZ ? Buffer.from(end.outputZ.buffer, end.outputZ.byteOffset, end.outputZ.byteLength) : null,
    completionMethod: end.completionMethod,
    completionConfidence: end.completionConfidence,
  }));
}

export function recordCommandTokens(db: Db, id: number, t: { tool: string | null; raw: number; compacted: number }): void {
  const stmt = prepared(db, "recordCommandTokens", (d) =>
    d
      .update(commands)
      .set({ tool: ph("tool"), tokensRaw: ph("raw"), tokensCompacted: ph("compacted") })
      .where(eq(commands.id, ph("id")))
      .prepare(),
  );
  tickWrite(db, () => stmt.run({ id, tool: t.tool, raw: t.raw, compacted: t.compacted }));
}

/** Commands of one session, oldest first (without their stored output). */
export function commandsOf(db: Db, sessionId: string, limit = 1000): Omit<CommandRow, "outputZ">[] {
  const { outputZ: _z, ...cols } = getTableColumns(commands);
  const rows = db
    .select(cols)
    .from(commands)
    .where(eq(commands.sessionId, sessionId))
    .orderBy(desc(commands.id))
    .limit(limit)
    .all();
  return rows.reverse();
}

export function commandCount(db: Db, sessionId: string): number {
  return db.select({ n: sql<number>`count(*)` }).from(commands).where(eq(commands.sessionId, sessionId)).get()?.n ?? 0;
}

export function commandById(db: Db, sessionId: string, id: number): CommandRow | undefined {
  return db.select().from(commands).where(and(eq(commands.sessionId, sessionId), eq(commands.id, id))).get();
}

export function lastCommand(db: Db, sessionId: string): CommandRow | undefined {
  return db.select().from(commands).where(eq(commands.sessionId, sessionId)).orderBy(desc(commands.id)).limit(1).get();
}

/** The stored raw output of a command, or null when it was never stored or retention dropped it. */
export function commandOutput(row: CommandRow): Uint8Array | null {
  return row.outputZ ? decodeOutput(new Uint8Array(row.outputZ)) : null;
}
