import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Each session's conversation history (server/context/conversation.ts): messages with their
 * token counts; a summary message replaces the oldest turns when the history is summarised.
 */
export const conversationMessages = sqliteTable(
  "conversation_messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sessionId: text("session_id").notNull(),
    role: text("role").notNull(),
    content: text("content").notNull(),
    tokens: integer("tokens").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("conversation_messages_session_idx").on(t.sessionId, t.id)],
);
