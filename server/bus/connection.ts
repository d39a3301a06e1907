import { assertJsonDepth } from "../security/json-depth.ts";
import { AppError, toAppError } from "../errors.ts";
import type { BusService } from "./index.ts";
import { DEFAULT_LIMITS } from "./limits.ts";
import { frameOf, publishSchema, readPublishFrame, type BusMessage } from "./message.ts";
import { Outbox } from "./outbox.ts";
import { pump, type Pumped } from "./pump.ts";

/** The socket under a live bus connection (a WebSocket). */
export interface Socket {
  /** Writes a frame; the socket buffers what the network cannot take yet. */
  send(text: string): void;
  /** Bytes the socket holds that the reader has not taken yet. */
  buffered(): number;
  close(code?: number, reason?: string): void;
  /** Runs fn with writes batched into as few system calls as possible (Bun's ws.cork). */
  cork?(fn: () => void): void;
  /** Stop and start reading the client's frames (TCP back-pressure on a publisher). */
  pause?(): void;
  resume?(): void;
}

export interface ConnectionParams {
  /** Connect as this agent: its unacknowledged inbox first, then live delivery. */
  agent?: string;
  topics?: string[];
  /** Every message (the dashboard's traffic view). */
  all?: boolean;
  /** Skip inbox messages up to this seq (already seen). */
  after?: number;
  /** Messages held for a slow reader before the oldest are dropped. */
  queue?: number;
  /** Bytes held for a slow reader before the oldest messages are dropped. */
  queueBytes?: number;
  /**
   * Which messages this connection may see (a caller that is not an admin: its own, its topics',
   * broadcasts); undefined sees everything it subscribed to. Topics it subscribes to here count as its.
   */
  visible?: (m: BusMessage, subscribed: (topic: string) => boolean) => boolean;
  /** Refuses (throws) an operation this connection's caller may not perform: each frame is checked. */
  authorize?: (op: BusOp) => void;
}

/** The operations a client frame may ask for. */
export const BUS_OPS = ["publish", "ack", "subscribe", "unsubscribe", "ping"] as const;
export type BusOp = (typeof BUS_OPS)[number];
const KNOWN_OPS: ReadonlySet<unknown> = new Set(BUS_OPS);

const MAX_FRAME = 256 * 1024;
/** Bytes let into the socket's own buffer before frames wait in the outbox instead. */
const SOCKET_HIGH = 256 * 1024;
/** A reader that leaves this much unread even of the replies and notices is closed. */
const SOCKET_HARD = 16 * 1024 * 1024;
/** Input frames read before the socket is paused, and the level at which it is read again. */
const INPUT_HIGH = 4096;
const INPUT_LOW = 512;
/** Writes the store may have queued before publishers wait for it. */
const STORE_HIGH = 50_000;
/** While a reader stays behind, at most one `dropped` frame per this many ms (the first at once). */
const REPORT_EVERY_MS = 250;
/** How often a backed-up socket is looked at when it does not say it drained. */
const DRAIN_POLL_MS = 50;

/** Counters over every live connection, for /api/bus/stats and the dashboard. */
export const connectionStats = { open: 0, dropped: 0, paused: 0 };
const live = new Set<BusConnection>();

/** What the live connections hold for their readers right now: queued frames, and bytes in their sockets. */
export function heldForReaders() {
  let messages = 0;
  let bytes = 0;
  let most = 0;
  for (const c of live) {
    const held = c.waitingForReader();
    messages += held.messages;
    bytes += held.bytes;
    if (held.bytes > most) most = held.bytes;
  }
  return { queued_messages: messages, queued_bytes: bytes, most_bytes_one_connection: most };
}

/**
 * One live bus connection. Frames to the client: {"kind":"message","message":{...}},
 * {"kind":"ready",...}, {"kind":"published","ref","id","seq"}, {"kind":"acked","count"},
 * {"kind":"dropped","count","first_seq","last_seq","in_inbox","dropped_total","where"},
 * {"kind":"error","code","message","ref"?}. Frames from the client: {"op":"publish",...message,
 * "ref"?}, {"op":"ack","seqs"|"up_to"}, {"op":"subscribe"|"unsubscribe","topic"}, {"op":"ping"}.
 * A bad frame gets an error frame; the connection stays open.
 *
 * Each message reaches a connection once, however it subscribed (as the agent registered for the
 * topic, with ?topics=, with ?all=1). Incoming frames are handled by the pump (pump.ts) in slices;
 * outgoing message frames wait in a bounded outbox (outbox.ts) while the reader is slow, and what
 * is dropped there is told in a `dropped` frame at the end of the same turn, ahead of the backlog.
 */
export class BusConnection implements Pumped {
  private outbox: Outbox;
  /** Replies and notices: never dropped, written ahead of the message backlog. */
  private control: string[] = [];
  private input: string[] = [];
  private inputHead = 0;
  private paused = false;
  private unsubs: Array<() => void> = [];
  private topicUnsubs = new Map<string, () => void>();
  private lastSeq = 0;
  private lastReport = 0;
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private subscribed = (topic: string) => this.topicUnsubs.has(topic);
  /** Set by close(): nothing is queued, flushed or drained after it. */
  private closed = false;

  constructor(
    private svc: BusService,
    private sender: string,
    private params: ConnectionParams,
    private socket: Socket,
  ) {
    const agent = params.agent;
    const transport = svc.bus.transport;
    this.outbox = new Outbox(params.queue ?? DEFAULT_LIMITS.queue, params.queueBytes ?? DEFAULT_LIMITS.queueBytes, agent ? (seq) => transport.waiting(agent, seq) : undefined);
  }

  open(): void {
    connectionStats.open++;
    live.add(this);
    const { bus } = this.svc;
    const agent = this.params.agent;
    if (agent) {
      // replay what waits, then go live; both happen in this same tick, so nothing falls between
      const { messages, dropped, capacity } = bus.readInbox(agent, { afterSeq: this.params.after });
      if (dropped) this.emit({ kind: "dropped", count: dropped, where: "inbox", capacity });
      for (const m of messages) this.deliver(m);
      this.unsubs.push(bus.subscribeAgent(agent, (m) => this.deliver(m)));
    }
    for (const t of this.params.topics ?? []) this.subscribe(t);
    if (this.params.all) this.unsubs.push(bus.subscribeAll((m) => this.deliver(m)));
    this.emit({ kind: "ready", agent: agent ?? null, sender: this.sender, topics: this.params.topics ?? [], all: !!this.params.all });
  }

  private subscribe(topic: string): void {
    if (this.topicUnsubs.has(topic)) return;
    this.topicUnsubs.set(topic, this.svc.bus.subscribeTopic(topic, (m) => this.deliver(m)));
  }

  private deliver(m: BusMessage): void {
    // one delivery per message: an agent registered for a topic that also asked for it here
    // (or ?all=1) is reached by several routes within the same publish
    if (m.seq <= this.lastSeq || this.closed) return;
    if (this.params.visible && !this.params.visible(m, this.subscribed)) return;
    this.lastSeq = m.seq;
    const before = this.outbox.droppedTotal;
    this.outbox.push(frameOf(m), m.seq);
    if (this.outbox.droppedTotal !== before) connectionStats.dropped += this.outbox.droppedTotal - before;
    pump.output(this);
  }

  private emit(frame: Record<string, unknown>): void {
    if (this.closed) return;
    this.control.push(JSON.stringify(frame));
    pump.output(this);
  }

  /** Writes replies and notices, then as much of the backlog as the socket takes. */
  flushOutput(): void {
    if (this.closed) return;
    if (this.outbox.hasReport) this.reportDrops(false);
    const write = () => {
      for (const f of this.control) this.socket.send(f);
      this.control = [];
      const room = SOCKET_HIGH - this.socket.buffered();
      if (room > 0 && this.outbox.queued) this.outbox.drain(room, (text, seq) => this.write(text, seq));
    };
    if (this.socket.cork) this.socket.cork(write);
    else write();
    if (this.outbox.queued === 0 && this.outbox.hasReport) this.reportDrops(true);
    if (this.socket.buffered() > SOCKET_HARD) {
      this.close();
      this.socket.close(1008, "the reader is too slow: it left 16 MB of replies and notices unread");
      return;
    }
    if (this.outbox.queued) this.waitForDrain();
  }

  private write(text: string, seq: number): void {
    this.socket.send(text);
    if (this.params.agent) this.svc.bus.transport.markSent(this.params.agent, seq);
  }

  /** Tells the reader what it missed: at once for the first drop, then at most every REPORT_EVERY_MS. */
  private reportDrops(final: boolean): void {
    const now = Date.now();
    if (!final && this.lastReport && now - this.lastReport < REPORT_EVERY_MS) return;
    const r = this.outbox.takeReport();
    if (!r) return;
    this.lastReport = now;
    this.socket.send(JSON.stringify({ kind: "dropped", where: "connection", ...r, dropped_total: this.outbox.droppedTotal }));
    if (final) this.lastReport = 0;
  }

  private waitForDrain(): void {
    if (this.pollTimer || this.closed) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      this.onDrain();
    }, DRAIN_POLL_MS);
  }

  /** The socket took what it held (Bun's drain), or the poll came round: write more. */
  onDrain(): void {
    if (this.closed) return;
    if (this.outbox.queued || this.outbox.hasReport || this.control.length) pump.output(this);
  }

  /** Frames and bytes waiting for this reader: in the outbox and in the socket's own buffer. */
  waitingForReader(): { messages: number; bytes: number } {
    return { messages: this.outbox.queued, bytes: this.outbox.bytes + (this.closed ? 0 : this.socket.buffered()) };
  }

  get stats() {
    return { queued: this.outbox.queued, queued_bytes: this.outbox.bytes, dropped: this.outbox.droppedTotal, sent: this.outbox.sent, input: this.input.length - this.inputHead };
  }

  /** A frame from the client: handled in order by the pump, within its time slices. */
  receive(text: string): void {
    if (this.closed) return;
    this.input.push(text);
    if (!this.paused && this.socket.pause && this.input.length - this.inputHead >= INPUT_HIGH) {
      this.paused = true;
      connectionStats.paused++;
      this.socket.pause();
    }
    pump.input(this);
  }

  get blocked(): boolean {
    return this.svc.bus.transport.backlog > STORE_HIGH;
  }

  step(max: number, deadline: number): boolean {
    if (this.closed) return false;
    const end = Math.min(this.input.length, this.inputHead + max);
    // a publish to a topic with many readers is much work: the clock is read after each frame
    while (this.inputHead < end) {
      const text = this.input[this.inputHead]!;
      this.input[this.inputHead++] = "";
      this.handle(text);
      if (this.closed) return false;
      if (performance.now() >= deadline) break;
    }
    const left = this.input.length - this.inputHead;
    if (left === 0) (this.input = []), (this.inputHead = 0);
    else if (this.inputHead > 4096) (this.input = this.input.slice(this.inputHead)), (this.inputHead = 0);
    if (this.paused && left <= INPUT_LOW) {
      this.paused = false;
      connectionStats.paused--;
      this.socket.resume?.();
    }
    return left > 0;
  }

  /** Handles one client frame now (the pump calls it; tests may too). */
  handle(text: string): void {
    let ref: unknown;
    try {
      if (text.length > MAX_FRAME) throw new AppError("too_large", `a frame of ${text.length} bytes is over the ${MAX_FRAME}-byte limit`);
      let frame: Record<string, unknown>;
      assertJsonDepth(text, "a frame");
      try {
        frame = JSON.parse(text);
      } catch {
        throw new AppError("invalid", "a frame must be a JSON object with an op (publish, ack, subscribe, unsubscribe, ping)");
      }
      if (!frame || typeof frame !== "object" || Array.isArray(frame)) throw new AppError("invalid", "a frame must be a JSON object with an op");
      ref = frame.ref;
      const op = frame.op;
      if (KNOWN_OPS.has(op)) this.params.authorize?.(op as BusOp);
      if (op === "publish") {
        const input = readPublishFrame(frame, this.sender) ?? this.explainBadPublish(frame);
        const m = this.svc.bus.publish(input);
        // `published` means on disk: a crash of the server after it cannot lose the message
        if (ref !== undefined) {
          const t = this.svc.bus.transport;
          const reply = () => !this.closed && this.emit({ kind: "published", ref, id: m.id, seq: m.seq });
          if (t.whenDurable) t.whenDurable(m.seq, reply);
          else reply();
        }
      } else {
        const { op: _op, ref: _ref, ...rest } = frame;
        this.command(op, rest, ref);
      }
    } catch (err) {
      const e = toAppError(err);
      this.emit({ kind: "error", code: e.code, message: e.message, ...(ref !== undefined ? { ref } : {}) });
    }
  }

  /** The slow path for a publish frame the fast check refused: zod says exactly what is wrong. */
  private explainBadPublish(frame: Record<string, unknown>): never {
    const { op: _op, ref: _ref, ...rest } = frame;
    const r = publishSchema.safeParse(rest);
    const issue = r.success ? undefined : r.error.issues[0];
    throw new AppError("invalid", `malformed message: ${issue?.path.length ? `"${issue.path.join(".")}": ` : ""}${issue?.message ?? "not valid"}`);
  }

  /** ack, subscribe, unsubscribe, ping. */
  private command(op: unknown, rest: Record<string, unknown>, ref: unknown): void {
    if (op === "ack") {
      if (!this.params.agent) throw new AppError("invalid", "ack needs a connection opened as an agent (?agent=NAME)");
      const seqs = Array.isArray(rest.seqs) ? rest.seqs.filter((s): s is number => typeof s === "number") : undefined;
      const upTo = typeof rest.up_to === "number" ? rest.up_to : undefined;
      const count = this.svc.bus.ack(this.params.agent, { seqs, upTo });
      if (ref !== undefined) this.emit({ kind: "acked", ref, count });
    } else if (op === "subscribe" || op === "unsubscribe") {
      if (typeof rest.topic !== "string") throw new AppError("invalid", `${op} needs a topic`);
      if (op === "subscribe") this.subscribe(rest.topic);
      else {
        this.topicUnsubs.get(rest.topic)?.();
        this.topicUnsubs.delete(rest.topic);
      }
      if (ref !== undefined) this.emit({ kind: `${op}d`, ref, topic: rest.topic });
    } else if (op === "ping") {
      this.emit({ kind: "pong", ref: ref ?? null, ...this.stats });
    } else {
      throw new AppError("invalid", `unknown op ${JSON.stringify(op)} (publish, ack, subscribe, unsubscribe, ping)`);
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    connectionStats.open--;
    live.delete(this);
    if (this.paused) connectionStats.paused--;
    this.paused = false;
    pump.forget(this);
    for (const u of this.unsubs) u();
    for (const u of this.topicUnsubs.values()) u();
    this.unsubs = [];
    this.topicUnsubs.clear();
    this.outbox.clear();
    this.control = [];
    this.input = [];
    this.inputHead = 0;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }
}
