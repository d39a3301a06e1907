import { desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { knowledge as knowledgeTable } from "../../db/schema/bus.ts";
import { AppError } from "../errors.ts";
import type { AgentRegistry } from "./agents.ts";
import type { Bus } from "./bus.ts";
import { MAX_PAYLOAD_BYTES } from "./message.ts";

/** Who may read an entry: everyone, agents of some roles, or some agents by name. */
export const ScopeSchema = z.strictObject({ kind: z.enum(["all", "role", "agents"]), names: z.array(z.string()) });
export type Scope = z.infer<typeof ScopeSchema>;

/** One version of a shared-knowledge entry. */
export const EntrySchema = z.strictObject({
  key: z.string(),
  version: z.number(),
  value: z.unknown().optional().describe("absent on the version a delete writes"),
  scope: ScopeSchema,
  updated_by: z.string().nullable(),
  updated_at: z.number(),
});
export type Entry = z.infer<typeof EntrySchema>;

const KEY = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

/** Parses "all", "role:qa,backend" or "agents:ann,bob". */
export function parseScope(text: string | undefined): Scope {
  if (!text || text === "all") return { kind: "all", names: [] };
  const m = /^(role|roles|agent|agents):(.+)$/.exec(text);
  if (!m) throw new AppError("invalid", `cannot read the scope "${text}" (use all, role:NAME[,NAME] or agents:NAME[,NAME])`);
  const names = m[2]!.split(",").map((s) => s.trim()).filter(Boolean);
  return { kind: m[1]!.startsWith("role") ? "role" : "agents", names };
}

/** An entry as stored: the newest version may mark the key deleted. */
export type StoredEntry = Entry & { deleted: boolean };
export interface WriteOptions {
  agent?: string;
  scope?: Scope;
  expectedVersion?: number;
  deleted?: boolean;
}

/** Whether an agent may see an entry of this scope (no agent: the owner sees everything). */
export function visibleTo(agents: AgentRegistry, scope: Scope, agent: string | undefined): boolean {
  if (!agent || scope.kind === "all") return true;
  if (scope.kind === "agents") return scope.names.includes(agent);
  const a = agents.find(agent);
  return !!a && scope.names.includes(a.role);
}

/** The entry as `agent` may see it; not_found when absent, deleted or outside the agent's scope. */
export function readable(agents: AgentRegistry, key: string, e: StoredEntry | null, agent?: string): Entry {
  if (!e || e.deleted || !visibleTo(agents, e.scope, agent)) {
    throw new AppError("not_found", `no knowledge under the key "${key}"${agent ? ` visible to agent "${agent}"` : ""} (ai-session knowledge list shows the keys)`);
  }
  const { deleted: _, ...entry } = e;
  return entry;
}

/**
 * The version a write makes after `cur` (the key's newest version), with every check of a write:
 * a valid key, a value within bounds, the writer within the entry's scope, and the
 * compare-and-set (`expectedVersion`, 0 = only if absent). Shared with the cluster's store.
 */
export function nextVersion(agents: AgentRegistry, key: string, cur: StoredEntry | null, value: unknown, opts: WriteOptions): StoredEntry {
  if (!KEY.test(key)) throw new AppError("invalid", `"${key}" is not a valid key (letters, digits and . _ : / -, at most 200)`);
  const text = JSON.stringify(value ?? null);
  if (Buffer.byteLength(text) > 4 * MAX_PAYLOAD_BYTES) throw new AppError("too_large", `the value for "${key}" is over ${4 * MAX_PAYLOAD_BYTES} bytes (store a file path instead)`);
  if (cur && opts.agent && !visibleTo(agents, cur.scope, opts.agent)) {
    throw new AppError("denied", `agent "${opts.agent}" may not change "${key}": it is outside the entry's scope`);
  }
  const curVersion = cur && !cur.deleted ? cur.version : 0;
  if (opts.expectedVersion != null && opts.expectedVersion !== curVersion) {
    throw new AppError("conflict", `"${key}" is at version ${curVersion}, not ${opts.expectedVersion} (read it again and retry)`);
  }
  return {
    key, version: (cur?.version ?? 0) + 1, value: opts.deleted ? undefined : value, scope: opts.scope ?? cur?.scope ?? { kind: "all", names: [] },
    updated_by: opts.agent ?? null, updated_at: Date.now(), deleted: !!opts.deleted,
  };
}

/** Announces a change as knowledge_share messages: a broadcast for everyone, else one message to each of `recipients`. */
export function announceChange(bus: Bus, e: Entry, deleted: boolean, recipients: () => Iterable<string>): void {
  const payload = { key: e.key, version: e.version, deleted, updated_by: e.updated_by };
  const sender = e.updated_by ?? "knowledge";
  if (e.scope.kind === "all") {
    bus.publish({ type: "knowledge_share", sender, broadcast: true, payload });
    return;
  }
  for (const to of recipients()) if (to !== e.updated_by) bus.publish({ type: "knowledge_share", sender, to, payload });
}

/**
 * Shared knowledge: a versioned key-value store. Every write makes a new version (old ones stay);
 * `expectedVersion` makes it a compare-and-set (0 means "only if absent"). Each entry is visible
 * to a scope: everyone, agents of some roles, or named agents. Changes are announced on the bus as
 * knowledge_share messages to exactly the agents who can see the entry.
 */
export class KnowledgeStore {
  constructor(
    private db: Db,
    private agents: AgentRegistry,
    private bus: Bus,
  ) {}

  private visible(scope: Scope, agent: string | undefined): boolean {
    return visibleTo(this.agents, scope, agent);
  }

  /** The newest version of a key, deleted or not. */
  private current(key: string): StoredEntry | null {
    const r = this.db.select().from(knowledgeTable).where(eq(knowledgeTable.key, key)).orderBy(desc(knowledgeTable.version)).limit(1).get();
    if (!r) return null;
    return { key: r.key, version: r.version, value: r.value, scope: r.scope, updated_by: r.updatedBy, updated_at: r.updatedAt, deleted: r.deleted };
  }

  /** The entry as `agent` may see it; not_found when absent, deleted or outside the agent's scope. */
  get(key: string, agent?: string): Entry {
    return readable(this.agents, key, this.current(key), agent);
  }

  list(agent?: string, prefix?: string): Entry[] {
    const rows = this.db
      .select()
      .from(knowledgeTable)
      .where(sql`${knowledgeTable.version} = (SELECT MAX(k2.version) FROM knowledge k2 WHERE k2.key = ${knowledgeTable.key})`)
      .all();
    return rows
      .filter((r) => !r.deleted && (!prefix || r.key.startsWith(prefix)) && this.visible(r.scope, agent))
      .map((r) => ({ key: r.key, version: r.version, value: r.value, scope: r.scope, updated_by: r.updatedBy, updated_at: r.updatedAt }))
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  history(key: string, agent?: string): Entry[] {
    this.get(key, agent);
    return this.db
      .select()
      .from(knowledgeTable)
      .where(eq(knowledgeTable.key, key))
      .orderBy(knowledgeTable.version)
      .all()
      .map((r) => ({ key: r.key, version: r.version, value: r.value, scope: r.scope, updated_by: r.updatedBy, updated_at: r.updatedAt }));
  }

  /** Writes a new version. With `expectedVersion`, only if the current version is that one. */
  set(key: string, value: unknown, opts: WriteOptions = {}): Entry {
    const { deleted, ...entry } = nextVersion(this.agents, key, this.current(key), value, opts);
    this.db
      .insert(knowledgeTable)
      .values({ key, version: entry.version, value: deleted ? null : value, deleted, scope: entry.scope, updatedBy: entry.updated_by, updatedAt: entry.updated_at })
      .run();
    announceChange(this.bus, entry, deleted, () => [...this.agents.values()].filter((a) => this.visible(entry.scope, a.name)).map((a) => a.name));
    return entry;
  }

  delete(key: string, opts: { agent?: string; expectedVersion?: number } = {}): Entry {
    this.get(key, opts.agent);
    return this.set(key, null, { ...opts, deleted: true });
  }
}

