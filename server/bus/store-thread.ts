import { workerUrl } from "../platform/worker-url.ts";
import type { WriteBatch } from "../work/bus-writes.ts";

/** What the writer thread says after each transaction. */
export interface Committed {
  id: number;
  maxSeq: number;
  rows: number;
  ms: number;
}

/**
 * The bus store's writer thread (a Worker with its own SQLite connection; its side is
 * server/work/bus-writes.ts, run by server/work/worker.ts). `post` hands it a batch and returns at
 * once; `committed` is called when the batch's transaction has committed. `sync` blocks until
 * everything posted is committed (a history read, a clean stop). A batch the thread could not
 * write, or that was in flight when the thread died, goes to `fallback` (written on the caller's
 * connection), and so do all later ones: nothing posted is lost while the process lives.
 */
export class StoreThread {
  private worker: Worker | null;
  /** [0]: id of the last batch committed by the thread. */
  private done = new Int32Array(new SharedArrayBuffer(4));
  private inFlight = new Map<number, WriteBatch>();
  private lastId = 0;

  private constructor(
    worker: Worker,
    path: string,
    private committed: (c: Committed) => void,
    private fallback: (b: WriteBatch) => void,
  ) {
    this.worker = worker;
    (worker as { unref?: () => void }).unref?.();
    worker.onmessage = (e: MessageEvent) => {
      const d = e.data as { busCommitted?: Committed; busFailed?: { id: number; message: string } };
      if (d.busCommitted) {
        const c = d.busCommitted;
        if (!this.inFlight.delete(c.id)) return; // written by the fallback already
        this.committed(c);
      } else if (d.busFailed) this.giveUp(`a write failed (${d.busFailed.message})`);
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault?.();
      this.giveUp(e.message || "the thread stopped");
    };
    worker.postMessage({ busInit: { path, done: this.done } });
  }

  /** A writer thread for the database at `path`, or null where threads cannot run (then the store writes inline). */
  static start(path: string, committed: (c: Committed) => void, fallback: (b: WriteBatch) => void): StoreThread | null {
    if (!path || path === ":memory:" || typeof Worker === "undefined" || !("Bun" in globalThis)) return null;
    try {
      const w = new Worker(workerUrl(import.meta.url, "../work/worker.ts", "server/work/worker.ts"), { type: "module" } as WorkerOptions);
      return new StoreThread(w, path, committed, fallback);
    } catch (err) {
      console.error(`ai-session: bus writes run on the main thread: the writer thread could not start (${(err as Error).message})`);
      return null;
    }
  }

  get running(): boolean {
    return this.worker !== null;
  }

  /** Batches posted and not yet committed. */
  get inFlightBatches(): number {
    return this.inFlight.size;
  }

  /** Rows posted and not yet committed. */
  get inFlightRows(): number {
    let n = 0;
    for (const b of this.inFlight.values()) n += rowsOf(b);
    return n;
  }

  nextId(): number {
    return ++this.lastId;
  }

  post(b: WriteBatch): void {
    if (!this.worker) {
      this.writeHere(b);
      return;
    }
    this.inFlight.set(b.id, b);
    this.worker.postMessage({ busWrite: b });
  }

  /** Blocks until every posted batch is committed (or written here after the thread failed). */
  sync(): void {
    while (this.worker && this.inFlight.size) {
      const seen = Atomics.load(this.done, 0);
      if (seen >= this.lastId) {
        // committed: its message may still be on its way; take the word from the counter
        for (const b of [...this.inFlight.values()]) {
          this.inFlight.delete(b.id);
          this.committed({ id: b.id, maxSeq: b.maxSeq, rows: rowsOf(b), ms: 0 });
        }
        return;
      }
      if (Atomics.wait(this.done, 0, seen, 10_000) === "timed-out" && Atomics.load(this.done, 0) === seen) {
        this.giveUp("it answered nothing for 10 s");
      }
    }
  }

  private writeHere(b: WriteBatch): void {
    this.fallback(b);
    this.committed({ id: b.id, maxSeq: b.maxSeq, rows: rowsOf(b), ms: 0 });
  }

  private giveUp(why: string): void {
    if (!this.worker) return;
    console.error(`ai-session: bus writes run on the main thread from now on: the writer thread failed: ${why}`);
    this.worker.terminate();
    this.worker = null;
    // batches the thread may or may not have committed: written again here (every insert is OR IGNORE, every delete idempotent)
    const left = [...this.inFlight.values()].sort((a, b) => a.id - b.id);
    this.inFlight.clear();
    for (const b of left) this.writeHere(b);
  }

  close(): void {
    this.sync();
    this.worker?.terminate();
    this.worker = null;
  }
}

function rowsOf(b: WriteBatch): number {
  return b.messages.length / 10 + b.inbox.length / 3 + (b.floors.length + b.removals.length) / 2;
}
