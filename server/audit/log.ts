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

/** Appends one entry. Never throws into the caller's path: a failed write is reported on stderr. */
export function recordAudit(db: Db, entry: AuditEntry): void {
  const detail =
    entry.detail == null ? null : typeof entry.detail === "string" ? entry.detail : JSON.stringify(entry.detail);
  try {
    const stmt = prepared(db, "recordAudit", (d) =>
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
    tickWrite(db, () => stmt.run({
      time: entry.time ?? Date.now(),
      actorKind: entry.actor.kind,
      actorName: entry.actor.name,
      agent: entry.agent ?? null,
      action: entry.action,
      target: entry.target ?? null,
      outcome: entry.outcome,
      detail,
    }));
  } catch (err) {
    console.error(`audit: could not record ${entry.action}: ${err instanceof Error ? err.message : err}`);
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
