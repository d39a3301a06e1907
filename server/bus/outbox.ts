/** What a connection was not able to send: told to the reader in a `dropped` frame. */
export interface DropReport {
  count: number;
  first_seq: number;
  last_seq: number;
  /** Of those, how many still wait in the reader's inbox (a reconnect or `bus inbox` gets them). */
  in_inbox: number;
}

/**
 * The bounded queue of message frames in front of one slow reader (a WebSocket client that reads
 * slower than the traffic, or not at all). Bounded in messages AND bytes (UTF-16 units of the
 * frame text, which is ASCII JSON for ASCII payloads): past either bound the OLDEST queued frames
 * are dropped, and the drop is recorded for a `dropped` frame (what was missed: count, first and
 * last seq, how many still wait in the inbox). Frames are shared strings: a message queued for a
 * hundred readers is held once.
 */
export class Outbox {
  private texts: string[] = [];
  private seqs: number[] = [];
  private head = 0;
  private bytesQueued = 0;
  private report: DropReport | null = null;
  droppedTotal = 0;
  sent = 0;

  constructor(
    readonly maxMessages: number,
    readonly maxBytes: number,
    /** Whether a dropped message still waits in the reader's inbox. */
    private inInbox: (seq: number) => boolean = () => false,
  ) {}

  get queued(): number {
    return this.texts.length - this.head;
  }

  get bytes(): number {
    return this.bytesQueued;
  }

  /** Queues a frame, dropping the oldest past the bounds. */
  push(text: string, seq: number): void {
    this.texts.push(text);
    this.seqs.push(seq);
    this.bytesQueued += text.length;
    while (this.queued > this.maxMessages || (this.bytesQueued > this.maxBytes && this.queued > 1)) this.dropOldest();
  }

  private dropOldest(): void {
    const text = this.texts[this.head]!;
    const seq = this.seqs[this.head]!;
    this.texts[this.head] = "";
    this.head++;
    this.bytesQueued -= text.length;
    this.droppedTotal++;
    const r = (this.report ??= { count: 0, first_seq: seq, last_seq: seq, in_inbox: 0 });
    r.count++;
    if (seq < r.first_seq) r.first_seq = seq;
    if (seq > r.last_seq) r.last_seq = seq;
    if (this.inInbox(seq)) r.in_inbox++;
    this.compact();
  }

  /** What was dropped since the last call (null: nothing). */
  takeReport(): DropReport | null {
    const r = this.report;
    this.report = null;
    return r;
  }

  get hasReport(): boolean {
    return this.report !== null;
  }

  /** Writes queued frames, oldest first, while `room` (bytes) lasts; returns the bytes written. */
  drain(room: number, write: (text: string, seq: number) => void): number {
    let used = 0;
    while (this.queued > 0 && used < room) {
      const text = this.texts[this.head]!;
      const seq = this.seqs[this.head]!;
      this.texts[this.head] = "";
      this.head++;
      this.bytesQueued -= text.length;
      used += text.length;
      this.sent++;
      write(text, seq);
    }
    this.compact();
    return used;
  }

  private compact(): void {
    if (this.head === this.texts.length) {
      this.texts = [];
      this.seqs = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.texts.length) {
      this.texts = this.texts.slice(this.head);
      this.seqs = this.seqs.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.texts = [];
    this.seqs = [];
    this.head = 0;
    this.bytesQueued = 0;
  }
}
