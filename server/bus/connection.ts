import { assertJsonDepth } from "../security/json-depth.ts";
import { AppError, toAppError } from "../errors.ts";
import type { BusService } from "./index.ts";
import { publishSchema, readPublishFrame, type BusMessage } from "./message.ts";
import { Outbox } from "./outbox.ts";

/** The transport under a live bus connection (a WebSocket): send returns false when backed up. */
export interface Transport {
  send(text: string): boolean;
  close(code?: number, reason?: string): void;
  /** Runs fn with writes batched into as few system calls as possible (Bun's ws.cork). */
  cork?(fn: () => void): void;
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

/** Counters over every live connection, for /api/bus/stats and the dashboard. */
export const connectionStats = { open: 0, dropped: 0 };

/**
 * One live bus connection. Frames to the client: {"kind":"message","message":{...}},
 * {"kind":"published","ref","id","seq"}, {"kind":"acked","count"}, {"kind":"dropped","count"},
 * {"kind":"error","code","message","ref"?}. Frames from the client: {"op":"publish",...message,
 * "ref"?}, {"op":"ack","seqs"|"up_to"}, {"op":"subscribe"|"unsubscribe","topic"}, {"op":"ping"}.
 * A bad frame gets an error frame; the connection stays open.
 */
export class BusConnection {
  private outbox: Outbox;
  private unsubs: Array<() => void> = [];
  private topicUnsubs = new Map<string, () => void>();
  private drainTimer: ReturnType<typeof setInterval> | null = null;
  /** Frames produced in this turn of the event loop, written together (one syscall, not one each). */
  private batch: string[] = [];
  private subscribed = (topic: string) => this.topicUnsubs.has(topic);
  /** Set by close(): nothing is queued, flushed or drained after it. */
  private closed = false;

  constructor(
    private svc: BusService,
    private sender: string,
    private params: ConnectionParams,
    private transport: Transport,
  ) {
    this.outbox = new Outbox((t) => transport.send(t), params.queue ?? 1000, () => connectionStats.dropped++);
  }

  open(): void {
    connectionStats.open++;
    const { bus } = this.svc;
    const agent = this.params.agent;
    if (agent) {
      // replay what waits, then go live; both happen in this same tick, so nothing falls between
      const { messages, dropped } = bus.readInbox(agent, { afterSeq: this.params.after });
      if (dropped) this.emit({ kind: "dropped", count: dropped, where: "inbox" });
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
    if (this.params.visible && !this.params.visible(m, this.subscribed)) return;
    this.queue(`{"kind":"message","message":${JSON.stringify(m)}}`);
  }

  private emit(frame: Record<string, unknown>): void {
    this.queue(JSON.stringify(frame));
  }

  private queue(text: string): void {
    if (this.closed) return;
    if (this.batch.push(text) === 1) setImmediate(() => this.flushBatch());
  }

  private flushBatch(): void {
    if (this.closed) return;
    const frames = this.batch;
    this.batch = [];
    const write = () => {
      for (const f of frames) this.outbox.offer(f);
    };
    if (this.transport.cork) this.transport.cork(write);
    else write();
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.closed || this.outbox.queued === 0 || this.drainTimer) return;
    this.drainTimer = setInterval(() => {
      this.outbox.drain();
      if (this.outbox.queued === 0 && this.drainTimer) {
        clearInterval(this.drainTimer);
        this.drainTimer = null;
      }
    }, 10);
  }

  get stats() {
    return { queued: this.outbox.queued, dropped: this.outbox.droppedTotal, sent: this.outbox.sent };
  }

  receive(text: string): void {
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
        const input = readPublishFrame(frame) ?? this.explainBadPublish(frame);
        const m = this.svc.bus.publish({ ...input, sender: this.sender });
        if (ref !== undefined) this.emit({ kind: "published", ref, id: m.id, seq: m.seq });
      } else {
        const { op: _op, ref: _ref, ...rest } = frame;
        this.control(op, rest, ref);
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
  private control(op: unknown, rest: Record<string, unknown>, ref: unknown): void {
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
    this.batch = [];
    connectionStats.open--;
    for (const u of this.unsubs) u();
    for (const u of this.topicUnsubs.values()) u();
    this.unsubs = [];
    this.topicUnsubs.clear();
    if (this.drainTimer) clearInterval(this.drainTimer);
    this.drainTimer = null;
  }
}
