/** Reads and writes of conversation messages (db/schema/context.ts). */
import { and, asc, eq, lte } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { conversationMessages } from "../../db/schema.ts";
import type { Message, Role } from "./conversation.ts";

export interface ConversationStore {
  load(): Message[];
  insert(m: Omit<Message, "id">): number;
  /** Replaces every message up to and including `lastId` with `summary`; returns the summary's id. */
  replaceUpTo(lastId: number, summary: Omit<Message, "id">): number;
}

export function sqliteConversationStore(db: Db, sessionId: string): ConversationStore {
  const t = conversationMessages;
  const insert = (m: Omit<Message, "id">) =>
    Number(db.insert(t).values({ sessionId, role: m.role, content: m.content, tokens: m.tokens, at: m.at }).returning({ id: t.id }).get().id);
  return {
    load: () =>
      db
        .select()
        .from(t)
        .where(eq(t.sessionId, sessionId))
        .orderBy(asc(t.id))
        .all()
        .map((r) => ({ id: r.id, role: r.role as Role, content: r.content, tokens: r.tokens, at: r.at })),
    insert,
    replaceUpTo: (lastId, summary) =>
      db.transaction(() => {
        db.delete(t).where(and(eq(t.sessionId, sessionId), lte(t.id, lastId))).run();
        // The summary takes the place of the oldest turns: give it an id before the kept messages.
        const id = Number(db.insert(t).values({ id: lastId, sessionId, role: summary.role, content: summary.content, tokens: summary.tokens, at: summary.at }).returning({ id: t.id }).get().id);
        return id;
      }),
  };
}
