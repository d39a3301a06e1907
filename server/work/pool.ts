/**
 * Worker threads for the heavy jobs of jobs.ts. `runJob` sends a large input to a worker and
 * resolves with its answer, so the server's event loop keeps answering `status`, streams and other
 * sessions meanwhile; a small input runs at once on the calling thread (a hop costs more than the
 * work: 0.7 ms and 0.27 ms of the loop's time against 0.09 ms inline for a one-line output). Up to
 * two workers are started, on first need; a job waits for a free one. A job that counts tokens
 * goes to a worker that has its tokenizer loaded when one is free (loading one takes 150 ms to over
 * a second); `tokenizerWarm` tells whether one has.
 *
 * Where threads cannot start (no Worker here, or the worker's module cannot load) every job runs
 * inline, and that is said once on stderr.
 */
import { AppError, type ErrorCode } from "../errors.ts";
import { tokenizerLoaded } from "../tokens/tokens.ts";
import { type JobInput, type JobName, type JobOutput, jobs } from "./jobs.ts";
import { workerUrl } from "../platform/worker-url.ts";

/** Inputs below this many bytes (or characters) run inline. */
export const INLINE_BELOW = 64 * 1024;
const MAX_WORKERS = 2;

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  slot?: Slot;
  /** The job counts tokens: once it is done its worker has a tokenizer loaded. */
  counts?: boolean;
}

interface Slot {
  worker: Worker;
  busy: number;
  /** A job that counts tokens ran here: the tokenizer is loaded. */
  warm: boolean;
}

const slots: Slot[] = [];
const pending = new Map<number, Pending>();
const queue: { name: JobName; input: unknown; p: Pending; id: number }[] = [];
let nextId = 1;
let unavailable: string | undefined;

function startWorker(): Slot | undefined {
  if (unavailable || typeof Worker === "undefined") {
    unavailable ??= "this runtime has no Worker";
    return undefined;
  }
  let worker: Worker;
  try {
    worker = new Worker(workerUrl(import.meta.url, "./worker.ts", "server/work/worker.ts"), { type: "module" } as WorkerOptions);
  } catch (err) {
    giveUp(`the worker could not start (${(err as Error).message})`);
    return undefined;
  }
  const slot: Slot = { worker, busy: 0, warm: false };
  (worker as { unref?: () => void }).unref?.();
  worker.onmessage = (e: MessageEvent) => {
    const { id, output, error } = e.data as { id: number; output?: unknown; error?: { code: ErrorCode; message: string } };
    const p = pending.get(id);
    pending.delete(id);
    slot.busy--;
    if (p) {
      if (error) p.reject(new AppError(error.code, error.message));
      else {
        if (p.counts) slot.warm = true;
        p.resolve(output);
      }
    }
    drain();
  };
  worker.onerror = (e: ErrorEvent) => {
    // A worker that fails to load, or dies: its jobs fail with a clear sentence; later ones run elsewhere.
    e.preventDefault?.();
    const at = slots.indexOf(slot);
    if (at >= 0) slots.splice(at, 1);
    worker.terminate();
    const message = e.message || "the worker thread stopped";
    if (/ModuleNotFound|Cannot find module|resolv/i.test(message)) giveUp(`the worker could not load (${message})`);
    for (const [id, p] of [...pending]) {
      if (p.slot === slot) {
        pending.delete(id);
        p.reject(new AppError("internal", `the worker thread stopped while working (${message}); try again`));
      }
    }
    drain();
  };
  slots.push(slot);
  return slot;
}

function giveUp(why: string): void {
  if (unavailable) return;
  unavailable = why;
  console.error(`ai-session: heavy work runs on the main thread: ${why}`);
  for (const q of queue.splice(0)) runInline(q.name, q.input, q.p);
}

function runInline(name: JobName, input: unknown, p: Pending): void {
  try {
    p.resolve(jobs[name](input as never));
  } catch (err) {
    p.reject(err);
  }
}

function drain(): void {
  while (queue.length) {
    const counts = countsTokens(queue[0]!.name, queue[0]!.input);
    let slot = (counts && slots.find((s) => s.busy === 0 && s.warm)) || slots.find((s) => s.busy === 0);
    if (!slot && slots.length < MAX_WORKERS) slot = startWorker();
    if (!slot) {
      if (unavailable) for (const q of queue.splice(0)) runInline(q.name, q.input, q.p);
      return;
    }
    const job = queue.shift()!;
    slot.busy++;
    pending.set(job.id, Object.assign(job.p, { slot, counts }));
    // Bytes go over shared (see sharedBytes) or by transfer of a copy of ours: cloning 30 MB of
    // bytes took a second of the event loop here, a copy 10 ms, a transfer or a share nothing.
    const input = job.input as { raw?: unknown };
    if (input.raw instanceof Uint8Array && !(input.raw.buffer instanceof SharedArrayBuffer)) {
      const copy = input.raw.slice();
      slot.worker.postMessage({ id: job.id, name: job.name, input: { ...input, raw: copy } }, [copy.buffer]);
    } else slot.worker.postMessage({ id: job.id, name: job.name, input: job.input });
  }
}

/** How big an input is, for the inline-or-worker choice. */
function sizeOf(input: unknown): number {
  const i = input as { raw?: Uint8Array | string; text?: string; texts?: string[] };
  if (i.texts) return i.texts.reduce((n, t) => n + t.length, 0);
  const v = i.raw ?? i.text;
  return typeof v === "string" ? v.length : v instanceof Uint8Array ? v.length : 0;
}

/** Whether a job counts tokens (and so loads the tokenizer where it runs). */
function countsTokens(name: JobName, input: unknown): boolean {
  return name === "count" || name === "warm" || (name === "compact" && (input as { count?: boolean }).count !== false);
}

/**
 * Whether a count asked for now waits for no tokenizer to load: a worker has one, or jobs run on
 * this thread and it has one (or they run here for want of threads, where the first count loads it).
 */
export function tokenizerWarm(): boolean {
  return tokenizerLoaded() || unavailable !== undefined || slots.some((s) => s.warm);
}

/**
 * Runs a job: inline when its input is small, else on a worker thread. A small job that counts
 * tokens runs inline only where a tokenizer is already loaded (the CLI, tests): the server's event
 * loop never loads one.
 */
export function runJob<K extends JobName>(name: K, input: JobInput<K>, opts: { inlineBelow?: number } = {}): Promise<JobOutput<K>> {
  return new Promise<JobOutput<K>>((resolve, reject) => {
    const p: Pending = { resolve: resolve as (v: unknown) => void, reject };
    const small = sizeOf(input) < (opts.inlineBelow ?? INLINE_BELOW);
    if (unavailable || (small && (!countsTokens(name, input) || tokenizerLoaded()))) return runInline(name, input, p);
    queue.push({ name, input, p, id: nextId++ });
    drain();
  });
}

/** Whether jobs can run on worker threads here (false once a worker could not start or load). */
export function workersAvailable(): boolean {
  return unavailable === undefined && typeof Worker !== "undefined";
}

/**
 * A buffer for bytes that will be handed to workers: shared memory, so a worker reads them where
 * they are (no clone, no copy). Whoever fills it must not change it once handed over.
 */
export function sharedBytes(length: number): Uint8Array {
  return length >= INLINE_BELOW && typeof SharedArrayBuffer !== "undefined" ? new Uint8Array(new SharedArrayBuffer(length)) : new Uint8Array(length);
}

/** Ends the worker threads (server shutdown); jobs still running fail. */
export function stopWorkers(): void {
  for (const s of slots.splice(0)) s.worker.terminate();
  for (const [id, p] of [...pending]) {
    pending.delete(id);
    p.reject(new AppError("unavailable", "the server is stopping"));
  }
}
