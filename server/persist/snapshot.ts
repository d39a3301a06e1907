import { and, desc, eq, inArray, isNull, lt, notInArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { snapshots } from "../../db/schema/persist.ts";
import { AppError } from "../errors.ts";
import type { PersistServices } from "./services.ts";
import { redactCommandText, redactEnv, redactionEnabled, redactTerminalBytes } from "../security/redact.ts";
import type { Session } from "../session/session.ts";
import {
  documentFromFileText,
  documentToFileText,
  openDocument,
  sealDocument,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type SnapshotDoc,
} from "./document.ts";
import { recentCommands } from "./history.ts";
import { envSettled, liveCwd, liveEnv, screenOf, scrollbackOf, type ScreenState } from "./session-state.ts";

/** Automatic snapshots (and shutdown ones) kept per session name; manual ones are all kept. */
const AUTO_KEEP = 3;
const AUTO_REASONS = ["command", "interval", "restore", "shutdown"];
/** Scrollback carried by a snapshot: the newest 2 MB (about 20,000 lines), so a restore replays it fast. */
export const SNAPSHOT_SCROLLBACK_BYTES = 2 * 1024 * 1024;

export type SnapshotReason = "manual" | "command" | "interval" | "shutdown" | "restore";

/** A stored snapshot as taking one and listing them show it. */
export const SnapshotSummarySchema = z.strictObject({
  id: z.number(),
  name: z.string(),
  session_id: z.string(),
  created_at: z.string().describe("ISO 8601"),
  reason: z.string().describe("manual, command, interval, shutdown or restore"),
  bytes: z.number().describe("size of the stored document"),
  cwd: z.string(),
  commands: z.number(),
  scrollback_bytes: z.number(),
});
export type SnapshotSummary = z.infer<typeof SnapshotSummarySchema>;
/** What taking a snapshot answers; with `document: true`, the snapshot file's text too. */
export const SnapshotAnswerSchema = SnapshotSummarySchema.extend({ file_text: z.string().optional() });
export type SnapshotAnswer = z.infer<typeof SnapshotAnswerSchema>;
/** A stored snapshot as the listing shows it (GET /api/snapshots), without opening its document. */
export const StoredSnapshotSchema = SnapshotSummarySchema.pick({ id: true, name: true, session_id: true, created_at: true, reason: true, bytes: true })
  .extend({ retired: z.boolean().describe("its session ended by choice: not restored automatically") })
  .strict();
export type StoredSnapshot = z.infer<typeof StoredSnapshotSchema>;

/** The last screen seen per session, for snapshots that cannot wait for the emulator (shutdown). */
const lastScreens = new Map<string, ScreenState>();

/**
 * Reads everything a restore needs from a live session. Synchronous, so shutdown can rely on it;
 * the screen is the one given, else the last one captured (`captureSessionAsync` takes a fresh one).
 */
export function captureSession(rt: PersistServices, session: Session, reason: SnapshotReason, screen?: ScreenState | null): SnapshotDoc {
  const info = session.info();
  const shown = screen ?? lastScreens.get(info.id) ?? { text: "", cols: info.cols, rows: info.rows, cursor: { x: 0, y: 0 } };
  if (screen) lastScreens.set(info.id, screen);
  const sb = scrollbackOf(session, SNAPSHOT_SCROLLBACK_BYTES);
  // With redaction on (the default) nothing a snapshot stores keeps a secret: not the scrollback,
  // the screen, the command lines, nor the values of secret-looking variables.
  const redact = redactionEnabled();
  const data = redact ? redactTerminalBytes(sb.data) : sb.data;
  const history = recentCommands(rt.db, info.id);
  if (redact) for (const h of history) h.command = redactCommandText(h.command, true);
  const screenShown = redact ? { ...shown, text: redactCommandText(shown.text, true) } : shown;
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    created_at: new Date().toISOString(),
    reason,
    session: {
      id: info.id,
      name: info.name,
      shell: info.shell,
      cwd: liveCwd(session),
      env: redactEnv(liveEnv(session), redact),
      cols: info.cols,
      rows: info.rows,
      role: info.role ?? null,
      owner_agent: info.owner_agent ?? null,
      created_at: Date.parse(info.created_at) || Date.now(),
    },
    history,
    scrollback: {
      data_b64: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64"),
      start_offset: sb.start,
      end_offset: sb.end,
      dropped: sb.start,
    },
    screen: screenShown,
  };
}

export async function captureSessionAsync(rt: PersistServices, session: Session, reason: SnapshotReason): Promise<SnapshotDoc> {
  const [screen] = await Promise.all([screenOf(session), envSettled(session, rt.db)]);
  return captureSession(rt, session, reason, screen);
}

export function forgetScreen(sessionId: string): void {
  lastScreens.delete(sessionId);
}

function summaryOf(id: number, bytes: number, doc: SnapshotDoc): SnapshotSummary {
  return {
    id,
    name: doc.session.name,
    session_id: doc.session.id,
    created_at: doc.created_at,
    reason: doc.reason,
    bytes,
    cwd: doc.session.cwd,
    commands: doc.history.length,
    scrollback_bytes: Math.floor((doc.scrollback.data_b64.length * 3) / 4),
  };
}

/** A full disk or read-only database becomes one clear sentence; the transaction left nothing behind. */
function withStorageErrors<T>(db: Db, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const code = String((err as { code?: unknown }).code ?? "");
    const where = db.$client.filename;
    if (code.startsWith("SQLITE_FULL")) {
      throw new AppError("unavailable", `cannot save the snapshot: the disk holding ${where} is full (free some space and try again)`);
    }
    if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_IOERR")) {
      throw new AppError("unavailable", `cannot save the snapshot: ${where} cannot be written (${code}); check the data directory's permissions and free space`);
    }
    throw err;
  }
}

/** Stores a document; older automatic snapshots of the same name beyond the newest few are pruned. */
export function saveDocument(db: Db, doc: SnapshotDoc): SnapshotSummary {
  const sealed = sealDocument(doc);
  const id = withStorageErrors(db, () => db.transaction((tx) => {
    const row = tx
      .insert(snapshots)
      .values({
        sessionId: doc.session.id,
        name: doc.session.name,
        createdAt: Date.parse(doc.created_at),
        reason: doc.reason,
        formatVersion: doc.version,
        data: Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength),
        bytes: sealed.length,
      })
      .returning({ id: snapshots.id })
      .get();
    const keep = tx
      .select({ id: snapshots.id })
      .from(snapshots)
      .where(and(eq(snapshots.name, doc.session.name), inArray(snapshots.reason, AUTO_REASONS)))
      .orderBy(desc(snapshots.id))
      .limit(AUTO_KEEP)
      .all()
      .map((r) => r.id);
    if (keep.length === AUTO_KEEP) {
      tx.delete(snapshots)
        .where(
          and(
            eq(snapshots.name, doc.session.name),
            inArray(snapshots.reason, AUTO_REASONS),
            notInArray(snapshots.id, keep),
            lt(snapshots.id, row.id),
          ),
        )
        .run();
    }
    return row.id;
  }));
  return summaryOf(id, sealed.length, doc);
}

/** `ai-session snapshot NAME`: captures and stores the live session; optionally returns the file text. */
export async function snapshotSession(
  rt: PersistServices,
  name: string,
  opts: { reason?: SnapshotReason; withFile?: boolean } = {},
): Promise<SnapshotAnswer> {
  const session = rt.sessions.get(name); // throws not_found with the way out
  session.assertAlive();
  const doc = await captureSessionAsync(rt, session, opts.reason ?? "manual");
  const summary = saveDocument(rt.db, doc);
  return opts.withFile ? { ...summary, file_text: documentToFileText(doc) } : summary;
}

/** The newest snapshot of a name, decoded; a clear error when there is none. */
export function latestSnapshot(db: Db, name: string): { id: number; doc: SnapshotDoc } {
  const row = db.select().from(snapshots).where(eq(snapshots.name, name)).orderBy(desc(snapshots.id)).limit(1).get();
  if (!row) throw new AppError("not_found", `no snapshot of a session named "${name}" (ai-session snapshot --list shows them)`);
  return { id: row.id, doc: openDocument(new Uint8Array(row.data), `snapshot ${row.id} of "${name}"`) };
}

export function snapshotFromFile(text: string, file: string): SnapshotDoc {
  return documentFromFileText(text, file);
}

export function listSnapshots(db: Db, name?: string): StoredSnapshot[] {
  return db
    .select({
      id: snapshots.id,
      name: snapshots.name,
      session_id: snapshots.sessionId,
      created_at: snapshots.createdAt,
      reason: snapshots.reason,
      bytes: snapshots.bytes,
      retired: sql<number>`${snapshots.retiredAt} is not null`,
    })
    .from(snapshots)
    .where(name ? eq(snapshots.name, name) : undefined)
    .orderBy(desc(snapshots.id))
    .limit(500)
    .all()
    .map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString(), retired: !!r.retired }));
}

/** Marks a name's snapshots as belonging to a session that ended by choice (not to be auto-restored). */
export function retireSnapshots(db: Db, sessionId: string): void {
  db.update(snapshots).set({ retiredAt: Date.now() }).where(and(eq(snapshots.sessionId, sessionId), isNull(snapshots.retiredAt))).run();
}

/** Names whose newest snapshot belongs to a session that was live when the server stopped. */
export function restorableNames(db: Db): string[] {
  const rows = db
    .select({ name: snapshots.name, retired: snapshots.retiredAt, id: sql<number>`max(${snapshots.id})` })
    .from(snapshots)
    .groupBy(snapshots.name)
    .all();
  const newest = rows.map((r) => r.id);
  if (!newest.length) return [];
  return db
    .select({ name: snapshots.name })
    .from(snapshots)
    .where(and(inArray(snapshots.id, newest), isNull(snapshots.retiredAt)))
    .all()
    .map((r) => r.name);
}
