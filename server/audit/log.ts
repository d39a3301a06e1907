import { and, desc, eq, gte, sql } from "drizzle-orm";
import { prepared, tickWrite, type Db } from "../../db/client.ts";
import { audit } from "../../db/schema/audit.ts";
import { AppError } from "../errors.ts";

export type AuditOutcome = "ok" | "denied" | "error";

/** One state-changing action: who did what to which thing, and how it ended. */
export interface AuditEntry {
  time?: number;
  actor: { kind: string; name: string };
  agent?: string | null;
  action: string;
  target?: string | null;
  outcome: AuditOutcome;
  detail?: string | Record<string, unknown> | null;
}

export interface AuditRecord {
  id: number;
  time: string;
  actor_kind: string;
  actor_name: string;
  agent: string | null;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  detail: string | null;
}

function insertEntry(db: Db) {
  return prepared(db, "recordAudit", (d) =>
    d
      .insert(audit)
      .values({
        time: sql.placeholder("time"),
        actorKind: sql.placeholder("actorKind"),
        actorName: sql.placeholder("actorName"),
        agent: sql.placeholder("agent"),
        action: sql.placeholder("action"),
        target: sql.placeholder("target"),
        outcome: sql.placeholder("outcome"),
        detail: sql.placeholder("detail"),
      })
      .prepare(),
  );
}

function rowOf(entry: AuditEntry) {
  const detail = entry.detail == null ? null : typeof entry.detail === "string" ? entry.detail : JSON.stringify(entry.detail);
  return {
    time: entry.time ?? Date.now(),
    actorKind: entry.actor.kind,
    actorName: entry.actor.name,
    agent: entry.agent ?? null,
    action: entry.action,
    target: entry.target ?? null,
    outcome: entry.outcome,
    detail,
  };
}

/**
 * The audit log fails closed: a state-changing action first makes sure the log can take its entry
 * (an entry written and rolled back at once), and is refused (`unavailable`) when it cannot, so
 * nothing is done that the log would miss.
 */
export function requireAuditWritable(db: Db, entry: AuditEntry): void {
  const sqlite = db.$client;
  try {
    // inside the turn's transaction (which the action's own writes join): no commit of its own
    tickWrite(db, () => {
      sqlite.exec("SAVEPOINT audit_probe");
      try {
        insertEntry(db).run(rowOf(entry));
      } finally {
        sqlite.exec("ROLLBACK TO audit_probe");
        sqlite.exec("RELEASE audit_probe");
      }
    });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new AppError("unavailable", `the audit log cannot be written (${why}), so "${entry.action}" was refused, as every change is until it can`);
  }
}

/**
 * Appends one entry once the action has run (requireAuditWritable checked before that it can).
 * Never throws into the caller's path, whose action is done: a write that fails even so is
 * reported on the server's stderr (its log) with what was not recorded.
 */
export function recordAudit(db: Db, entry: AuditEntry): void {
  try {
    const stmt = insertEntry(db);
    tickWrite(db, () => stmt.run(rowOf(entry)));
  } catch (err) {
    console.error(`audit: could not record ${entry.action} on ${entry.target ?? "the server"} by ${entry.actor.name}: ${err instanceof Error ? err.message : err}`);
  }
}

/** Accepts "30s", "15m", "2h", "7d", an ISO date, or milliseconds since the epoch. */
export function parseSince(value: string, now = Date.now()): number {
  const v = value.trim();
  const rel = /^(\d+)\s*(s|m|h|d)$/.exec(v);
  if (rel) return now - Number(rel[1]) * { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[rel[2] as "s"];
  if (/^\d{10,}$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new AppError("invalid", `cannot read --since "${value}" (use 15m, 2h, 7d or an ISO date)`);
  return t;
}

/** Entries oldest first; `limit` keeps the newest ones. */
export function listAudit(
  db: Db,
  opts: { since?: number; limit?: number; action?: string; agent?: string } = {},
): AuditRecord[] {
  const where = and(
    opts.since != null ? gte(audit.time, opts.since) : undefined,
    opts.action ? eq(audit.action, opts.action) : undefined,
    opts.agent ? eq(audit.agent, opts.agent) : undefined,
  );
  const rows = db
    .select()
    .from(audit)
    .where(where)
    .orderBy(desc(audit.id))
    .limit(opts.limit ?? 1000)
    .all();
  return rows.reverse().map((r) => ({
    id: r.id,
    time: new Date(r.time).toISOString(),
    actor_kind: r.actorKind,
    actor_name: r.actorName,
    agent: r.agent,
    action: r.action,
    target: r.target,
    outcome: r.outcome,
    detail: r.detail,
  }));
}
