import type { NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JsMsg } from "@nats-io/jetstream";
import type { AgentRegistry } from "../bus/agents.ts";
import { isCopyId, sizeChecked, type BusMessage, type PublishInput } from "../bus/message.ts";
import type { AckInput, BusTransport, Handler, HistoryQuery, InboxQuery, InboxRead, Target, TransportStats } from "../bus/transport.ts";
import { settled, type Names } from "./connection.ts";

/** What travels on the bus stream: the publish as its sender made it, and where it was made. */
interface Envelope {
  origin: string;
  id: string;
  input: PublishInput;
  /** The message's id as its sender was told it (what a reply's correlation_id names there). */
  mid?: string;
}

const SEEN_CAP = 20_000;
const STREAM_MAX_AGE_NS = 24 * 3600 * 1e9;
const DUPLICATE_WINDOW_MS = 120_000;

/**
 * The bus across nodes. Each node's LocalTransport stays the store of record for what reaches its
 * own agents; this wrapper sends onwards what other nodes need, through one JetStream stream:
 * a message for an agent registered on another node goes to that node's subject (and only there),
 * a topic message or a broadcast is delivered here and goes to every other node as well.
 * Each node reads the stream through its own durable consumer, so what is sent while a node is
 * down waits for it, and hands each message to its LocalTransport once (acknowledged after it is
 * written; redeliveries are dropped by message id).
 */
export class ClusterTransport implements BusTransport {
  private js: JetStreamClient;
  private seen = new Set<string>();
  private queue: Array<{ subject: string; e: Envelope }> = [];
  private draining = false;
  private inFlight = 0;
  private toAck: JsMsg[] = [];
  private messages: ConsumerMessages | undefined;
  /** Publishes what came from another node here, through the Bus (which settles a request it answers). */
  private deliver: (input: PublishInput) => BusMessage;
  /** The publish now being delivered from the stream: it goes to the local transport only. */
  private incoming: PublishInput | undefined;
  /** Ids given here to messages from other nodes → their ids on the node that sent them. */
  private origins = new Map<string, string>();
  forwarded = 0;
  received = 0;

  constructor(
    private local: BusTransport,
    private agents: AgentRegistry,
    private nc: NatsConnection,
    private n: Names,
    private self: string,
    private nodeOfAgent: (agent: string) => string | undefined,
  ) {
    this.js = jetstream(nc);
    this.deliver = (input) => this.local.publish(input);
  }

  /**
   * Makes the stream and this node's durable consumer (both kept if they exist), then starts
   * reading. `deliver` is the Bus's publish: a reply from another node settles the request waiting
   * for it here, as a local reply does.
   */
  async start(deliver?: (input: PublishInput) => BusMessage): Promise<void> {
    if (deliver) this.deliver = deliver;
    const jsm = await jetstreamManager(this.nc);
    await settled(async () => {
      try {
        await jsm.streams.info(this.n.stream);
      } catch {
        await jsm.streams.add({ name: this.n.stream, subjects: [this.n.busAll], max_age: STREAM_MAX_AGE_NS, duplicate_window: DUPLICATE_WINDOW_MS * 1e6, num_replicas: this.n.replicas });
      }
    });
    const durable = this.n.durable(this.self);
    await settled(async () => {
      try {
        await jsm.consumers.info(this.n.stream, durable);
      } catch {
        // a new node starts with what is sent from now on, not the stream's past
        await jsm.consumers.add(this.n.stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, filter_subject: this.n.busAll, ack_wait: 30 * 1e9 });
      }
    });
    const consumer = await this.js.consumers.get(this.n.stream, durable);
    this.messages = await consumer.consume({
      max_messages: 1000,
      // short pulls: when the NATS server holding a pull dies, the next pull (or a missed heartbeat) comes within seconds
      expires: 5000,
      callback: (m) => {
        try {
          this.receive(m.subject, m.json<Envelope>());
        } catch (err) {
          console.error(`cluster bus: a message from the stream could not be delivered (${(err as Error).message})`);
        }
        this.ackAfterWrite(m);
      },
    });
  }

  private receive(subject: string, e: Envelope): void {
    if (e.origin === this.self) return;
    if (subject.startsWith(this.n.busTo("")) && subject !== this.n.busTo(this.self)) return; // for another node
    if (this.seen.has(e.id)) return;
    this.remember(e.id);
    if (e.input.to !== undefined && !this.agents.find(e.input.to)) return; // unregistered meanwhile: nobody here to take it
    if (e.input.to === undefined) e.input.copyOf = e.origin; // its sender's node shows it in the cluster's traffic
    else delete e.input.copyOf;
    this.incoming = e.input;
    let m: BusMessage;
    try {
      m = this.deliver(e.input);
    } finally {
      this.incoming = undefined;
    }
    if (e.mid !== undefined) this.rememberOrigin(m.id, e.mid);
    this.received++;
  }

  /** Whether this node's message is its copy of a topic message or broadcast that another node sent (its id says so, across restarts). */
  isCopy(id: string): boolean {
    return isCopyId(id);
  }

  private rememberOrigin(local: string, origin: string): void {
    this.origins.set(local, origin);
    trimmed(this.origins);
  }

  /**
   * The publish as another node reads it: a reply names the request by the id its sender was told
   * (this node gave the request an id of its own when it arrived).
   */
  private outward(input: PublishInput): PublishInput {
    const out = strip(input);
    const origin = input.correlation_id !== undefined ? this.origins.get(input.correlation_id) : undefined;
    if (origin !== undefined) out.correlation_id = origin;
    return out;
  }

  /** Acknowledges once what was delivered is written (one write for all that came in this tick): a crash before redelivers, never loses. */
  private ackAfterWrite(m: JsMsg): void {
    this.toAck.push(m);
    if (this.toAck.length > 1) return;
    setImmediate(() => {
      const batch = this.toAck;
      this.toAck = [];
      this.local.flush();
      for (const x of batch) x.ack();
    });
  }

  private remember(id: string): void {
    capped(this.seen, id);
  }

  publish(input: PublishInput): BusMessage {
    if (input === this.incoming) return this.local.publish(input); // from the stream: delivered here, sent nowhere
    if (input.to !== undefined && !this.agents.find(input.to)) {
      const node = this.nodeOfAgent(input.to);
      if (!node) this.agents.get(input.to); // unknown everywhere: the same not_found as on one machine
      return this.forwardDirect(input, node!);
    }
    const m = this.local.publish(input);
    if (input.to === undefined) this.send(this.n.busFan(this.self), { origin: this.self, id: `${this.self}:${m.id}`, mid: m.id, input: this.outward(input) });
    return m;
  }

  /** A message for an agent on another node: stored and delivered there, not here. */
  private forwardDirect(input: PublishInput, node: string): BusMessage {
    sizeChecked(input.payload);
    const id = `${this.self}:${crypto.randomUUID()}`;
    const m: BusMessage = { id, seq: 0, type: input.type ?? "custom", sender: input.sender, to: input.to, payload: input.payload, time: Date.now() };
    if (input.correlation_id !== undefined) m.correlation_id = input.correlation_id;
    this.send(this.n.busTo(node), { origin: this.self, id, mid: id, input: this.outward(input) });
    return m;
  }

  /** Queues a message for the stream; drain() sends the queue in order. */
  private send(subject: string, e: Envelope): void {
    this.queue.push({ subject, e });
    if (!this.draining) void this.drain();
  }

  /**
   * Sends what is queued, in batches, in order. What NATS did not accept (it is away, or
   * restarting) is sent again before anything newer, every half second for up to the stream's
   * duplicate window (the message id makes a second copy harmless); then it is given up, loudly.
   */
  private async drain(): Promise<void> {
    this.draining = true;
    let since = 0;
    while (this.queue.length) {
      const batch = this.queue.splice(0, 4096);
      this.inFlight = batch.length;
      const results = await Promise.allSettled(batch.map((b) => this.js.publish(b.subject, JSON.stringify(b.e), { msgID: b.e.id })));
      this.inFlight = 0;
      const failed = batch.filter((_, i) => results[i]!.status === "rejected");
      this.forwarded += batch.length - failed.length;
      if (!failed.length) {
        since = 0;
        continue;
      }
      since ||= Date.now();
      if (Date.now() - since > DUPLICATE_WINDOW_MS) {
        console.error(`cluster bus: ${failed.length} message(s) for other nodes given up: NATS has not taken them for ${DUPLICATE_WINDOW_MS / 1000} s`);
        since = 0;
        continue;
      }
      this.queue.unshift(...failed);
      await new Promise((r) => setTimeout(r, 500));
    }
    this.draining = false;
  }

  stop(): void {
    void this.messages?.close();
  }

  nextId(): string { return this.local.nextId(); }
  subscribe(target: Target, h: Handler): () => void { return this.local.subscribe(target, h); }
  isConnected(agent: string): boolean { return this.local.isConnected(agent); }
  onInbox(l: (agent: string, m: BusMessage) => void): () => void { return this.local.onInbox(l); }
  inbox(agent: string, q?: InboxQuery): InboxRead { return this.local.inbox(agent, q); }
  markSent(agent: string, seq: number): void { this.local.markSent(agent, seq); }
  waiting(agent: string, seq: number): boolean { return this.local.waiting(agent, seq); }
  takeDrops(agent: string, n: number): number { return this.local.takeDrops(agent, n); }
  ack(agent: string, which: AckInput): number { return this.local.ack(agent, which); }
  inboxSize(agent: string): number { return this.local.inboxSize(agent); }
  get inboxCapacity(): number { return this.local.inboxCapacity; }
  history(q: HistoryQuery): BusMessage[] { return this.local.history(q); }
  stats(): TransportStats { return this.local.stats(); }
  get backlog(): number { return this.local.backlog + this.queue.length + this.inFlight; }
  flush(): void { this.local.flush(); }
  close(): void {
    this.stop();
    this.local.close();
  }
}

/** Adds to a set of recent ids, forgetting the older half past SEEN_CAP. */
function capped(set: Set<string>, id: string): void {
  set.add(id);
  trimmed(set);
}

/** Forgets the older half of recent ids (a set, or a map keyed by them) past SEEN_CAP. */
function trimmed(recent: Set<string> | Map<string, string>): void {
  if (recent.size > SEEN_CAP) for (const old of recent.keys()) { recent.delete(old); if (recent.size <= SEEN_CAP / 2) break; }
}

/** What another node needs to publish the message again there. */
function strip(input: PublishInput): PublishInput {
  const out: PublishInput = { type: input.type, sender: input.sender, payload: input.payload };
  if (input.to !== undefined) out.to = input.to;
  if (input.topic !== undefined) out.topic = input.topic;
  if (input.broadcast) out.broadcast = true;
  if (input.correlation_id !== undefined) out.correlation_id = input.correlation_id;
  if (input.persist === false) out.persist = false;
  return out;
}
