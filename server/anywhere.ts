import { onNode } from "./cluster-port.ts";
import type { ROLES } from "./context/conversation.ts";
import type { SessionContexts } from "./context/session-context.ts";
import type { Runtime } from "./runtime.ts";
import type { Caller } from "./security/auth.ts";
import { sessionView } from "./access/sessions.ts";
import { guardRead } from "./session/operations.ts";

/**
 * A session's analysis, context, conversation and details wherever it runs: here, or on its node
 * when it is named NAME@NODE of another node (a request there, answered by the `local…` function
 * of the same name). REST, MCP and the node answering another node's request all call these, so
 * each behaves the same through every adapter.
 */

type Contexts = Pick<SessionContexts, "analysis" | "context" | "conversations">;
type Role = (typeof ROLES)[number];

export const localAnalysis = (rt: Runtime, caller: Caller, contexts: Contexts, session: string, commandId?: number) => {
  guardRead(rt, caller, session);
  return contexts.analysis(session, commandId);
};

export const localContext = (rt: Runtime, caller: Caller, contexts: Contexts, session: string, o: { maxTokens?: number; lines?: number }) => {
  guardRead(rt, caller, session);
  return contexts.context(session, o);
};

function conversationIn(rt: Runtime, caller: Caller, contexts: Contexts, session: string) {
  guardRead(rt, caller, session);
  return contexts.conversations.of(rt.sessions.idOf(session));
}

export const localConversation = (rt: Runtime, caller: Caller, contexts: Contexts, session: string) => {
  const conv = conversationIn(rt, caller, contexts, session);
  return { status: conv.status(), messages: conv.messages() };
};

export const localConverse = (rt: Runtime, caller: Caller, contexts: Contexts, session: string, m: { role: Role; content: string }) => {
  const conv = conversationIn(rt, caller, contexts, session);
  const message = conv.add(m.role, m.content);
  const summary = conv.keepWithinBudget();
  return { message, summary, status: conv.status() };
};

export const localSummarize = (rt: Runtime, caller: Caller, contexts: Contexts, session: string, o: { keepRecent?: number; targetTokens?: number }) => {
  const conv = conversationIn(rt, caller, contexts, session);
  const summary = conv.summarizeOldest(o);
  return { summary, status: conv.status() };
};

/** The analysis of a session's last (or given) command. */
export function analysisOf(rt: Runtime, caller: Caller, contexts: Contexts, name: string, commandId?: number) {
  return onNode(rt.cluster, caller, name, "analysis", { command_id: commandId }, (s) => localAnalysis(rt, caller, contexts, s, commandId));
}

/** A session's AI context within a token budget. */
export function contextOf(rt: Runtime, caller: Caller, contexts: Contexts, name: string, o: { maxTokens?: number; lines?: number }) {
  return onNode(rt.cluster, caller, name, "context", { ...o }, (s) => localContext(rt, caller, contexts, s, o));
}

/** A session's conversation history with its token status. */
export function conversationOf(rt: Runtime, caller: Caller, contexts: Contexts, name: string) {
  return onNode(rt.cluster, caller, name, "conversation", {}, (s) => localConversation(rt, caller, contexts, s));
}

/** Adds a message to a session's conversation (its oldest turns summarised near the limit). */
export function converse(rt: Runtime, caller: Caller, contexts: Contexts, name: string, m: { role: Role; content: string }) {
  return onNode(rt.cluster, caller, name, "converse", { ...m }, (s) => localConverse(rt, caller, contexts, s, m));
}

/** Summarises the oldest turns of a session's conversation. */
export function summarizeConversation(rt: Runtime, caller: Caller, contexts: Contexts, name: string, o: { keepRecent?: number; targetTokens?: number }) {
  return onNode(rt.cluster, caller, name, "summarize", { ...o }, (s) => localSummarize(rt, caller, contexts, s, o));
}

/** A session's details (as GET /api/sessions/NAME answers). */
export function sessionDetails(rt: Runtime, caller: Caller, name: string) {
  return onNode(rt.cluster, caller, name, "info", {}, (s) => sessionView(rt, s));
}
