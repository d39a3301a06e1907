import { AppError } from "../errors.ts";
import type { AgentRegistry } from "./agents.ts";
import { Inbox } from "./inbox.ts";
import { MAX_PAYLOAD_BYTES, TOPIC, type BusMessage, type PublishInput } from "./message.ts";
import type { BusStore } from "./store.ts";

export type Handler = (m: BusMessage) => void;

export interface BusOptions {
  /** Messages an inbox holds before dropping its oldest (default 1000). */
  inboxCapacity?: number;
}

/** Who reads bus traffic when it may not read everything: its name (agent or token) and its topics. */
export interface Viewer {
  name: string;
  topics: readonly string[];
}

/** Whether a viewer may see a message: its own (sent or received), a broadcast, or on one of its topics. */
export function visibleTo(viewer: Viewer, m: BusMessage, subscribed?: (topic: string) => boolean): boolean {
  if (m.broadcast || m.sender === viewer.name || m.to === viewer.name) return true;
  return m.topic != null && (viewer.topics.includes(m.topic) || (subscribed?.(m.topic) ?? false));
}

/**
 * The message bus. Publishing is synchronous and in memory: subscribers are called at once, agent
 * inboxes get the message, and the database write is queued (BusStore writes in batches).
 *
 * Routing: `to` reaches one registered agent (its inbox and its live subscribers); `topic` reaches
 * the topic's subscribers and the inboxes of agents registered for the topic; `broadcast` reaches
 * every registered agent but the sender. Firehose subscribers (the dashboard) see everything.
 */
export class Bus {
  private seq: number;
  private readonly boot = Date.now().toString(36);
  private topicSubs = new Map<string, Set<Handler>>();
  private agentSubs = new Map<string, Set<Handler>>();
  private firehose = new Set<Handler>();
  private inboxes = new Map<string, Inbox>();
  private pending = new Map<string, { resolve: Handler; timer: ReturnType<typeof setTimeout> }>();
  private inboxListeners: Array<(agent: string, m: BusMessage) => void> = [];
  readonly inboxCapacity: number;
  published = 0;

  constructor(
    readonly agents: AgentRegistry,
    private store: BusStore | null,
    opts: BusOptions = {},
  ) {
    this.inboxCapacity = opts.inboxCapacity ?? 1000;
    this.seq = store?.maxSeq() ?? 0;
    if (store) for (const { agent, m } of store.loadInboxes()) this.inbox(agent).restore(m);
    agents.events.on("removed", (a: { name: string }) => this.inboxes.delete(a.name));
  }

  private inbox(agent: string): Inbox {
    let box = this.inboxes.get(agent);
    if (!box) this.inboxes.set(agent, (box = new Inbox(agent, this.inboxCapacity)));
    return box;
  }

  /** Sends a message; returns it with its id, seq and time. Throws on an unknown recipient or oversize payload. */
  publish(input: PublishInput): BusMessage {
    const payloadText = sizeChecked(input.payload);
    const seq = ++this.seq;
    const m: BusMessage = {
      id: `${this.boot}-${seq}`,
      seq,
      type: input.type ?? "custom",
      sender: input.sender,
      payload: input.payload,
      time: Date.now(),
    };
    if (input.correlation_id !== undefined) m.correlation_id = input.correlation_id;
    const persist = input.persist !== false && this.store !== null;

    if (input.to !== undefined) {
      this.agents.get(input.to); // unknown agent: not_found, nothing delivered
      m.to = input.to;
      this.deliverToAgent(input.to, m, persist);
    } else if (input.topic !== undefined) {
      if (!TOPIC.test(input.topic)) throw new AppError("invalid", `"${input.topic}" is not a valid topic (letters, digits and . _ : / -)`);
      m.topic = input.topic;
      const subs = this.topicSubs.get(input.topic);
      if (subs) for (const h of subs) h(m);
      for (const a of this.agents.values()) if (a.topics.length && a.topics.includes(input.topic) && a.name !== input.sender) this.deliverToAgent(a.name, m, persist);
    } else if (input.broadcast) {
      m.broadcast = true;
      for (const a of this.agents.values()) if (a.name !== input.sender) this.deliverToAgent(a.name, m, persist);
    } else {
      throw new AppError("invalid", "say where the message goes: to an agent, a topic, or broadcast");
    }
    if (this.firehose.size) for (const h of this.firehose) h(m);
    if (persist) this.store!.message(m, payloadText ?? JSON.stringify(m.payload ?? null));
    if (m.correlation_id !== undefined && this.pending.size) this.settle(m);
    this.published++;
    return m;
  }

  private deliverToAgent(agent: string, m: BusMessage, persist: boolean): void {
    const dropped = this.inbox(agent).push(m);
    if (persist) {
      this.store!.inboxAdd(agent, m);
      if (dropped) this.store!.inboxRemove(agent, dropped.seq);
    }
    const subs = this.agentSubs.get(agent);
    if (subs) for (const h of subs) h(m);
    for (const l of this.inboxListeners) l(agent, m);
  }

  private settle(m: BusMessage): void {
    const p = this.pending.get(m.correlation_id!);
    if (!p || m.id === m.correlation_id) return;
    this.pending.delete(m.correlation_id!);
    clearTimeout(p.timer);
    // the requester has its answer: it need not find it again in its inbox
    if (m.to !== undefined && this.inboxes.get(m.to)?.has(m.seq)) this.ack(m.to, { seqs: [m.seq] });
    p.resolve(m);
  }

  /** Publishes and waits for the first message that carries this one's id as correlation_id. */
  request(input: PublishInput, timeoutMs = 30_000): Promise<BusMessage> {
    return new Promise((resolve, reject) => {
      // registered before publishing: a subscriber may answer synchronously, inside publish
      const id = `${this.boot}-${this.seq + 1}`;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AppError("timeout", `no reply to message ${id} within ${timeoutMs} ms (the recipient may be away; its inbox keeps the request)`));
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      try {
        this.publish(input);
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(err);
      }
    });
  }

  /** Answers a message: same correlation, sent back to its sender. */
  reply(to: BusMessage, input: Omit<PublishInput, "to" | "topic" | "broadcast" | "correlation_id">): BusMessage {
    return this.publish({ ...input, to: to.sender, correlation_id: to.id });
  }

  subscribeTopic(topic: string, h: Handler): () => void {
    return addTo(this.topicSubs, topic, h);
  }

  /** Live delivery of what reaches an agent's inbox (direct, its topics, broadcasts). */
  subscribeAgent(agent: string, h: Handler): () => void {
    this.agents.get(agent);
    return addTo(this.agentSubs, agent, h);
  }

  /** Whether the agent has a live subscriber (a WebSocket open as that agent): it counts as alive. */
  isConnected(agent: string): boolean {
    return this.agentSubs.has(agent);
  }

  subscribeAll(h: Handler): () => void {
    this.firehose.add(h);
    return () => this.firehose.delete(h);
  }

  /** Called for every message that lands in an inbox (agent status uses it to type messages into sessions). */
  onInbox(l: (agent: string, m: BusMessage) => void): () => void {
    this.inboxListeners.push(l);
    return () => (this.inboxListeners = this.inboxListeners.filter((x) => x !== l));
  }

  /** What waits for an agent, oldest first, with the count dropped since its last read. */
  readInbox(agent: string, opts: { afterSeq?: number; limit?: number; keepDrops?: boolean } = {}) {
    this.agents.get(agent);
    this.agents.touch(agent);
    const box = this.inbox(agent);
    return { agent, ...box.read(opts), waiting: box.size, capacity: box.capacity, dropped_total: box.droppedTotal };
  }

  /** Marks drops a `keepDrops` read returned as told to the agent. */
  takeDrops(agent: string, n: number): void {
    this.inbox(agent).takeDrops(n);
  }

  /** Acknowledges messages (by seq, or everything up to a seq); they leave the inbox for good. */
  ack(agent: string, opts: { seqs?: number[]; upTo?: number }): number {
    this.agents.get(agent);
    const box = this.inbox(agent);
    const done = [...(opts.seqs ? box.ack(opts.seqs) : []), ...(opts.upTo != null ? box.ackUpTo(opts.upTo) : [])];
    if (this.store) for (const s of done) this.store.inboxRemove(agent, s);
    return done.length;
  }

  inboxSize(agent: string): number {
    return this.inboxes.get(agent)?.size ?? 0;
  }

  /**
   * Persisted messages, oldest first. With `viewer`, only what that caller may see: messages it
   * sent or that were sent to it, broadcasts, and messages on its topics.
   */
  history(q: { agent?: string; topic?: string; type?: string; afterSeq?: number; limit?: number; viewer?: Viewer } = {}): BusMessage[] {
    if (!this.store) return [];
    return this.store.history({ ...q, limit: Math.min(q.limit ?? 200, 10_000) });
  }

  stats() {
    let waiting = 0;
    let dropped = 0;
    for (const b of this.inboxes.values()) (waiting += b.size), (dropped += b.droppedTotal);
    return { published: this.published, seq: this.seq, inboxes: this.inboxes.size, waiting, dropped, pending_writes: this.store?.pending ?? 0 };
  }

  flush(): void {
    this.store?.flush();
  }

  close(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.store?.close();
  }
}

function addTo<K>(map: Map<K, Set<Handler>>, key: K, h: Handler): () => void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(h);
  return () => {
    set!.delete(h);
    if (set!.size === 0) map.delete(key);
  };
}

/** The payload as JSON text when it had to be measured; throws too_large past the limit. */
function sizeChecked(payload: unknown): string | undefined {
  if (typeof payload === "string") {
    // UTF-8 is at most 3 bytes per UTF-16 unit: only long strings need measuring
    if (payload.length * 3 + 2 <= MAX_PAYLOAD_BYTES) return undefined;
    const text = JSON.stringify(payload);
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) throw tooLarge(Buffer.byteLength(text));
    return text;
  }
  if (payload === undefined || payload === null || typeof payload === "number" || typeof payload === "boolean") return undefined;
  const text = JSON.stringify(payload);
  if (text.length > MAX_PAYLOAD_BYTES / 3 && Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) throw tooLarge(Buffer.byteLength(text));
  return text;
}

function tooLarge(bytes: number): AppError {
  return new AppError("too_large", `the message payload is ${bytes} bytes, over the ${MAX_PAYLOAD_BYTES}-byte limit (put large data in shared knowledge or a file and send its name)`);
}
