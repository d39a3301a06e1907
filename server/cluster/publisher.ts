import { createInbox, headers, type Msg, type NatsConnection, type Subscription } from "@nats-io/transport-node";

/** One message for the stream, as it waits, travels and is acknowledged. */
interface Item {
  subject: string;
  data: string;
  msgId: string;
  /** How many messages of the caller's it carries (the backlog counts them). */
  weight: number;
  /** Its place in the order of sending (what is sent again goes in this order). */
  order: number;
  sentAt: number;
}

export interface PublisherOptions {
  /** Messages sent and not yet acknowledged by JetStream, at most. */
  window?: number;
  /** A message not acknowledged within this time is sent again (its id makes a second copy harmless). */
  ackTimeoutMs?: number;
  /** Pause before what failed is sent again. */
  retryMs?: number;
  /** For how long what NATS does not take is sent again before it is given up (the stream's duplicate window). */
  giveUpMs: number;
  /** Told how many messages were given up. */
  onGiveUp(count: number): void;
}

/**
 * Publishes to a JetStream stream with pipelined acknowledgements: each message is a plain NATS
 * publish whose reply subject is one wildcard inbox of this publisher (no request, promise or
 * timer per message, as `js.publish` makes), up to `window` unacknowledged at once. Messages leave
 * in order; when one is refused (an error acknowledgement, no stream answering, no answer within
 * ackTimeoutMs) nothing newer is sent until every message in flight is settled, and then what was
 * not acknowledged is sent again first, in its order, every retryMs, for up to giveUpMs. While
 * the connection is down nothing is sent (NATS's client drops what is written then), and what was
 * in flight at the disconnect is sent again first at the reconnect.
 */
export class StreamPublisher {
  private queue: Item[] = [];
  private queueHead = 0;
  private inFlight = new Map<string, Item>();
  private failed: Item[] = [];
  private failingSince = 0;
  private holding = false;
  private order = 0;
  private token = 0;
  private readonly prefix: string;
  private sub: Subscription;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Whether the connection is up (what is published while it is down, NATS's client drops at its next dial). */
  private connected = true;
  private readonly window: number;
  private readonly ackTimeoutMs: number;
  private readonly retryMs: number;
  /** Messages JetStream acknowledged (by weight). */
  acknowledged = 0;
  /** The weight of everything queued, in flight or waiting to be sent again. */
  private pending = 0;

  constructor(private nc: NatsConnection, private opts: PublisherOptions) {
    this.window = opts.window ?? 8192;
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 5000;
    this.retryMs = opts.retryMs ?? 500;
    this.prefix = `${createInbox()}.`;
    this.sub = nc.subscribe(`${this.prefix}*`, { callback: (_err, m) => this.onAck(m) });
    void this.follow();
  }

  /**
   * Follows the connection: at a disconnect everything in flight counts as failed (its
   * acknowledgement, or the message itself, may be lost) and nothing is sent until the
   * reconnect, when what failed goes first, in order.
   */
  private async follow(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (this.closed) return;
      if (s.type === "disconnect") {
        this.connected = false;
        for (const item of this.inFlight.values()) this.fail(item);
        this.inFlight.clear();
        this.settleIfDone();
      } else if (s.type === "reconnect") {
        this.connected = true;
        if (!this.holding) this.pump();
        else if (!this.inFlight.size) this.resend();
      }
    }
  }

  /** Queues a message (carrying `weight` of the caller's); it leaves at once when the window has room. */
  send(subject: string, data: string, msgId: string, weight = 1): void {
    if (this.closed) return;
    this.queue.push({ subject, data, msgId, weight, order: this.order++, sentAt: 0 });
    this.pending += weight;
    this.pump();
  }

  /** Messages (by weight) queued, in flight or waiting to be sent again. */
  get backlog(): number {
    return this.pending;
  }

  private pump(): void {
    while (this.connected && !this.holding && this.queueHead < this.queue.length && this.inFlight.size < this.window) {
      const item = this.queue[this.queueHead]!;
      this.queue[this.queueHead++] = undefined as unknown as Item;
      this.transmit(item);
      if (this.holding) break;
    }
    if (this.queueHead === this.queue.length) (this.queue = []), (this.queueHead = 0);
    else if (this.queueHead > 4096) (this.queue = this.queue.slice(this.queueHead)), (this.queueHead = 0);
    this.arm();
  }

  private transmit(item: Item): void {
    const token = (this.token++).toString(36);
    item.sentAt = performance.now();
    this.inFlight.set(token, item);
    const h = headers();
    h.set("Nats-Msg-Id", item.msgId);
    try {
      this.nc.publish(item.subject, item.data, { reply: this.prefix + token, headers: h });
    } catch {
      // closed or draining: it fails like an unanswered one
      this.inFlight.delete(token);
      this.fail(item);
    }
  }

  private onAck(m: Msg): void {
    const item = this.inFlight.get(m.subject.slice(this.prefix.length));
    if (!item) return; // timed out already: it is being sent again
    this.inFlight.delete(m.subject.slice(this.prefix.length));
    if (refused(m)) this.fail(item);
    else {
      this.acknowledged += item.weight;
      this.pending -= item.weight;
      if (!this.holding) this.failingSince = 0;
    }
    if (this.holding) this.settleIfDone();
    else if (this.queueHead < this.queue.length) this.pump();
  }

  private fail(item: Item): void {
    this.failed.push(item);
    this.holding = true;
    this.failingSince ||= Date.now();
  }

  /** Once nothing is in flight after a failure: what failed goes first again, after a pause. */
  private settleIfDone(): void {
    if (this.inFlight.size || !this.holding || this.closed) return;
    this.clearTimer();
    if (Date.now() - this.failingSince > this.opts.giveUpMs) {
      let count = 0;
      for (const item of this.failed) count += item.weight;
      this.pending -= count;
      this.failed = [];
      this.failingSince = 0;
      this.holding = false;
      this.opts.onGiveUp(count);
      this.pump();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.connected) this.resend(); // else at the reconnect
    }, this.retryMs);
  }

  /** Nothing is in flight: what failed is all there is to send before the queue, in its order. */
  private resend(): void {
    this.clearTimer();
    this.queue = [...this.failed.sort((a, b) => a.order - b.order), ...this.queue.slice(this.queueHead)];
    this.queueHead = 0;
    this.failed = [];
    this.holding = false;
    this.pump();
  }

  /** The timer that finds messages not acknowledged in time (one for all of them). */
  private arm(): void {
    if (this.timer || this.closed || !this.inFlight.size) return;
    const oldest = this.inFlight.values().next().value!;
    const wait = Math.max(1, oldest.sentAt + this.ackTimeoutMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.expire();
    }, wait);
  }

  private expire(): void {
    const now = performance.now();
    for (const [token, item] of this.inFlight) {
      if (item.sentAt + this.ackTimeoutMs > now) break; // in order of sending: the rest are younger
      this.inFlight.delete(token);
      this.fail(item);
    }
    if (this.holding) this.settleIfDone();
    this.arm();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Stops: what is queued leaves now (the connection's drain flushes it), nothing is sent again after. */
  close(): void {
    if (this.closed) return;
    for (const item of [...this.failed.sort((a, b) => a.order - b.order), ...this.queue.slice(this.queueHead)]) this.transmit(item);
    this.queue = [];
    this.queueHead = 0;
    this.failed = [];
    this.pending = 0;
    this.closed = true;
    this.clearTimer();
    this.sub.unsubscribe();
  }
}

/** Whether JetStream did not take the message: a status (503: no stream for the subject) or an error acknowledgement. */
function refused(m: Msg): boolean {
  if (m.headers?.hasError) return true;
  if (!m.data.length) return true;
  // {"stream":"…","seq":N}, or {"error":{…}} when refused
  return m.string().includes('"error"');
}
