import { timingSafeEqual } from "node:crypto";
import { AppError } from "../errors.ts";
import type { Db } from "../../db/client.ts";

export type Scope = "read" | "exec" | "admin";
export type Transport = "unix" | "tcp" | "internal";

/** Who is calling: the owner (Unix socket, or the owner token over TCP) or a named API token. */
export interface Caller {
  kind: "owner" | "token";
  /** Token name for the audit log ("owner" for the owner). */
  name: string;
  scopes: ReadonlySet<Scope>;
  /** Agent the caller acts as (`--agent`, `X-AI-Session-Agent`), if any. */
  agent?: string;
  /** The role a scoped token holds its caller to, if any. */
  role?: string;
  /** The only sessions a scoped token may reach, if it names them. */
  sessions?: readonly string[];
}

const ALL: ReadonlySet<Scope> = new Set(["read", "exec", "admin"]);

export function ownerCaller(agent?: string): Caller {
  return { kind: "owner", name: "owner", scopes: ALL, agent };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * What deciding who calls needs of the running server (server/runtime.ts has all of it): the
 * owner token and where it is kept, whether tokens are off, the database of scoped tokens, and the
 * registered agents (absent until the bus is up).
 */
export interface AuthContext {
  noToken: boolean;
  ownerToken: string;
  paths: { token: string };
  db: Db;
  bus?: { agents: { find(name: string): { name: string; role?: string | null } | undefined } };
}

/** Extra token checkers (scoped API tokens) register here; they return a Caller or undefined. */
export const tokenResolvers: Array<(rt: AuthContext, token: string) => Caller | undefined> = [];

export function tokenFrom(req: Request): string | undefined {
  const h = req.headers.get("authorization");
  if (h?.toLowerCase().startsWith("bearer ")) return h.slice(7).trim();
  const url = new URL(req.url);
  return url.searchParams.get("token") ?? undefined;
}

/**
 * Decides who a request comes from. TCP and the Unix socket both need the owner token or a scoped
 * API token (unless the server runs with --no-token): the socket is the owner's alone (0600), but a
 * role session's sandboxed shell runs as the owner too and could connect to it; what it cannot do
 * is read the token file in the data directory, which its sandbox hides. Clients read that file.
 */
export function authenticate(rt: AuthContext, req: Request, transport: Transport): Caller {
  const agent = req.headers.get("x-ai-session-agent") ?? undefined;
  if (transport === "internal" || rt.noToken) return ownerCaller(agent);
  const token = tokenFrom(req);
  if (!token && transport === "unix") {
    throw new AppError("unauthorized", `a request on the Unix socket needs the owner token too (clients read it from ${rt.paths.token}; a sandboxed session cannot)`);
  }
  if (!token) throw new AppError("unauthorized", "this request needs a token (the URL printed by `ai-session serve` has one)");
  if (sameSecret(token, rt.ownerToken)) return ownerCaller(agent);
  for (const resolve of tokenResolvers) {
    const caller = resolve(rt, token);
    if (caller) {
      checkAgentClaim(caller, agent);
      const acting = { ...caller, agent: agent ?? caller.agent };
      checkAgentRole(rt, acting);
      return acting;
    }
  }
  throw new AppError("unauthorized", "the token is not valid (ask the owner for a new one: ai-session token create)");
}

/**
 * Which agent a token may act as: a token made with `--agent A` acts as A and no other; any other
 * token acts as no agent unless it has the admin scope (like the owner). Otherwise anyone holding a
 * read/exec token could name an agent and read its inbox or work under its policy.
 */
function checkAgentClaim(caller: Caller & { boundAgent?: string }, claimed: string | undefined): void {
  if (claimed === undefined) return;
  if (caller.boundAgent !== undefined) {
    if (claimed !== caller.boundAgent) {
      throw new AppError("denied", `the token "${caller.name}" acts as agent "${caller.boundAgent}" only, not "${claimed}"`);
    }
    return;
  }
  if (!caller.scopes.has("admin")) {
    throw new AppError("denied", `the token "${caller.name}" acts as no agent (ai-session token create --agent ${claimed} makes one that does)`);
  }
}

/**
 * A token bound to a role cannot take on an agent of another role: it would be judged by that
 * agent's policy instead of its own. (An agent not registered yet can only be registered with the
 * token's role: see server/bus/agents.ts.)
 */
function checkAgentRole(rt: AuthContext, caller: Caller): void {
  if (!caller.role || !caller.agent) return;
  const agent = rt.bus?.agents.find(caller.agent);
  if (agent && agent.role !== caller.role) {
    throw new AppError(
      "denied",
      `the token "${caller.name}" is bound to the role "${caller.role}" and cannot act as agent "${agent.name}", whose role is "${agent.role}"`,
    );
  }
}

/**
 * Whether the caller may act on the whole server: the admin scope, acting as no agent and held to
 * no role or sessions (the owner without --agent, or an unrestricted admin token).
 */
export function isAdmin(caller: Caller): boolean {
  const c = caller;
  return caller.scopes.has("admin") && !caller.agent && !c.role && !c.sessions;
}

export function requireScope(caller: Caller, scope: Scope): void {
  if (caller.scopes.has("admin") || caller.scopes.has(scope)) return;
  throw new AppError("denied", `the token "${caller.name}" lacks the ${scope} scope`);
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** DNS-rebinding guard: a Host header that is not a loopback name is refused. */
export function isLoopbackHost(hostHeader: string | null): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.replace(/:\d+$/, "").toLowerCase();
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host) || host.endsWith(".localhost");
}
