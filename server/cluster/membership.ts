import type { NatsConnection } from "@nats-io/transport-node";
import { Kvm, type KV } from "@nats-io/kv";
import type { NodeView } from "../cluster-port.ts";
import { settled, type Names } from "./connection.ts";

/** What a node writes into the nodes bucket every heartbeat. */
export interface Heartbeat {
  name: string;
  version: string;
  sessions: number;
  agent_names: string[];
  started_at: number;
  /** false in the last entry a node writes when it stops cleanly. */
  running: boolean;
}

export const HEARTBEAT_MS = 1000;
/** A node whose last heartbeat is older than this is shown down. */
export const DOWN_AFTER_MS = 3500;

/** A node is up while it says it runs and its last heartbeat is fresher than DOWN_AFTER_MS. */
const isUp = (e: { beat: Heartbeat; at: number }, now: number) => e.beat.running && now - e.at < DOWN_AFTER_MS;

/**
 * Membership in a KV bucket: each node puts its heartbeat under its name every second; every node
 * watches the bucket and notes when it last saw each entry change (its own clock, so clocks of
 * different hosts need not agree). Entries of nodes gone for a day expire with the bucket's TTL.
 */
export class Membership {
  private seen = new Map<string, { beat: Heartbeat; at: number }>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private stopWatch: (() => void) | undefined;
  /** When the watch last delivered an entry: our own heartbeat comes every second, so a long silence means the watch died (its NATS server did). */
  private lastEvent = Date.now();

  private constructor(
    private kv: KV,
    private self: string,
    private beat: () => Omit<Heartbeat, "name" | "running">,
  ) {}

  static async join(nc: NatsConnection, n: Names, self: string, beat: () => Omit<Heartbeat, "name" | "running">): Promise<Membership> {
    const kv = await settled(() => new Kvm(nc).create(n.nodesBucket, { history: 1, ttl: 24 * 3600 * 1000, replicas: n.replicas }));
    const m = new Membership(kv, self, beat);
    await settled(() => m.put(true)); // a new bucket's copies may still be being placed
    await m.watch();
    m.timer = setInterval(() => {
      void m.put(true).catch(() => {});
      if (Date.now() - m.lastEvent > DOWN_AFTER_MS) void m.rewatch();
    }, HEARTBEAT_MS);
    return m;
  }

  private async put(running: boolean): Promise<void> {
    const b: Heartbeat = { name: this.self, running, ...this.beat() };
    await this.kv.put(this.self, JSON.stringify(b));
  }

  /** A watch whose server went away (a failover) delivers nothing more: start a new one. */
  private async rewatch(): Promise<void> {
    this.lastEvent = Date.now(); // one attempt per silence
    this.stopWatch?.();
    await this.watch().catch(() => {});
  }

  private async watch(): Promise<void> {
    const it = await this.kv.watch();
    this.stopWatch = () => it.stop();
    let initial = true;
    void (async () => {
      for await (const e of it) {
        this.lastEvent = Date.now();
        if (e.operation !== "PUT") {
          this.seen.delete(e.key);
          continue;
        }
        try {
          const beat = JSON.parse(e.string()) as Heartbeat;
          // entries there before we watched: their age is the NATS server's, the best we know
          const at = initial ? Math.min(Date.now(), e.created.getTime()) : Date.now();
          this.seen.set(e.key, { beat, at });
        } catch {
          // not a heartbeat of ours: skipped
        }
        if (e.delta === 0) initial = false;
      }
    })();
  }

  /** Every node ever seen (within the bucket's TTL), up or down. */
  nodes(now = Date.now()): NodeView[] {
    return [...this.seen.values()]
      .map(({ beat, at }) => ({
        name: beat.name,
        state: isUp({ beat, at }, now) ? ("up" as const) : ("down" as const),
        version: beat.version,
        sessions: beat.sessions,
        agents: beat.agent_names.length,
        agent_names: beat.agent_names,
        started_at: new Date(beat.started_at).toISOString(),
        last_heartbeat: new Date(at).toISOString(),
        self: beat.name === this.self,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The node an agent is registered on (its latest heartbeat says so), if any. */
  nodeOfAgent(agent: string): string | undefined {
    for (const { beat } of this.seen.values()) if (beat.name !== this.self && beat.agent_names.includes(agent)) return beat.name;
    return undefined;
  }

  /** A node seen in the bucket whose heartbeats stopped (or that left): not one never seen. */
  isDown(node: string, now = Date.now()): boolean {
    const e = this.seen.get(node);
    return e !== undefined && !isUp(e, now);
  }

  has(node: string): boolean {
    return this.seen.has(node);
  }

  /** Stops heartbeating and says so in a last entry: others show this node down at once. */
  async leave(): Promise<void> {
    clearInterval(this.timer);
    this.stopWatch?.();
    await this.put(false).catch(() => {});
  }
}
