import { createHash, randomBytes, randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { apiTokens } from "../../db/schema/tokens.ts";
import { AppError, notFound } from "../errors.ts";
import { isLoopbackHost, tokenResolvers, type Caller, type Scope } from "./auth.ts";

export const SCOPES: readonly Scope[] = ["read", "exec", "admin"];

/** A caller holding a scoped API token: its scopes, and optionally the sessions and role it is limited to. */
export type ScopedCaller = Caller & { boundAgent?: string };

export interface TokenInfo {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  sessions: string[] | null;
  role: string | null;
  agent: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface NewToken {
  name: string;
  scopes: Scope[];
  sessions?: string[] | null;
  role?: string | null;
  agent?: string | null;
}

const TOKEN_PREFIX = "ais_";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function toInfo(row: typeof apiTokens.$inferSelect): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    sessions: row.sessions ?? null,
    role: row.role ?? null,
    agent: row.agent ?? null,
    created_at: row.createdAt,
    last_used_at: row.lastUsedAt ?? null,
    revoked_at: row.revokedAt ?? null,
  };
}

/** Creates a token and returns its secret, which is shown this once: only its SHA-256 is stored. */
export function createToken(db: Db, spec: NewToken): { token: string; info: TokenInfo } {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(spec.name)) {
    throw new AppError("invalid", `a token name uses letters, digits, ".", "_" or "-" (got "${spec.name}")`);
  }
  const scopes = [...new Set(spec.scopes)];
  if (scopes.length === 0) throw new AppError("invalid", "a token needs at least one scope (read, exec or admin)");
  for (const s of scopes) {
    if (!SCOPES.includes(s)) throw new AppError("invalid", `unknown scope "${s}" (use read, exec or admin)`);
  }
  const live = db.select().from(apiTokens).where(and(eq(apiTokens.name, spec.name), isNull(apiTokens.revokedAt))).get();
  if (live) throw new AppError("conflict", `a token named "${spec.name}" exists (ai-session token revoke ${spec.name} first)`);

  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const row = {
    id: randomUUID(),
    name: spec.name,
    hash: hashToken(token),
    prefix: token.slice(0, TOKEN_PREFIX.length + 6),
    scopes,
    sessions: spec.sessions?.length ? [...new Set(spec.sessions)] : null,
    role: spec.role ?? null,
    agent: spec.agent ?? null,
    createdAt: Date.now(),
  };
  db.insert(apiTokens).values(row).run();
  return { token, info: toInfo({ ...row, lastUsedAt: null, revokedAt: null }) };
}

export function listTokens(db: Db, opts: { includeRevoked?: boolean } = {}): TokenInfo[] {
  const rows = opts.includeRevoked
    ? db.select().from(apiTokens).all()
    : db.select().from(apiTokens).where(isNull(apiTokens.revokedAt)).all();
  return rows.sort((a, b) => a.createdAt - b.createdAt).map(toInfo);
}

/** Revokes the live token with this name; from then on it authenticates nothing. */
export function revokeToken(db: Db, name: string): TokenInfo {
  const row = db.select().from(apiTokens).where(and(eq(apiTokens.name, name), isNull(apiTokens.revokedAt))).get();
  if (!row) throw notFound("token", name, "ai-session token list shows the tokens");
  const revokedAt = Date.now();
  db.update(apiTokens).set({ revokedAt }).where(eq(apiTokens.id, row.id)).run();
  return toInfo({ ...row, revokedAt });
}

const LAST_USED_EVERY_MS = 60_000;

/** The caller a scoped token stands for, or undefined when the token is unknown or revoked. */
export function resolveToken(db: Db, token: string): ScopedCaller | undefined {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
  const row = db.select().from(apiTokens).where(eq(apiTokens.hash, hashToken(token))).get();
  if (!row || row.revokedAt !== null) return undefined;
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt > LAST_USED_EVERY_MS) {
    db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run();
  }
  const caller: ScopedCaller = { kind: "token", name: row.name, scopes: new Set(row.scopes) };
  if (row.sessions) caller.sessions = row.sessions;
  if (row.role) caller.role = row.role;
  if (row.agent) {
    caller.agent = row.agent;
    caller.boundAgent = row.agent;
  }
  return caller;
}

let installed = false;

/** Lets `authenticate` accept scoped tokens. Called once at server start (server/main.ts). */
export function installTokenResolver(): void {
  if (installed) return;
  installed = true;
  tokenResolvers.push((rt, token) => resolveToken(rt.db, token));
}

/** Whether the caller may see and act on the session with this name (tokens may be limited to some). */
export function canTouchSession(caller: Caller, session: string): boolean {
  const limited = (caller as ScopedCaller).sessions;
  return !limited || limited.includes(session);
}

export function requireSessionAccess(caller: Caller, session: string): void {
  if (canTouchSession(caller, session)) return;
  throw new AppError("denied", `the token "${caller.name}" is not allowed to use the session "${session}"`);
}

/** An Origin header is acceptable when absent (non-browser clients) or naming a loopback host. */
export function isAllowedOrigin(origin: string | undefined): boolean {
  if (!origin) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && isLoopbackHost(url.host);
  } catch {
    return false;
  }
}

