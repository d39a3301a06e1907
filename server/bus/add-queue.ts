/**
 * The store's queue of inbox entries waiting to be written (store.ts): for each message that
 * reached some inboxes, in seq order, who it reached (one agent or a list), its seq and its time.
 * Held in typed arrays, no object per message: an entry waits a second (inboxDelayMs) before it is
 * looked at, long enough for the collector to move an object per entry to its old generation, which
 * made this queue the costliest part of a persisted direct message. One agent is kept as a number
 * (its name's index); a list (a topic's agents, a broadcast) by seq beside it.
 */
export class AddQueue {
  private seqs = new Float64Array(1024);
  private ats = new Float64Array(1024);
  /** Index into `names`, or -1: the entry's agents are in `lists`. */
  private who = new Int32Array(1024);
  private start = 0;
  private end = 0;
  private names: string[] = [];
  private ids = new Map<string, number>();
  private lists = new Map<number, readonly string[]>();

  get size(): number {
    return this.end - this.start;
  }

  push(agents: string | readonly string[], seq: number, at: number): void {
    if (this.end === this.seqs.length) this.makeRoom();
    const i = this.end++;
    this.seqs[i] = seq;
    this.ats[i] = at;
    if (typeof agents === "string") {
      let id = this.ids.get(agents);
      if (id === undefined) {
        id = this.names.length;
        this.names.push(agents);
        this.ids.set(agents, id);
      }
      this.who[i] = id;
    } else {
      this.who[i] = -1;
      this.lists.set(seq, agents);
    }
  }

  /** The oldest entry's time (the queue must not be empty). */
  firstAt(): number {
    return this.ats[this.start]!;
  }

  /** The k-th entry from the oldest: its time, seq, and who it reached. */
  atOf(k: number): number {
    return this.ats[this.start + k]!;
  }

  seqOf(k: number): number {
    return this.seqs[this.start + k]!;
  }

  agentsOf(k: number): string | readonly string[] {
    const id = this.who[this.start + k]!;
    return id >= 0 ? this.names[id]! : this.lists.get(this.seqs[this.start + k]!)!;
  }

  /** Lets go of the `n` oldest entries. */
  drop(n: number): void {
    for (let i = this.start; i < this.start + n; i++) if (this.who[i] === -1) this.lists.delete(this.seqs[i]!);
    this.start += n;
    if (this.start === this.end) {
      this.start = this.end = 0;
      // names of agents long gone do not pile up
      if (this.names.length > 10_000) (this.names = []), this.ids.clear();
    }
  }

  /** Moves the live entries to the front, or doubles the arrays when they are more than half full. */
  private makeRoom(): void {
    const n = this.end - this.start;
    if (n * 2 <= this.seqs.length) {
      this.seqs.copyWithin(0, this.start, this.end);
      this.ats.copyWithin(0, this.start, this.end);
      this.who.copyWithin(0, this.start, this.end);
    } else {
      const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a.subarray(this.start, this.end));
        return b;
      };
      this.seqs = grow(this.seqs, (k) => new Float64Array(k));
      this.ats = grow(this.ats, (k) => new Float64Array(k));
      this.who = grow(this.who, (k) => new Int32Array(k));
    }
    this.start = 0;
    this.end = n;
  }
}
