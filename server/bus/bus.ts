import { AppError } from "../errors.ts";
import type { AgentRegistry } from "./agents.ts";
import { LocalTransport } from "./local.ts";
import type { BusMessage, PublishInput } from "./message.ts";
import type { BusStore } from "./store.ts";
import type { AckInput, BusTransport, Handler, InboxAnswer, InboxQuery } from "./transport.ts";

export type { Handler } from "./transport.ts";

export interface BusOptions {
  /** Messages an inbox holds before dropping its oldest (default: limits.ts, AI_SESSION_BUS_INBOX). */
  inboxCapacity?: number;
  /** Another transport than the in-process one (a cluster's). */
  transport?: BusTransport;
  /** Wraps the in-process transport (a cluster sends onwards what other nodes need). */
  wrapTransport?: (local: BusTransport) => BusTransport;
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
 * The message bus as the server uses it: publish, subscribe, inboxes and acks go to the transport
 * (transport.ts); request/reply is kept here. Publishing is synchronous: subscribers are called at
 * once, inboxes get the message, and its database write is queued (written at the end of the tick).
 */
export class Bus {
  readonly transport: BusTransport;
  private pending = new Map<string, { resolve: Handler; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    readonly agents: AgentRegistry,
    store: BusStore | null,
    opts: BusOptions = {},
  ) {
    const local = opts.transport ?? new LocalTransport(agents, store, { inboxCapacity: opts.inboxCapacity });
    this.transport = opts.wrapTransport ? opts.wrapTransport(local) : local;
  }

  get inboxCapacity(): number {
    return this.transport.inboxCapacity;
  }

  /** Sends a message; returns it with its id, seq and time. Throws on an unknown recipient or oversize payload. */
  publish(input: PublishInput): BusMessage {
    const m = this.transport.publish(input);
    if (m.correlation_id !== undefined && this.pending.size) this.settle(m);
    return m;
  }

  private settle(m: BusMessage): void {
    const p = this.pending.get(m.correlation_id!);
    if (!p || m.id === m.correlation_id) return;
    this.pending.delete(m.correlation_id!);
    clearTimeout(p.timer);
    // the requester has its answer: it need not find it again in its inbox
    if (m.to !== undefined && this.transport.waiting(m.to, m.seq)) this.transport.ack(m.to, { seqs: [m.seq] });
    p.resolve(m);
  }

  /** Publishes and waits for the first message that carries this one's id as correlation_id. */
  request(input: PublishInput, timeoutMs = 30_000): Promise<BusMessage> {
    return new Promise((resolve, reject) => {
      // registered before publishing: a subscriber may answer synchronously, inside publish
      let id = this.transport.nextId();
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AppError("timeout", `no reply to message ${id} within ${timeoutMs} ms (the recipient may be away; its inbox keeps the request)`));
      }, timeoutMs);
      const waiter = { resolve, timer };
      this.pending.set(id, waiter);
      try {
        const m = this.publish(input);
        // a cluster's transport names a message for an agent on another node itself: wait under that name
        if (m.id !== id && this.pending.get(id) === waiter) {
          this.pending.delete(id);
          this.pending.set((id = m.id), waiter);
        }
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
    return this.transport.subscribe({ topic }, h);
  }

  /** Live delivery of what reaches an agent's inbox (direct, its topics, broadcasts). */
  subscribeAgent(agent: string, h: Handler): () => void {
    return this.transport.subscribe({ agent }, h);
  }

  /** Whether the agent has a live subscriber (a WebSocket open as that agent): it counts as alive. */
  isConnected(agent: string): boolean {
    return this.transport.isConnected(agent);
  }

  subscribeAll(h: Handler): () => void {
    return this.transport.subscribe({ all: true }, h);
  }

  /** Called for every message that lands in an inbox (agent status uses it to type messages into sessions). */
  onInbox(l: (agent: string, m: BusMessage) => void): () => void {
    return this.transport.onInbox(l);
  }

  /** What waits for an agent, oldest first, with the count dropped since it was last told. */
  readInbox(agent: string, q: InboxQuery = {}): InboxAnswer {
    this.agents.get(agent);
    this.agents.touch(agent);
    return { agent, ...this.transport.inbox(agent, q) };
  }

  /** Acknowledges messages (by seq, or everything up to a seq); they leave the inbox for good. */
  ack(agent: string, which: AckInput): number {
    this.agents.get(agent);
    return this.transport.ack(agent, which);
  }

  inboxSize(agent: string): number {
    return this.transport.inboxSize(agent);
  }

  /**
   * Persisted messages, oldest first. With `viewer`, only what that caller may see: messages it
   * sent or that were sent to it, broadcasts, and messages on its topics.
   */
  history(q: { agent?: string; topic?: string; type?: string; afterSeq?: number; limit?: number; viewer?: Viewer } = {}): BusMessage[] {
    return this.transport.history({ ...q, limit: Math.min(q.limit ?? 200, 10_000) });
  }

  stats() {
    return this.transport.stats();
  }

  flush(): void {
    this.transport.flush();
  }

  close(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.transport.close();
  }
}
