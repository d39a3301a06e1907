/** What the pump drives: a live bus connection (connection.ts). */
export interface Pumped {
  /** Handles queued input frames until `deadline` (performance.now()) or `max`; returns whether more wait. */
  step(max: number, deadline: number): boolean;
  /** Writes what the last turn produced. */
  flushOutput(): void;
  /** Whether its store is too far behind to take more publishes now. */
  readonly blocked: boolean;
}

/** Longest stretch of bus work between two turns of the event loop. */
export const SLICE_MS = 2;
/** Frames one connection handles before the next one's turn (fairness between publishers). */
const FRAMES_PER_STEP = 64;

/**
 * Runs the bus connections' work in slices so that no flood holds the event loop (status, other
 * routes and sessions answer within a slice): incoming frames wait in their connection's queue and
 * are handled round-robin for at most SLICE_MS per turn; the frames a turn produced for readers are
 * written at its end, one corked write per connection. Connections pause their socket while their
 * input queue is long (connection.ts), so a publisher faster than the fan-out is slowed by TCP
 * back-pressure instead of growing memory.
 */
class Pump {
  private ready = new Set<Pumped>();
  private dirty = new Set<Pumped>();
  private scheduled = false;
  /** The last turn ran out of time before writing to every reader. */
  private writesBehind = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  turns = 0;
  /** The longest turn so far (input slice and output writes), in ms: what the bus held the loop for. */
  longestMs = 0;

  /** The connection has input to handle. */
  input(c: Pumped): void {
    this.ready.add(c);
    this.schedule();
  }

  /** The connection has output to write at the end of this turn. */
  output(c: Pumped): void {
    this.dirty.add(c);
    this.schedule();
  }

  forget(c: Pumped): void {
    this.ready.delete(c);
    this.dirty.delete(c);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    this.turns++;
    const start = performance.now();
    let held = false;
    const deadline = start + SLICE_MS;
    // readers not written to last turn come first: no new input until they are
    while (!this.writesBehind && this.ready.size && performance.now() < deadline) {
      let progressed = false;
      for (const c of this.ready) {
        if (c.blocked) {
          held = true;
          continue;
        }
        progressed = true;
        if (!c.step(FRAMES_PER_STEP, deadline)) this.ready.delete(c);
        if (performance.now() >= deadline) break;
      }
      if (!progressed) break;
    }
    // then the writes to readers, as long again at most: who is not reached goes first next turn
    const writeDeadline = Math.max(performance.now(), deadline) + SLICE_MS;
    for (const c of this.dirty) {
      this.dirty.delete(c);
      c.flushOutput();
      if (performance.now() >= writeDeadline) break;
    }
    this.writesBehind = this.dirty.size > 0;
    const took = performance.now() - start;
    if (took > this.longestMs) this.longestMs = took;
    if (this.dirty.size) this.schedule();
    if (!this.ready.size) return;
    let active = false;
    for (const c of this.ready) if (!c.blocked) active = true;
    if (active) this.schedule();
    // held back by the store: look again in a moment, leaving the loop to the writer
    else if (held && !this.timer) this.timer = setTimeout(() => ((this.timer = null), this.schedule()), 1);
  }
}

export const pump = new Pump();
