import type { BusMessage } from "./message.ts";

/**
 * One agent's inbox: messages wait here until the agent acknowledges them, so each is delivered at
 * least once (an unacknowledged message is handed out again on the next read or reconnect).
 *
 * Drop policy: the inbox holds at most `capacity` messages. When a new message arrives at a full
 * inbox the OLDEST waiting message is dropped and counted; the count is reported with the next
 * read (`dropped`) and stays in `droppedTotal`.
 */
export class Inbox {
  private waiting = new Map<number, BusMessage>();
  /** Drops not yet reported to the agent. */
  private unreportedDrops = 0;
  droppedTotal = 0;

  constructor(
    readonly agent: string,
    readonly capacity: number,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  /** Adds a message; returns the message dropped to make room, if any. */
  push(m: BusMessage): BusMessage | undefined {
    this.waiting.set(m.seq, m);
    if (this.waiting.size <= this.capacity) return undefined;
    const oldest = this.waiting.keys().next().value as number;
    const dropped = this.waiting.get(oldest);
    this.waiting.delete(oldest);
    this.unreportedDrops++;
    this.droppedTotal++;
    return dropped;
  }

  /** Restores a message loaded from the database at start (no drop accounting). */
  restore(m: BusMessage): void {
    this.waiting.set(m.seq, m);
  }

  /**
   * Waiting messages after `afterSeq`, oldest first, and how many were dropped since the last read.
   * `keepDrops`: the count is reported but stays owed (a reader that may fail to hand it on, such
   * as automatic delivery, clears it with `takeDrops` once it did).
   */
  read(opts: { afterSeq?: number; limit?: number; keepDrops?: boolean } = {}): { messages: BusMessage[]; dropped: number } {
    const messages: BusMessage[] = [];
    const limit = opts.limit ?? Infinity;
    for (const m of this.waiting.values()) {
      if (opts.afterSeq != null && m.seq <= opts.afterSeq) continue;
      messages.push(m);
      if (messages.length >= limit) break;
    }
    const dropped = this.unreportedDrops;
    if (!opts.keepDrops) this.unreportedDrops = 0;
    return { messages, dropped };
  }

  /** Marks `n` drops as reported (those a `keepDrops` read returned and the reader passed on). */
  takeDrops(n: number): void {
    this.unreportedDrops = Math.max(0, this.unreportedDrops - n);
  }

  /** Acknowledges messages by seq; returns the seqs that were waiting. */
  ack(seqs: Iterable<number>): number[] {
    const done: number[] = [];
    for (const s of seqs) if (this.waiting.delete(s)) done.push(s);
    return done;
  }

  /** Acknowledges every waiting message up to and including `seq`. */
  ackUpTo(seq: number): number[] {
    const done: number[] = [];
    for (const s of this.waiting.keys()) {
      if (s > seq) break;
      this.waiting.delete(s);
      done.push(s);
    }
    return done;
  }

  has(seq: number): boolean {
    return this.waiting.has(seq);
  }
}
