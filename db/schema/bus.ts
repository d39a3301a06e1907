import { sql } from "drizzle-orm";
import { sqliteTable, text, integer, index, primaryKey } from "drizzle-orm/sqlite-core";

/** Registered agents: who they are, what they may do (role) and what they are good at (capabilities). */
export const agents = sqliteTable("agents", {
  name: text("name").primaryKey(),
  role: text("role").notNull(),
  capabilities: text("capabilities", { mode: "json" }).$type<string[]>().notNull().default([]),
  topics: text("topics", { mode: "json" }).$type<string[]>().notNull().default([]),
  /** Directory `$WORKSPACE` stands for in the role's allowed directories. */
  workspace: text("workspace"),
  /** Session the agent runs in; its inbox is typed into it when it is idle. */
  session: text("session"),
  delivery: text("delivery").$type<"idle" | "eager" | "none">().notNull().default("idle"),
  registeredAt: integer("registered_at").notNull(),
  lastSeenAt: integer("last_seen_at").notNull(),
});

/**
 * Every bus message, for history and the dashboard's traffic view. Written in batches. `id` is
 * "<boot>-<seq>" and not indexed (replies are matched in memory; seq is the key).
 */
export const busMessages = sqliteTable(
  "bus_messages",
  {
    seq: integer("seq").primaryKey(),
    id: text("id").notNull(),
    type: text("type").notNull(),
    sender: text("sender").notNull(),
    toAgent: text("to_agent"),
    topic: text("topic"),
    broadcast: integer("broadcast", { mode: "boolean" }).notNull().default(false),
    correlationId: text("correlation_id"),
    payload: text("payload").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("bus_messages_to_idx").on(t.toAgent, t.seq).where(sql`${t.toAgent} IS NOT NULL`),
    index("bus_messages_topic_idx").on(t.topic, t.seq).where(sql`${t.topic} IS NOT NULL`),
  ],
);

/** Messages waiting in an agent's inbox until it acknowledges them (at-least-once delivery). */
export const busInbox = sqliteTable(
  "bus_inbox",
  {
    agent: text("agent").notNull(),
    seq: integer("seq").notNull(),
    messageId: text("message_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.agent, t.seq] })],
);

/** The task queue: who may take a task, who holds it (with a lease), and how it ended. */
export const tasks = sqliteTable(
  "tasks",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    description: text("description"),
    role: text("role"),
    capability: text("capability"),
    priority: integer("priority").notNull().default(0),
    dependsOn: text("depends_on", { mode: "json" }).$type<string[]>().notNull().default([]),
    status: text("status").$type<"queued" | "assigned" | "running" | "done" | "failed" | "cancelled">().notNull(),
    assignee: text("assignee"),
    leaseMs: integer("lease_ms").notNull(),
    leaseExpiresAt: integer("lease_expires_at"),
    attempts: integer("attempts").notNull().default(0),
    progress: integer("progress"),
    progressNote: text("progress_note"),
    result: text("result"),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** The cluster task this one became when its node joined a cluster (it is cancelled here then). */
    movedTo: text("moved_to"),
  },
  (t) => [index("tasks_status_idx").on(t.status, t.priority)],
);

/** Shared knowledge: every version of every key is kept; the highest version is the current one. */
export const knowledge = sqliteTable(
  "knowledge",
  {
    key: text("key").notNull(),
    version: integer("version").notNull(),
    value: text("value", { mode: "json" }).$type<unknown>(),
    deleted: integer("deleted", { mode: "boolean" }).notNull().default(false),
    scope: text("scope", { mode: "json" }).$type<{ kind: "all" | "role" | "agents"; names: string[] }>().notNull(),
    updatedBy: text("updated_by"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.version] })],
);
