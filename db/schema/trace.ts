import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";

/** Decisions agents record: what was decided, the options weighed, the choice and why. */
export const decisions = sqliteTable(
  "decisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    agent: text("agent"),
    session: text("session"),
    what: text("what").notNull(),
    options: text("options", { mode: "json" }).$type<string[]>().notNull().default([]),
    choice: text("choice").notNull(),
    reasoning: text("reasoning"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("decisions_session_idx").on(t.session, t.id)],
);
