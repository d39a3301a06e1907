import type { NatsConnection } from "@nats-io/transport-node";
import { Kvm, type KV } from "@nats-io/kv";
import type { AgentRegistry } from "../bus/agents.ts";
import type { Bus } from "../bus/bus.ts";
import { announceChange, nextVersion, readable, visibleTo, type Entry, type StoredEntry, type WriteOptions } from "../bus/knowledge.ts";
import type { KnowledgeBoard } from "../cluster-port.ts";
import { AppError } from "../errors.ts";
import { lostRace, settled } from "./connection.ts";

/** Versions of a key the bucket keeps (JetStream's most). */
const HISTORY = 64;
const TRIES = 50;

/** Knowledge keys may hold ":", which KV keys may not: each key is stored under its base64url form. */
const kvKey = (key: string) => Buffer.from(key).toString("base64url");
const shown = ({ deleted: _, ...e }: StoredEntry): Entry => e;

/**
 * The cluster's shared knowledge in a KV bucket, one key per knowledge key: every node reads and
 * writes the same entries. A write reads the newest version, runs the same checks as on one
 * machine (scope, `expectedVersion`) and stores the next version as an update on the revision it
 * read; when another node wrote in between, the update is refused and the write is checked again
 * against what that node wrote, so `--expect N` conflicts exactly as it does locally.
 */
export class KvKnowledge implements KnowledgeBoard {
  private constructor(
    private kv: KV,
    private maxPayload: number,
    private agents: AgentRegistry,
    private bus: Bus,
    private nodeOfAgent: (agent: string) => string | undefined,
  ) {}

  static async open(nc: NatsConnection, bucket: string, replicas: number, agents: AgentRegistry, bus: Bus, nodeOfAgent: (agent: string) => string | undefined): Promise<KvKnowledge> {
    const kv = await settled(() => new Kvm(nc).create(bucket, { history: HISTORY, replicas }));
    return new KvKnowledge(kv, nc.info?.max_payload ?? 1024 * 1024, agents, bus, nodeOfAgent);
  }

  private async current(key: string): Promise<{ e: StoredEntry; revision: number } | null> {
    const got = await this.kv.get(kvKey(key));
    if (got?.operation !== "PUT") return null;
    return { e: got.json<StoredEntry>(), revision: got.revision };
  }

  async get(key: string, agent?: string): Promise<Entry> {
    return readable(this.agents, key, (await this.current(key))?.e ?? null, agent);
  }

  async list(agent?: string, prefix?: string): Promise<Entry[]> {
    const keys: string[] = [];
    for await (const k of await this.kv.keys()) keys.push(k);
    const rows = await Promise.all(keys.map(async (k) => (await this.kv.get(k))));
    return rows
      .filter((r) => r?.operation === "PUT")
      .map((r) => r!.json<StoredEntry>())
      .filter((e) => !e.deleted && (!prefix || e.key.startsWith(prefix)) && visibleTo(this.agents, e.scope, agent))
      .map(shown)
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  /** The versions the bucket still keeps (the last 64), oldest first. */
  async history(key: string, agent?: string): Promise<Entry[]> {
    await this.get(key, agent);
    const out: Entry[] = [];
    for await (const e of await this.kv.history({ key: kvKey(key) })) if (e.operation === "PUT") out.push(shown(e.json<StoredEntry>()));
    return out.sort((a, b) => a.version - b.version);
  }

  async set(key: string, value: unknown, opts: WriteOptions = {}): Promise<Entry> {
    for (let i = 0; i < TRIES; i++) {
      const cur = await this.current(key);
      const next = nextVersion(this.agents, key, cur?.e ?? null, value, opts);
      const data = JSON.stringify(next);
      if (Buffer.byteLength(data) > this.maxPayload - 1024) throw new AppError("too_large", `the value for "${key}" is larger than NATS carries (${this.maxPayload} bytes); store a file path instead`);
      try {
        if (cur) await this.kv.update(kvKey(key), data, cur.revision);
        else await this.kv.create(kvKey(key), data);
      } catch (err) {
        if (lostRace(err)) continue; // another node wrote first: check again against its version
        throw err;
      }
      const entry = shown(next);
      announceChange(this.bus, entry, next.deleted, () => this.recipients(entry));
      return entry;
    }
    throw new AppError("conflict", `"${key}" kept changing on other nodes during ${TRIES} tries (try again)`);
  }

  async delete(key: string, opts: { agent?: string; expectedVersion?: number } = {}): Promise<Entry> {
    await this.get(key, opts.agent);
    return this.set(key, null, { ...opts, deleted: true });
  }

  /** Who hears of a scoped change: named agents wherever they run; agents of a role, on this node (roles of other nodes' agents are not known here). */
  private recipients(e: Entry): string[] {
    if (e.scope.kind === "agents") return e.scope.names.filter((n) => this.agents.find(n) || this.nodeOfAgent(n));
    return [...this.agents.values()].filter((a) => visibleTo(this.agents, e.scope, a.name)).map((a) => a.name);
  }
}
