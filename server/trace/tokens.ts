import type { Db } from "../../db/client.ts";

export interface TokenRow {
  key: string;
  commands: number;
  raw: number;
  compacted: number;
  saved: number;
  saved_pct: number;
}

export interface TokenMetrics {
  total: TokenRow;
  by_session: TokenRow[];
  by_agent: TokenRow[];
  by_tool: TokenRow[];
}

type Agg = { key: string | null; commands: number; raw: number | null; compacted: number | null };

function row(r: Agg, fallback: string): TokenRow {
  const raw = r.raw ?? 0;
  const compacted = r.compacted ?? 0;
  const saved = Math.max(0, raw - compacted);
  return { key: r.key ?? fallback, commands: r.commands, raw, compacted, saved, saved_pct: raw ? Math.round((saved / raw) * 1000) / 10 : 0 };
}

/** Tokens per session, agent and tool, from the commands table (raw output vs what agents were given). */
export function tokenMetrics(db: Db, q: { session?: string; since?: number } = {}): TokenMetrics {
  const sqlite = db.$client;
  const where: string[] = ["c.tokens_raw IS NOT NULL"];
  const args: (string | number)[] = [];
  if (q.session) where.push("(s.name = ? OR c.session_id = ?)"), args.push(q.session, q.session);
  if (q.since) where.push("c.started_at >= ?"), args.push(q.since);
  const by = (key: string) =>
    sqlite
      .query<Agg, (string | number)[]>(
        `SELECT ${key} AS key, COUNT(*) AS commands, SUM(c.tokens_raw) AS raw, SUM(COALESCE(c.tokens_compacted, c.tokens_raw)) AS compacted
         FROM commands c LEFT JOIN sessions s ON s.id = c.session_id WHERE ${where.join(" AND ")} GROUP BY 1 ORDER BY raw DESC`,
      )
      .all(...args);
  const total = by("'all'")[0] ?? { key: "all", commands: 0, raw: 0, compacted: 0 };
  return {
    total: row(total, "all"),
    by_session: by("COALESCE(s.name, c.session_id)").map((r) => row(r, "?")),
    by_agent: by("c.agent").map((r) => row(r, "(none)")),
    by_tool: by("c.tool").map((r) => row(r, "(unknown)")),
  };
}
