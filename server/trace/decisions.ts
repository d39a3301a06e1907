import { and, desc, eq, gte } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { decisions } from "../../db/schema/trace.ts";
import { AppError } from "../errors.ts";

export interface DecisionInput {
  what: string;
  options?: string[];
  choice: string;
  reasoning?: string;
  agent?: string | null;
  session?: string | null;
}

export interface Decision {
  id: number;
  time: number;
  agent: string | null;
  session: string | null;
  what: string;
  options: string[];
  choice: string;
  reasoning: string | null;
}

/** record_decision: what was decided, the options weighed, the choice and why. */
export function recordDecision(db: Db, d: DecisionInput): Decision {
  if (!d.what.trim()) throw new AppError("invalid", "a decision needs a what (the question decided)");
  if (!d.choice.trim()) throw new AppError("invalid", "a decision needs a choice");
  const options = d.options ?? [];
  if (options.length && !options.includes(d.choice)) options.push(d.choice);
  const time = Date.now();
  const row = db
    .insert(decisions)
    .values({ agent: d.agent ?? null, session: d.session ?? null, what: d.what, options, choice: d.choice, reasoning: d.reasoning ?? null, createdAt: time })
    .returning({ id: decisions.id })
    .get();
  return { id: row.id, time, agent: d.agent ?? null, session: d.session ?? null, what: d.what, options, choice: d.choice, reasoning: d.reasoning ?? null };
}

export function listDecisions(db: Db, q: { agent?: string; session?: string; since?: number; limit?: number } = {}): Decision[] {
  const rows = db
    .select()
    .from(decisions)
    .where(and(q.agent ? eq(decisions.agent, q.agent) : undefined, q.session ? eq(decisions.session, q.session) : undefined, q.since ? gte(decisions.createdAt, q.since) : undefined))
    .orderBy(desc(decisions.id))
    .limit(q.limit ?? 200)
    .all();
  return rows.reverse().map((r) => ({ id: r.id, time: r.createdAt, agent: r.agent, session: r.session, what: r.what, options: r.options, choice: r.choice, reasoning: r.reasoning }));
}
