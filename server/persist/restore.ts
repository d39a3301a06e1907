import { isRedactedValue } from "../security/redact.ts";
import { withoutCodeRunningEnv } from "../security/env-input.ts";
import { existsSync, statSync } from "node:fs";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { commands } from "../../db/schema/core.ts";
import { recordAudit } from "../audit/log.ts";
import { AppError } from "../errors.ts";
import type { PersistServices } from "./services.ts";
import { isAdmin, type Caller } from "../security/auth.ts";
import { requireSessionAccess } from "../security/tokens.ts";
import type { SnapshotDoc } from "./document.ts";
import { CommandStatusSchema, storedCompletion } from "../session/status.ts";
import { latestSnapshot, restorableNames } from "./snapshot.ts";

/**
 * Played after the old scrollback: whatever modes it left on (a full-screen program's alternate
 * screen, a hidden cursor, mouse reporting, a scroll region, colours) are turned off, so the new
 * shell's prompt lands on a normal screen. The text itself stays.
 */
export const TERMINAL_RESET =
  // none of these move the cursor: 1047 (not 1049) leaves the alternate screen without restoring a
  // saved position, and the scroll region is reset between a cursor save and restore
  "\x1b[0m\x1b[?1047l\x1b7\x1b[r\x1b8\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?7h";

/** A session brought back from a snapshot (`ai-session restore`, POST /api/restore). */
export const RestoreResultSchema = z.strictObject({
  name: z.string(),
  id: z.string(),
  pid: z.number().nullable(),
  cwd: z.string(),
  from: z.string().describe("the snapshot or file it came from"),
  commands: z.number().describe("commands of its history carried over"),
  scrollback_bytes: z.number(),
  notes: z.array(z.string()).describe("what could not be restored as it was, and what was done instead"),
});
export type RestoreResult = z.infer<typeof RestoreResultSchema>;

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Copies the snapshot's command history under the new session id, unless it is already there. */
function carryHistory(rt: PersistServices, doc: SnapshotDoc, newId: string): void {
  if (newId === doc.session.id) {
    // Same id, same database: the rows are already the session's. A command still "running" there
    // was cut off by a crash; say so rather than leave it running forever.
    rt.db
      .update(commands)
      .set({ status: "interrupted" })
      .where(and(eq(commands.sessionId, newId), eq(commands.status, "running")))
      .run();
    return;
  }
  const db = rt.db;
  // Only what the snapshot knew: commands run after it was taken belong to the original session.
  const lastId = doc.history.reduce((m, h) => Math.max(m, h.command_id), 0);
  const existing = db.select({ id: commands.id }).from(commands).where(eq(commands.sessionId, doc.session.id)).limit(1).get();
  db.transaction((tx) => {
    if (existing) {
      // Same database, new id: copy the rows (outputs included) so both sessions keep their history.
      tx.run(sql`INSERT INTO commands (session_id, command, cwd, agent, status, exit_code, started_at, ended_at, duration_ms,
           start_offset, end_offset, raw_bytes, output_z, completion_method, completion_confidence, tool, tokens_raw, tokens_compacted)
         SELECT ${newId}, command, cwd, agent, status, exit_code, started_at, ended_at, duration_ms,
           start_offset, end_offset, raw_bytes, output_z, completion_method, completion_confidence, tool, tokens_raw, tokens_compacted
         FROM commands WHERE session_id = ${doc.session.id} AND id <= ${lastId} ORDER BY id`);
      return;
    }
    for (const h of doc.history) {
      // a snapshot from another version may name a status or completion this one does not know: it reads as unknown
      const completion = h.completion_method == null ? null : storedCompletion(h.completion_method, h.completion_confidence);
      tx.insert(commands)
        .values({
          sessionId: newId,
          command: h.command,
          cwd: h.cwd,
          agent: h.agent,
          status: h.status === "running" ? "interrupted" : CommandStatusSchema.catch("unknown").parse(h.status),
          exitCode: h.exit_code,
          startedAt: h.started_at,
          endedAt: h.ended_at,
          durationMs: h.duration_ms,
          startOffset: 0,
          rawBytes: h.raw_bytes,
          outputZ: h.output_b64 ? Buffer.from(h.output_b64, "base64") : null,
          completionMethod: completion?.method ?? null,
          completionConfidence: completion?.confidence ?? null,
          tool: h.tool ?? null,
          tokensRaw: h.tokens_raw ?? null,
          tokensCompacted: h.tokens_compacted ?? null,
        })
        .run();
    }
  });
}

/**
 * Only the variables that differ from what a new shell inherits anyway: the session row then
 * holds the session's own settings, not a copy of the whole environment.
 */
function envDelta(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  // A value redacted when it was saved is not set back as its placeholder text.
  for (const [k, v] of Object.entries(env)) if (process.env[k] !== v && !isRedactedValue(v)) out[k] = v;
  return out;
}

/** The snapshot's own id is reused unless a live session holds it: the history then stays attached as is. */
function reusableId(rt: PersistServices, doc: SnapshotDoc): string | undefined {
  return rt.sessions.list().some((s) => s.id === doc.session.id) ? undefined : doc.session.id;
}

/**
 * Whom a restored session belongs to and which role holds it. The server itself and the owner (or
 * an admin token) acting as no agent restore it as it was; anyone else restores it as itself: under
 * the agent it acts as and its own role (the document's role still applies when the caller has
 * none), never as the agent or without the role the document names. A session-limited token may
 * restore only its sessions, and an agent only a session its role lets it touch.
 */
function restoreStanding(rt: PersistServices, doc: SnapshotDoc, name: string, caller?: Caller): { agent?: string; role?: string } {
  const asSaved = { agent: doc.session.owner_agent ?? undefined, role: doc.session.role ?? undefined };
  if (!caller || isAdmin(caller)) return asSaved;
  requireSessionAccess(caller, name);
  if (name !== doc.session.name) requireSessionAccess(caller, doc.session.name);
  const role = caller.role ?? asSaved.role;
  if (caller.agent && asSaved.agent && asSaved.agent !== caller.agent) {
    // the saved session belongs to another agent: restoring it is touching it
    const saved = { name: doc.session.name, cwd: doc.session.cwd, owner_agent: asSaved.agent, shared: false, role: asSaved.role ?? null };
    rt.sessions.check({ kind: "attach", agent: caller.agent, role: caller.role, session: saved });
  }
  return { agent: caller.agent, role };
}

/**
 * Brings a session back from a snapshot document: a new live shell in the same cwd, environment
 * and size, with the old scrollback shown first and the command history attached. `caller` is who
 * asks (see restoreStanding); without one it is the server's own restore.
 */
export async function restoreDocument(
  rt: PersistServices,
  doc: SnapshotDoc,
  opts: { newName?: string; from: string; caller?: Caller },
): Promise<RestoreResult> {
  const name = opts.newName ?? doc.session.name;
  const standing = restoreStanding(rt, doc, name, opts.caller);
  if (rt.sessions.list().some((s) => s.name === name)) {
    throw new AppError("conflict", `a session named "${name}" is running; kill it first or restore under another name with --name NEW`);
  }
  const notes: string[] = [];
  // gone (a sandboxed session's private TMPDIR ends with it): the manager picks, as for a new
  // session without a directory ($HOME, or where the role lets it work)
  const cwdGone = !isDir(doc.session.cwd);
  let shell: string | undefined = doc.session.shell;
  if (!existsSync(shell)) {
    notes.push(`${shell} is not installed here, used the default shell`);
    shell = undefined;
  }
  const scrollback = Buffer.from(doc.scrollback.data_b64, "base64");
  const banner = Buffer.from(`${TERMINAL_RESET}\r\n\x1b[2m[ai-session: restored from a snapshot of ${doc.created_at}]\x1b[0m\r\n`);
  const seed = new Uint8Array(Buffer.concat([scrollback, banner]));
  let env = envDelta(doc.session.env);
  if (standing.role || standing.agent) {
    // a session under a role never gets variables that make its shell run code by itself
    const kept = withoutCodeRunningEnv(env);
    env = kept.env;
    if (kept.dropped.length) {
      notes.push(`left out ${kept.dropped.join(", ")} from the snapshot's environment: under a role, a variable may not make the shell run code by itself`);
    }
  }
  const id = opts.newName ? undefined : reusableId(rt, doc);
  const session = await rt.sessions.create({
    name,
    cwd: cwdGone ? undefined : doc.session.cwd,
    shell,
    env,
    cols: doc.session.cols,
    rows: doc.session.rows,
    role: standing.role,
    agent: standing.agent,
    id,
    seed,
  });
  const info = session.info();
  const cwd = cwdGone ? info.cwd : doc.session.cwd;
  if (cwdGone) notes.push(`${doc.session.cwd} no longer exists, started in ${cwd}`);
  carryHistory(rt, doc, info.id);
  // No snapshot here: the snapshot restored from stays the newest of this name until the
  // persistence hooks take one (within a second of "session:created"), so a crash in between
  // still finds the session restorable.
  return {
    name: info.name,
    id: info.id,
    pid: info.pid ?? null,
    cwd,
    from: opts.from,
    commands: doc.history.length,
    scrollback_bytes: scrollback.length,
    notes,
  };
}

/** `ai-session restore NAME`: from the newest snapshot of that name. */
export async function restoreByName(rt: PersistServices, name: string, opts: { newName?: string; caller?: Caller } = {}) {
  if (opts.caller) requireSessionAccess(opts.caller, name);
  const { id, doc } = latestSnapshot(rt.db, name);
  return restoreDocument(rt, doc, { ...opts, from: `snapshot ${id}` });
}

/**
 * `serve --restore` and `restore --all`: every session that was live when the server stopped (or
 * crashed) and is not live now. One failure does not stop the others; it is reported in `notes`.
 * Each restore is audited as the server's own action unless `audit: false` (the HTTP route, whose
 * request is audited already). `visible` says which sessions the caller may see (the adapter asks
 * access/sessions.ts); without it, all.
 */
export async function restoreAll(
  rt: PersistServices,
  opts: { audit?: boolean; caller?: Caller; visible?: (name: string) => boolean } = {},
): Promise<RestoreResult[]> {
  const live = new Set(rt.sessions.list().map((s) => s.name));
  const results: RestoreResult[] = [];
  const visible = opts.visible ?? (() => true);
  for (const name of restorableNames(rt.db)) {
    if (live.has(name)) continue;
    // a session-limited caller, or an agent, brings back only the sessions it may see
    if (!visible(name)) continue;
    try {
      const r = await restoreByName(rt, name, { caller: opts.caller });
      results.push(r);
      if (opts.audit !== false) {
        recordAudit(rt.db, { actor: { kind: "server", name: "serve --restore" }, action: "restore", target: name, outcome: "ok", detail: { from: r.from } });
      }
    } catch (err) {
      if (opts.audit !== false) {
        const message = err instanceof Error ? err.message : String(err);
        recordAudit(rt.db, { actor: { kind: "server", name: "serve --restore" }, action: "restore", target: name, outcome: "error", detail: { error: message } });
      }
      results.push({
        name,
        id: "",
        pid: null,
        cwd: "",
        from: "",
        commands: 0,
        scrollback_bytes: 0,
        notes: [`not restored: ${err instanceof Error ? err.message : String(err)}`],
      });
    }
  }
  return results;
}
