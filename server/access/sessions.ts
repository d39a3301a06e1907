import { checkSessionAccess } from "../roles/policy.ts";
import { AppError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import type { Session, SessionInfo } from "../session/session.ts";
import type { SessionStatus } from "../bus/agent-status.ts";
import { isAdmin, type Caller, type Scope } from "../security/auth.ts";
import { canTouchSession, type ScopedCaller } from "../security/tokens.ts";

/**
 * What a route or a WebSocket operation declares about who may call it. Routes state it where they
 * are registered (server/routes/access.ts `allow`); the check runs on what the router matched (its
 * decoded path parameters, the parsed query and body), so no spelling of a URL reaches a handler
 * without it.
 */
export interface Access {
  /** `public`: no token (the dashboard's files); otherwise the scope a token needs (admin has all). */
  scope: Scope | "public";
  /**
   * Where the route names the one session it reads or acts on. The session then goes through the
   * ownership check (`requireSessionVisible`) whenever it is named. `required: "limited"`: a token
   * held to some sessions must name one (a cross-session read narrowed by `?session=`, a create).
   */
  session?: { param: string } | { query: string; required?: "limited" } | { body: string; required?: "limited" };
  /**
   * The route answers about many sessions: `filtered` (the handler shows only what the caller may
   * see, through `sessionVisibility`), `feed` (a live feed about every session: filtered for agents,
   * refused to a token held to some sessions).
   */
  across?: "filtered" | "feed";
  /** A WebSocket's client frames, each an operation with the scope it needs (like its HTTP twin). */
  frames?: Record<string, Scope>;
}

/** What the ownership check knows about a session (live, or its newest row once it ended). */
export interface SessionFacts {
  name: string;
  owner_agent?: string | null;
  shared?: boolean | null;
}

/** The live session of that name, else its newest database row; undefined when there never was one. */
export function sessionFacts(rt: Runtime, name: string): SessionFacts | undefined {
  if (rt.sessions.has(name)) {
    const c = rt.sessions.get(name).config;
    return { name, owner_agent: c.agent ?? null, shared: c.shared ?? false };
  }
  const row = rt.sessions.rowByName(name);
  return row ? { name, owner_agent: row.ownerAgent, shared: row.shared } : undefined;
}

/**
 * The one ownership check: why this caller may not see or use the session, or null when it may.
 * A token held to some sessions sees only those. A caller acting as an agent sees sessions no agent
 * owns, its own, shared ones, and those its role opens to it (`sessions: role | all`); with a
 * token's role as well, both roles must agree. An admin acting as no agent (the owner) sees all.
 */
export function sessionDenial(rt: Runtime, caller: Caller, facts: SessionFacts): string | null {
  if (isAdmin(caller)) return null;
  if (!canTouchSession(caller, facts.name)) return `the token "${caller.name}" is not allowed to use the session "${facts.name}"`;
  const agent = caller.agent;
  const owner = facts.owner_agent;
  if (!agent || !owner || owner === agent || facts.shared) return null;
  const registry = rt.bus?.agents;
  const registered = registry?.find(agent);
  if (!registry || !registered) return `agent "${agent}" may not see session "${facts.name}": it belongs to agent "${owner}" (its owner can share it)`;
  const ownerRole = registry.find(owner)?.role;
  const roles = [registered.role, (caller as ScopedCaller).role].filter((r): r is string => !!r);
  for (const name of new Set(roles)) {
    const d = checkSessionAccess({ name: agent, role: name }, registry.roles.get(name), facts, ownerRole);
    if (d) return d.message;
  }
  return null;
}

/** Throws `denied` unless the caller may see the named session (see sessionDenial). */
export function requireSessionVisible(rt: Runtime, caller: Caller, name: string): void {
  const why = sessionDenial(rt, caller, sessionFacts(rt, name) ?? { name });
  if (why) throw new AppError("denied", why);
}

/**
 * For lists: a test of whether the caller sees a session, by its facts or by name. Everything for
 * an admin acting as no agent; the same rule as `requireSessionVisible` for anyone else.
 */
export function sessionVisibility(rt: Runtime, caller: Caller): (session: SessionFacts | string) => boolean {
  if (isAdmin(caller)) return () => true;
  const known = new Map<string, boolean>();
  return (session) => {
    if (typeof session !== "string") return sessionDenial(rt, caller, session) === null;
    let seen = known.get(session);
    if (seen === undefined) known.set(session, (seen = sessionDenial(rt, caller, sessionFacts(rt, session) ?? { name: session }) === null));
    return seen;
  };
}

/** The live sessions of this server the caller may see (lists over REST, MCP and the cluster). */
export function visibleSessions(rt: Runtime, caller: Caller): Session[] {
  const visible = sessionVisibility(rt, caller);
  return rt.sessions.list().filter((s) => visible(s.name));
}

/** Whether a token holds the caller to some sessions. */
export function heldToSessions(caller: Caller): readonly string[] | undefined {
  return (caller as ScopedCaller).sessions;
}

/** A token held to some sessions must name one of them (`what` says how). */
export function requireNamedSession(caller: Caller, what: string): void {
  const limited = heldToSessions(caller);
  if (limited) throw new AppError("denied", `the token "${caller.name}" is limited to some sessions: ${what} (${limited.join(", ")})`);
}

/** A live feed about every session is refused to a token held to some sessions. */
export function refuseFeedToHeld(caller: Caller, what: string): void {
  if (heldToSessions(caller)) {
    throw new AppError("denied", `the token "${caller.name}" is limited to some sessions and cannot follow ${what}, which reports on every session`);
  }
}

/** Checks one WebSocket frame operation against the scope its declaration gives it. */
export function requireFrameScope(caller: Caller, access: Access | undefined, op: string): void {
  const scope = access?.frames?.[op];
  if (!scope) throw new AppError("denied", `the operation "${op}" is not declared for this WebSocket`);
  if (caller.scopes.has("admin") || caller.scopes.has(scope)) return;
  throw new AppError("denied", `the token "${caller.name}" lacks the ${scope} scope, which the "${op}" operation needs`);
}

/** A session of this server as GET /api/sessions/:name shows it: with what its occupant is doing (for NAME@NODE, that node answers the same). */
export function sessionView(rt: Runtime, name: string): SessionInfo & { agent_status: SessionStatus | null } {
  const info = rt.sessions.get(name).info();
  return { ...info, agent_status: rt.bus?.status?.get(info.id) ?? null };
}
