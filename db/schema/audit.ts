import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";

/**
 * The audit log: one row per state-changing action (create, exec, send, kill, restore, migrate,
 * token use). Append-only: triggers in the migration refuse UPDATE and DELETE.
 */
export const audit = sqliteTable(
  "audit",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    time: integer("time").notNull(),
    /** "owner" (CLI / Unix socket), "token" (named API token), "server" (the server itself) */
    actorKind: text("actor_kind").notNull(),
    /** token name, "owner", or "server" */
    actorName: text("actor_name").notNull(),
    agent: text("agent"),
    action: text("action").notNull(),
    target: text("target"),
    outcome: text("outcome").$type<"ok" | "denied" | "error">().notNull(),
    detail: text("detail"),
  },
  (t) => [index("audit_time_idx").on(t.time)],
);
