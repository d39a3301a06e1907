import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Scoped API tokens (`ai-session token create`). Only the SHA-256 of a token is kept: the secret is
 * shown once, at creation. A revoked token keeps its row (revoked_at set) so the audit trail names it.
 */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** hex SHA-256 of the whole token string */
    hash: text("hash").notNull(),
    /** the first characters of the token, safe to show in `token list` */
    prefix: text("prefix").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<Array<"read" | "exec" | "admin">>().notNull(),
    /** session names the token may touch; null means every session */
    sessions: text("sessions", { mode: "json" }).$type<string[] | null>(),
    /** role the caller acts as (its policy applies), if any */
    role: text("role"),
    /** the one agent this token acts as, if any (a non-admin token acts as no other) */
    agent: text("agent"),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_tokens_hash_idx").on(t.hash)],
);
