import type { BusMessage } from "./message.ts";

/**
 * One agent's inbox: messages wait here until the agent acknowledges them, so each is delivered at
 * least once (an unacknowledged message is handed out again on the next read or reconnect).
 *
 * Limit: the inbox holds at most `capacity` messages (AI_SESSION_BUS_INBOX). A message arriving at
 * a full inbox pushes out the OLDEST waiting one. If that one was never handed out it is lost to the
 * agent: it is counted in `dropped`, and the count comes with the agent's next read (REST, MCP, CLI),
 * its next connect (a `dropped` frame) or its next typed delivery, then is cleared. One that was
 * handed out but never acknowledged only loses its redelivery (`evictedUnacked`).
 *
 * Kept as arrays in seq order (messages arrive in seq order): acknowledging up to a seq and
 * pushing out the oldest move a head index; a lookup by seq is a binary search.
 */
export class Inbox {
  private seqs: number[] = [];
  /** null once acknowledged or pushed out. */
  private msgs: Array<BusMessage | null> = [];
  /** Handed out (written to a live connection, read, typed) at least once. */
  private sent: boolean[] = [];
  private head = 0;
  private live = 0;
  /** Drops not yet told to the agent. */
  private unreported = 0;
  droppedTotal = 0;
  evictedUnacked = 0;
  /** Highest seq ever pushed or restored. */
  lastSeq = 0;

  constructor(
    readonly agent: string,
    readonly capacity: number,
  ) {}

  get size(): number {
    return this.live;
  }

  /** Adds a message (seqs come in increasing order); true when an older one had to go to make room. */
  push(m: BusMessage): boolean {
    this.seqs.push(m.seq);
    this.msgs.push(m);
    this.sent.push(false);
    this.live++;
    if (m.seq > this.lastSeq) this.lastSeq = m.seq;
    if (this.live <= this.capacity) return false;
    this.skipGone();
    const i = this.head;
    if (this.sent[i]) this.evictedUnacked++;
    else {
      this.unreported++;
      this.droppedTotal++;
    }
    this.remove(i);
    this.skipGone();
    return true;
  }

  /** Restores a message loaded from the database at start (past the capacity the oldest go, counted). */
  restore(m: BusMessage): void {
    this.push(m);
  }

  private remove(i: number): void {
    this.msgs[i] = null;
    this.live--;
  }

  /** Moves the head past what is gone, and lets go of the arrays' dead start now and then. */
  private skipGone(): void {
    const n = this.msgs.length;
    while (this.head < n && this.msgs[this.head] === null) this.head++;
    if (this.head === n) {
      if (n) (this.seqs = []), (this.msgs = []), (this.sent = []), (this.head = 0);
    } else if (this.head > 4096 && this.head * 2 > n) {
      this.seqs = this.seqs.slice(this.head);
      this.msgs = this.msgs.slice(this.head);
      this.sent = this.sent.slice(this.head);
      this.head = 0;
    }
  }

  /** Index of the first entry with a seq above `seq`. */
  private after(seq: number): number {
    let lo = this.head;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid]! <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the waiting entry with this seq, or -1. */
  private indexOf(seq: number): number {
    const i = this.after(seq) - 1;
    return i >= this.head && this.seqs[i] === seq && this.msgs[i] !== null ? i : -1;
  }

  /** The message was written to a live connection of the agent. */
  markSent(seq: number): void {
    const n = this.seqs.length;
    // almost always the newest entry: look there before searching
    const i = n && this.seqs[n - 1] === seq ? n - 1 : this.indexOf(seq);
    if (i >= 0) this.sent[i] = true;
  }

  /**
   * Waiting messages after `afterSeq`, oldest first (they count as handed out), and how many were
   * dropped since the last report. `keepDrops` leaves that count to report later (the caller tells
   * the agent itself, then calls takeDrops).
   */
  read(opts: { afterSeq?: number; limit?: number; keepDrops?: boolean } = {}): { messages: BusMessage[]; dropped: number } {
    const messages: BusMessage[] = [];
    const limit = opts.limit ?? Infinity;
    for (let i = opts.afterSeq != null ? this.after(opts.afterSeq) : this.head; i < this.msgs.length && messages.length < limit; i++) {
      const m = this.msgs[i];
      if (!m) continue;
      this.sent[i] = true;
      messages.push(m);
    }
    const dropped = this.unreported;
    if (!opts.keepDrops) this.unreported = 0;
    return { messages, dropped };
  }

  /** Clears up to `n` of the unreported drops (they were told); returns how many were cleared. */
  takeDrops(n = this.unreported): number {
    const k = Math.min(n, this.unreported);
    this.unreported -= k;
    return k;
  }

  get unreportedDrops(): number {
    return this.unreported;
  }

  /** Acknowledges messages by seq; returns how many were waiting. */
  ack(seqs: Iterable<number>, removed?: (seq: number) => void): number {
    let n = 0;
    for (const s of seqs) {
      const i = this.indexOf(s);
      if (i < 0) continue;
      this.remove(i);
      n++;
      removed?.(s);
    }
    if (n) this.skipGone();
    return n;
  }

  /** Acknowledges every waiting message up to and including `seq`; returns how many. */
  ackUpTo(seq: number): number {
    let n = 0;
    const end = this.after(seq);
    for (let i = this.head; i < end; i++) {
      if (this.msgs[i] === null) continue;
      this.remove(i);
      n++;
    }
    this.head = end;
    this.skipGone();
    return n;
  }

  has(seq: number): boolean {
    return this.indexOf(seq) >= 0;
  }

  /** The waiting message with this seq (undefined: acknowledged, pushed out, or never here). */
  get(seq: number): BusMessage | undefined {
    if (seq < this.floor()) return undefined; // the usual case of an old one: gone with the head
    const i = this.indexOf(seq);
    return i < 0 ? undefined : this.msgs[i]!;
  }

  /** Every seq below this one is gone from the inbox (the database may forget them). */
  floor(): number {
    return this.head < this.seqs.length ? this.seqs[this.head]! : this.lastSeq + 1;
  }
}
