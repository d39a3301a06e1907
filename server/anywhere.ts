import { onNode, sessionTarget, splitAddress } from "./cluster-port.ts";
import { AppError } from "./errors.ts";
import { restoreByName } from "./persist/restore.ts";
import type { ROLES } from "./context/conversation.ts";
import type { SessionContexts } from "./context/session-context.ts";
import type { Runtime } from "./runtime.ts";
import type { Caller } from "./security/auth.ts";
import { sessionView } from "./access/sessions.ts";
import { createSession, guardRead } from "./session/operations.ts";

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

/** A session made or brought back on another node (NAME@NODE) is named so in the answer. */
async function addressed<T extends { name: string }>(rt: Runtime, asked: string, r: Promise<T>): Promise<T> {
  const { node } = sessionTarget(rt.cluster, asked);
  const got = await r;
  return node ? { ...got, name: `${got.name}@${node}` } : got;
}

type CreateOptions = Parameters<typeof createSession>[2];
/** What a session is created with that belongs to this node alone and cannot travel to another. */
const LOCAL_ONLY = ["wrapArgv", "agent", "shared"] as const;

/**
 * Creates a session here or, named NAME@NODE, on that node (its directory, shell and role there;
 * its policy decides). Options that hold to this node (resource limits, the occupant agent, sharing)
 * are refused for another node with a sentence saying so, never dropped.
 */
export function createAnywhere(rt: Runtime, caller: Caller, o: CreateOptions) {
  const name = o.name;
  if (name === undefined) return createSession(rt, caller, o);
  const to = sessionTarget(rt.cluster, name);
  if (to.node) {
    const held = LOCAL_ONLY.filter((k) => o[k] !== undefined && o[k] !== false);
    if (held.length) throw new AppError("invalid", `${held.map((k) => (k === "wrapArgv" ? "limits" : k)).join(", ")} cannot be set for a session on node ${to.node}: create it without, or from that node`);
  }
  const { name: _n, wrapArgv: _w, agent: _a, shared: _s, ...args } = o;
  return addressed(rt, name, onNode(rt.cluster, caller, name, "create", args, (s) => createSession(rt, caller, { ...o, name: s })));
}

/**
 * Brings a session back from its newest snapshot, here or on its node (NAME@NODE); the new name,
 * if any, is on the same node (NAME or NAME@THAT-NODE).
 */
export function restoreAnywhere(rt: Runtime, caller: Caller, name: string, newName?: string) {
  const node = sessionTarget(rt.cluster, name).node;
  const to = newName === undefined || !rt.cluster ? undefined : splitAddress(newName);
  // NAME@THIS-NODE names this node: as wrong for a snapshot of another node as any other node
  const where = node ?? rt.cluster?.status().node;
  if (to?.node !== undefined && to.node !== where) throw new AppError("invalid", `"${name}" is restored on ${node ? `node ${node}` : "this node"}: its new name cannot be on node ${to.node}`);
  const plainNew = to ? to.session : newName;
  return addressed(rt, name, onNode(rt.cluster, caller, name, "restore", { new_name: plainNew }, (s) => restoreByName(rt, s, { newName: plainNew, caller })));
}
