import { AppError } from "../errors.ts";
import type { AgentRegistry } from "./agents.ts";
import { Inbox } from "./inbox.ts";
import { DEFAULT_LIMITS } from "./limits.ts";
import { copyId, madeHere, payloadJson, sizeChecked, TOPIC, type BusMessage, type PublishInput } from "./message.ts";
import type { BusStore } from "./store.ts";
import type { AckInput, BusTransport, Handler, HistoryQuery, InboxQuery, InboxRead, Target, TransportStats } from "./transport.ts";

/**
 * The bus inside one server: routing in memory, inboxes in memory written behind to SQLite
 * (store.ts), subscribers called synchronously by publish.
 *
 * Routing: `to` reaches one registered agent (its inbox and its live subscribers); `topic` reaches
 * the topic's subscribers and the inboxes of agents registered for the topic; `broadcast` reaches
 * every registered agent but the sender. Firehose subscribers (the dashboard) see everything.
 */
export class LocalTransport implements BusTransport {
  private seq: number;
  private readonly boot = Date.now().toString(36);
  private topicSubs = new Map<string, Set<Handler>>();
  private agentSubs = new Map<string, Set<Handler>>();
  private firehose = new Set<Handler>();
  private inboxes = new Map<string, Inbox>();
  private inboxListeners: Array<(agent: string, m: BusMessage) => void> = [];
  /** Registered agents by topic (rebuilt when a registration changes). */
  private byTopic: Map<string, string[]> | null = null;
  readonly inboxCapacity: number;
  published = 0;

  constructor(
    private agents: AgentRegistry,
    private store: BusStore | null,
    opts: { inboxCapacity?: number } = {},
  ) {
    this.inboxCapacity = opts.inboxCapacity ?? DEFAULT_LIMITS.inbox;
    this.seq = store?.maxSeq() ?? 0;
    store?.attach({ held: (a, s) => this.inboxes.get(a)?.get(s), floor: (a) => this.inboxes.get(a)?.floor() ?? Number.MAX_SAFE_INTEGER });
    if (store) {
      for (const { agent, m } of store.loadInboxes()) {
        this.boxOf(agent).restore(m);
        store.restored(agent, m.seq);
      }
      // a lower limit than the one they were kept under: the oldest went, and go from the database too
      for (const [agent, box] of this.inboxes) if (box.droppedTotal) store.inboxShrunk(agent);
    }
    const changed = () => (this.byTopic = null);
    agents.events.on("registered", changed);
    agents.events.on("updated", changed);
    agents.events.on("removed", (a: { name: string }) => {
      changed();
      this.inboxes.delete(a.name);
      this.store?.inboxShrunk(a.name);
    });
  }

  /** The next message's id (request/reply registers its waiter before publishing). */
  nextId(): string {
    return `${this.boot}-${this.seq + 1}`;
  }

  private boxOf(agent: string): Inbox {
    let box = this.inboxes.get(agent);
    if (!box) this.inboxes.set(agent, (box = new Inbox(agent, this.inboxCapacity)));
    return box;
  }

  private agentsOn(topic: string): readonly string[] {
    if (!this.byTopic) {
      this.byTopic = new Map();
      for (const a of this.agents.values()) {
        for (const t of a.topics) {
          const list = this.byTopic.get(t);
          if (list) list.push(a.name);
          else this.byTopic.set(t, [a.name]);
        }
      }
    }
    return this.byTopic.get(topic) ?? [];
  }

  publish(input: PublishInput): BusMessage {
    const payloadText = sizeChecked(input.payload);
    // unknown agent: not_found, nothing delivered. Its registered name is the string kept from here
    // on (the store's queue, the inbox): not the one each frame's parse makes anew
    const recipient = input.to !== undefined ? this.agents.get(input.to).name : undefined;
    if (recipient === undefined) {
      if (input.topic !== undefined) {
        if (!TOPIC.test(input.topic)) throw new AppError("invalid", `"${input.topic}" is not a valid topic (letters, digits and . _ : / -)`);
      } else if (!input.broadcast) throw new AppError("invalid", "say where the message goes: to an agent, a topic, or broadcast");
    }
    const seq = ++this.seq;
    const id = input.copyOf === undefined ? `${this.boot}-${seq}` : copyId(`${this.boot}-${seq}`, input.copyOf);
    const m: BusMessage = { id, seq, type: input.type ?? "custom", sender: input.sender, payload: input.payload, time: Date.now() };
    if (input.copyOf === undefined) madeHere(m);
    if (input.correlation_id !== undefined) m.correlation_id = input.correlation_id;
    const persist = input.persist !== false && this.store !== null;
    // written first: what the subscribers do next (acknowledge, reply) comes after it in the queue
    const text = payloadJson(m, payloadText);
    if (persist) this.store!.message(m, text);

    // who gets it in their inbox: one list however many (the store skips whoever no longer holds it)
    let to: string | readonly string[];
    if (recipient !== undefined) {
      m.to = recipient;
      to = recipient;
      this.deliverToAgent(recipient, m);
    } else if (input.topic !== undefined) {
      m.topic = input.topic;
      const subs = this.topicSubs.get(input.topic);
      if (subs) for (const h of subs) h(m);
      to = this.agentsOn(input.topic);
      for (const name of to) if (name !== input.sender) this.deliverToAgent(name, m);
    } else {
      m.broadcast = true;
      const all: string[] = [];
      for (const a of this.agents.values()) if (a.name !== input.sender) all.push(a.name);
      to = all;
      for (const name of all) this.deliverToAgent(name, m);
    }
    if (persist) this.store!.inboxAdd(to, m);
    if (this.firehose.size) for (const h of this.firehose) h(m);
    this.published++;
    return m;
  }

  private deliverToAgent(agent: string, m: BusMessage): void {
    const box = this.boxOf(agent);
    if (box.push(m)) this.store?.inboxShrunk(agent);
    const subs = this.agentSubs.get(agent);
    if (subs) for (const h of subs) h(m);
    for (const l of this.inboxListeners) l(agent, m);
  }

  subscribe(target: Target, h: Handler): () => void {
    if ("all" in target) {
      this.firehose.add(h);
      return () => this.firehose.delete(h);
    }
    if ("agent" in target) {
      this.agents.get(target.agent);
      return addTo(this.agentSubs, target.agent, h);
    }
    return addTo(this.topicSubs, target.topic, h);
  }

  /** Whether the agent has a live subscriber (a WebSocket open as that agent). */
  isConnected(agent: string): boolean {
    return this.agentSubs.has(agent);
  }

  onInbox(l: (agent: string, m: BusMessage) => void): () => void {
    this.inboxListeners.push(l);
    return () => (this.inboxListeners = this.inboxListeners.filter((x) => x !== l));
  }

  inbox(agent: string, q: InboxQuery = {}): InboxRead {
    const box = this.boxOf(agent);
    return { ...box.read(q), waiting: box.size, capacity: box.capacity, dropped_total: box.droppedTotal, evicted_unacked: box.evictedUnacked };
  }

  markSent(agent: string, seq: number): void {
    this.inboxes.get(agent)?.markSent(seq);
  }

  waiting(agent: string, seq: number): boolean {
    return this.inboxes.get(agent)?.has(seq) ?? false;
  }

  takeDrops(agent: string, n: number): number {
    return this.inboxes.get(agent)?.takeDrops(n) ?? 0;
  }

  ack(agent: string, which: AckInput): number {
    const box = this.inboxes.get(agent);
    if (!box) return 0;
    const floor = box.floor();
    let n = 0;
    if (which.seqs) n += box.ack(which.seqs, (s) => s !== floor && this.store?.inboxRemove(agent, s));
    if (which.upTo != null) n += box.ackUpTo(which.upTo);
    if (n && box.floor() !== floor) this.store?.inboxShrunk(agent);
    return n;
  }

  inboxSize(agent: string): number {
    return this.inboxes.get(agent)?.size ?? 0;
  }

  history(q: HistoryQuery): BusMessage[] {
    return this.store?.history(q) ?? [];
  }

  whenDurable(seq: number, fn: () => void): void {
    if (this.store) this.store.whenDurable(seq, fn);
    else fn();
  }

  get backlog(): number {
    return this.store?.backlog ?? 0;
  }

  stats(): TransportStats {
    let waiting = 0;
    let dropped = 0;
    let evicted = 0;
    for (const b of this.inboxes.values()) (waiting += b.size), (dropped += b.droppedTotal), (evicted += b.evictedUnacked);
    return {
      published: this.published,
      seq: this.seq,
      inboxes: this.inboxes.size,
      waiting,
      dropped,
      evicted_unacked: evicted,
      inbox_capacity: this.inboxCapacity,
      pending_writes: this.store?.pending ?? 0,
      written: this.store?.written ?? 0,
      inbox_rows_written: this.store?.inboxRowsWritten ?? 0,
      transactions: this.store?.transactions ?? 0,
      longest_write_ms: Math.round((this.store?.longestMs ?? 0) * 10) / 10,
      writer_thread: this.store?.threaded ?? false,
    };
  }

  flush(): void {
    this.store?.flush(true);
  }

  close(): void {
    this.store?.close();
  }
}

function addTo<K>(map: Map<K, Set<Handler>>, key: K, h: Handler): () => void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(h);
  return () => {
    set!.delete(h);
    if (set!.size === 0 && map.get(key) === set) map.delete(key);
  };
}
