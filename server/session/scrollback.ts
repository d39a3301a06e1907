/**
 * The raw bytes a session printed, with absolute offsets: byte N of the session's life is always
 * offset N. Bounded: when the total passes the cap the oldest chunks fall off, and a read from an
 * offset that fell off says how many bytes were lost.
 */
export interface ScrollbackRead {
  /** Offset of the first byte returned (may be later than asked when bytes fell off). */
  start: number;
  /** Offset to pass next time: the end of what was returned. */
  offset: number;
  /** Bytes that were asked for but fell off the front of the scrollback. */
  dropped: number;
  data: Uint8Array;
}

export class Scrollback {
  // Chunks live in arrays that only grow at the end; `head` is the index of the oldest kept one
  // (dropping from the front moves `head`, and the arrays are compacted now and then), so an
  // append is O(1) and a read finds its first chunk by binary search: a session that printed a
  // million small pieces costs no more per read than one that printed ten.
  private chunks: Uint8Array[] = [];
  private chunkStarts: number[] = [];
  private head = 0;
  private firstOffset = 0;
  private total = 0;

  constructor(private readonly capBytes: number) {}

  /** Absolute offset just past the last byte written. */
  get end(): number {
    return this.total;
  }

  /** Absolute offset of the oldest byte still held. */
  get start(): number {
    return this.firstOffset;
  }

  append(bytes: Uint8Array): number {
    if (bytes.length === 0) return this.total;
    const at = this.total;
    this.chunks.push(bytes);
    this.chunkStarts.push(at);
    this.total += bytes.length;
    while (this.chunks.length - this.head > 1 && this.total - this.firstOffset - this.chunks[this.head]!.length >= this.capBytes) {
      this.firstOffset += this.chunks[this.head]!.length;
      this.chunks[this.head] = EMPTY;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.chunkStarts = this.chunkStarts.slice(this.head);
      this.head = 0;
    }
    // A single chunk larger than the cap is trimmed to its tail.
    if (this.total - this.firstOffset > this.capBytes && this.chunks.length - this.head === 1) {
      const only = this.chunks[this.head]!;
      const keep = only.subarray(only.length - this.capBytes);
      this.chunks[this.head] = keep;
      this.firstOffset = this.total - keep.length;
      this.chunkStarts[this.head] = this.firstOffset;
    }
    return at;
  }

  /** Index of the kept chunk holding absolute offset `at` (the last one starting at or before it). */
  private chunkAt(at: number): number {
    let lo = this.head;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunkStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Bytes from `from` (absolute) up to `to` (default: the end). */
  read(from = this.firstOffset, to = this.total): ScrollbackRead {
    const wanted = Math.min(Math.max(0, from), this.total);
    const start = Math.max(wanted, this.firstOffset);
    const end = Math.max(start, Math.min(to, this.total));
    const dropped = Math.max(0, Math.min(this.firstOffset, to) - wanted);
    const out = new Uint8Array(end - start);
    let o = 0;
    for (let k = out.length ? this.chunkAt(start) : this.chunks.length; k < this.chunks.length && o < out.length; k++) {
      const c = this.chunks[k]!;
      const cs = this.chunkStarts[k]!;
      const ce = cs + c.length;
      if (ce <= start) continue;
      const a = Math.max(start, cs) - cs;
      const b = Math.min(end, ce) - cs;
      out.set(c.subarray(a, b), o);
      o += b - a;
    }
    return { start, offset: end, dropped, data: out };
  }
}

const EMPTY = new Uint8Array(0);
