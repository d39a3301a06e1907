import { sqliteTable, text, integer, blob, index } from "drizzle-orm/sqlite-core";

/**
 * Session snapshots: everything needed to bring a session back (cwd, env, size, history,
 * scrollback, screen) as one versioned JSON document, gzip-compressed and encrypted at rest when
 * a key is set. The newest row per name is what `restore NAME` uses.
 */
export const snapshots = sqliteTable(
  "snapshots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sessionId: text("session_id").notNull(),
    name: text("name").notNull(),
    createdAt: integer("created_at").notNull(),
    /** "manual" | "command" (after a command ended) | "interval" | "shutdown" | "restore" */
    reason: text("reason").notNull(),
    formatVersion: integer("format_version").notNull(),
    /** encoded snapshot document: gzip of the JSON, then the AES-GCM envelope when a key is set */
    data: blob("data", { mode: "buffer" }).notNull(),
    bytes: integer("bytes").notNull(),
    /** set when the session ended by choice (kill, exit): `serve --restore` then leaves it alone */
    retiredAt: integer("retired_at"),
  },
  (t) => [index("snapshots_name_idx").on(t.name, t.id), index("snapshots_session_idx").on(t.sessionId, t.id)],
);
