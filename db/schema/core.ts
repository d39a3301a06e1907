import { sqliteTable, text, integer, blob, index } from "drizzle-orm/sqlite-core";
import { COMPLETION_CONFIDENCES, COMPLETION_METHODS, type CommandStatus, type StoredSessionStatus } from "../../server/session/status.ts";

/** Every session ever created. A name is unique among live sessions; killed ones keep their rows. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    shell: text("shell").notNull(),
    cwd: text("cwd").notNull(),
    env: text("env", { mode: "json" }).$type<Record<string, string>>().notNull().default({}),
    cols: integer("cols").notNull(),
    rows: integer("rows").notNull(),
    pid: integer("pid"),
    status: text("status").$type<StoredSessionStatus>().notNull(),
    ownerAgent: text("owner_agent"),
    role: text("role"),
    shared: integer("shared", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    endedAt: integer("ended_at"),
    exitCode: integer("exit_code"),
  },
  (t) => [index("sessions_name_idx").on(t.name)],
);

/** One row per exec: what ran, where, how it ended, and its raw output (gzip). */
export const commands = sqliteTable(
  "commands",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sessionId: text("session_id").notNull(),
    command: text("command").notNull(),
    cwd: text("cwd").notNull(),
    agent: text("agent"),
    status: text("status").$type<CommandStatus>().notNull(),
    exitCode: integer("exit_code"),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at"),
    durationMs: integer("duration_ms"),
    startOffset: integer("start_offset").notNull(),
    endOffset: integer("end_offset"),
    rawBytes: integer("raw_bytes").notNull().default(0),
    /** gzip of the raw output bytes (markers removed); null while running or once retention dropped it */
    outputZ: blob("output_z", { mode: "buffer" }),
    /** how the end was decided (server/session/status.ts); null while running; read back through storedCompletion */
    completionMethod: text("completion_method", { enum: COMPLETION_METHODS }),
    completionConfidence: text("completion_confidence", { enum: COMPLETION_CONFIDENCES }),
    tool: text("tool"),
    tokensRaw: integer("tokens_raw"),
    tokensCompacted: integer("tokens_compacted"),
  },
  (t) => [index("commands_session_idx").on(t.sessionId, t.id)],
);
