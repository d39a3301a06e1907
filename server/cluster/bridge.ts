import type { NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JsMsg } from "@nats-io/jetstream";
import type { AgentRegistry } from "../bus/agents.ts";
import { isCopyId, sizeChecked, type BusMessage, type PublishInput } from "../bus/message.ts";
import type { AckInput, BusTransport, Handler, HistoryQuery, InboxQuery, InboxRead, Target, TransportStats } from "../bus/transport.ts";
import { settled, type Names } from "./connection.ts";
import { StreamPublisher } from "./publisher.ts";
import { busConsumers } from "./bus-consumers.ts";

/** What travels on the bus stream: the publish as its sender made it, and where it was made. */
interface Envelope {
  origin: string;
  id: string;
  input: PublishInput;
  /** The message's id as its sender was told it (what a reply's correlation_id names there). */
  mid?: string;
}

const SEEN_CAP = 20_000;
/** Envelopes in one stream message at most, its size at most, and the room left in it for headers and subject. */
const BATCH_MAX = 512;
const BATCH_MARGIN = 8192;
const BATCH_BYTES = 256 * 1024;
/** Stream messages one pull asks for. */
const PULL_MESSAGES = 256;

/** Envelopes for one subject, gathered during one turn of the event loop. */
interface Batch {
  texts: string[];
  bytes: number;
  /** The first envelope's id. */
  id: string;
}
const STREAM_MAX_AGE_NS = 24 * 3600 * 1e9;
const DUPLICATE_WINDOW_MS = 120_000;

/**
 * The bus across nodes. Each node's LocalTransport stays the store of record for what reaches its
 * own agents; this wrapper sends onwards what other nodes need, through one JetStream stream:
 * a message for an agent registered on another node goes to that node's subject (and only there),
 * a topic message or a broadcast is delivered here and goes to every other node as well.
 * Each node reads the stream through durable consumers of its own (bus-consumers.ts: what is
 * addressed to it, and every node's topic messages), so what is sent while a node is down waits
 * for it, and hands each message to its LocalTransport once (acknowledged after it is written;
 * redeliveries are dropped by message id). Publishing is pipelined (publisher.ts).
 */
export class ClusterTransport implements BusTransport {
  private js: JetStreamClient;
  private seen = new Set<string>();
  private publisher: StreamPublisher;
  /** Envelopes of this turn, by subject (send()). */
  private batches = new Map<string, Batch>();
  private batchQueued = false;
  private readonly batchBytes: number;
  private toAck: JsMsg[] = [];
  private readers: ConsumerMessages[] = [];
  private readonly fanPrefix: string;
  private readonly ownFan: string;
  private readonly ownTo: string;
  /** Publishes what came from another node here, through the Bus (which settles a request it answers). */
  private deliver: (input: PublishInput) => BusMessage;
  /** The publish now being delivered from the stream: it goes to the local transport only. */
  private incoming: PublishInput | undefined;
  /** Ids given here to messages from other nodes → their ids on the node that sent them. */
  private origins = new Map<string, string>();
  get forwarded(): number {
    return this.publisher.acknowledged;
  }
  received = 0;
  /** The highest local seq given to a message from the stream (what its acknowledgement waits for). */
  private lastDelivered = 0;

  constructor(
    private local: BusTransport,
    private agents: AgentRegistry,
    private nc: NatsConnection,
    private n: Names,
    private self: string,
    private nodeOfAgent: (agent: string) => string | undefined,
  ) {
    this.js = jetstream(nc);
    this.publisher = new StreamPublisher(nc, {
      giveUpMs: DUPLICATE_WINDOW_MS,
      onGiveUp: (count) => console.error(`cluster bus: ${count} message(s) for other nodes given up: NATS has not taken them for ${DUPLICATE_WINDOW_MS / 1000} s`),
    });
    this.deliver = (input) => this.local.publish(input);
    this.fanPrefix = n.busFan("");
    this.ownFan = n.busFan(self);
    this.ownTo = n.busTo(self);
    this.batchBytes = Math.min(BATCH_BYTES, (nc.info?.max_payload ?? 1024 * 1024) - BATCH_MARGIN);
  }

  /**
   * Makes the stream and this node's durable consumers (kept if they exist), then starts
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
    for (const durable of await busConsumers(jsm, this.n, this.self)) {
      const consumer = await this.js.consumers.get(this.n.stream, durable);
      this.readers.push(await consumer.consume({
        // a stream message carries up to BATCH_BYTES of a turn's messages (send()): a pull of
        // PULL_MESSAGES brings at most 64 MB, what a node that comes back to a long backlog takes at once
        max_messages: PULL_MESSAGES,
        // short pulls: when the NATS server holding a pull dies, the next pull (or a missed heartbeat) comes within seconds
        expires: 5000,
        callback: (m) => {
          if (this.wanted(m.subject)) {
            let body: Envelope | Envelope[] | undefined;
            try {
              body = m.json<Envelope | Envelope[]>();
            } catch (err) {
              console.error(`cluster bus: a message from the stream is not JSON (${(err as Error).message})`);
            }
            if (Array.isArray(body)) for (const e of body) this.receiveSafely(e);
            else if (body) this.receiveSafely(body);
          }
          this.ackAfterWrite(m);
        },
      }));
    }
  }

  /** Whether a message of the stream is for this node: a topic message or broadcast of another node, or one addressed here. */
  private wanted(subject: string): boolean {
    if (subject.startsWith(this.fanPrefix)) return subject !== this.ownFan;
    return subject === this.ownTo;
  }

  private receiveSafely(e: Envelope): void {
    try {
      this.receive(e);
    } catch (err) {
      console.error(`cluster bus: a message from the stream could not be delivered (${(err as Error).message})`);
    }
  }

  private receive(e: Envelope): void {
    if (e.origin === this.self) return;
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
    if (m.seq > this.lastDelivered) this.lastDelivered = m.seq;
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

  /**
   * Acknowledges once what was delivered is committed (one write for all that came in this tick;
   * with the bus's writer thread, when that thread says the transaction is done): a crash before
   * redelivers, never loses.
   */
  private ackAfterWrite(m: JsMsg): void {
    this.toAck.push(m);
    if (this.toAck.length > 1) return;
    setImmediate(() => {
      const batch = this.toAck;
      this.toAck = [];
      this.local.flush();
      const ack = () => {
        for (const x of batch) x.ack();
      };
      if (this.local.whenDurable && this.lastDelivered) this.local.whenDurable(this.lastDelivered, ack);
      else ack();
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

  /**
   * Sends a message to the stream, in order (publisher.ts: pipelined, sent again until taken).
   * What one turn of the event loop sends to a subject goes as one stream message: the envelope
   * itself when it is alone, else a JSON array of them (up to BATCH_MAX, within NATS's payload).
   */
  private send(subject: string, e: Envelope): void {
    const text = JSON.stringify(e);
    const bytes = Buffer.byteLength(text);
    let b = this.batches.get(subject);
    if (b && (b.texts.length >= BATCH_MAX || b.bytes + bytes + 1 > this.batchBytes)) {
      this.batches.delete(subject);
      this.sendBatch(subject, b);
      b = undefined;
    }
    if (!b) this.batches.set(subject, (b = { texts: [], bytes: 2, id: e.id }));
    b.texts.push(text);
    b.bytes += bytes + 1;
    if (this.batchQueued) return;
    this.batchQueued = true;
    queueMicrotask(() => this.flushBatches());
  }

  private flushBatches(): void {
    this.batchQueued = false;
    const all = this.batches;
    this.batches = new Map();
    for (const [subject, b] of all) this.sendBatch(subject, b);
  }

  /** One stream message; its id (the first envelope's, and how many) makes a resent copy harmless. */
  private sendBatch(subject: string, b: Batch): void {
    if (b.texts.length === 1) this.publisher.send(subject, b.texts[0]!, b.id);
    else this.publisher.send(subject, `[${b.texts.join(",")}]`, `${b.id}+${b.texts.length}`, b.texts.length);
  }

  stop(): void {
    this.flushBatches();
    this.publisher.close();
    for (const r of this.readers) void r.close();
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
  get backlog(): number { return this.local.backlog + this.publisher.backlog; }
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
