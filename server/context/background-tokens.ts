/**
 * Token counts that never block a result. The tokenizer loads in a worker thread; until it is
 * ready a count is an estimate that says so, and `whenExact` hands the exact numbers to whoever
 * keeps a ledger (the commands table) once they exist. Where no worker can start, counting falls
 * back to this thread.
 */
import { countTokensLarge } from "./tokens.ts";
import type { CountAnswer, CountRequest } from "./token-worker.ts";
import { workerUrl } from "../work/worker-url.ts";

export interface Count {
  tokens: number;
  /** True for an estimate: the tokenizer was still loading, or the text was too long to count whole. */
  estimated: boolean;
}

let worker: Worker | undefined;
let state: "idle" | "loading" | "ready" | "thread" = "idle";
let nextId = 1;
const pending = new Map<number, (a: CountAnswer) => void>();
const readyWaiters: Array<() => void> = [];

/** Starts loading the tokenizer in its worker (idempotent); returns at once. */
export function startTokenizer(): void {
  if (state !== "idle") return;
  state = "loading";
  try {
    worker = new Worker(workerUrl(import.meta.url, "./token-worker.ts", "server/context/token-worker.ts"), { type: "module" });
  } catch {
    state = "thread";
    flushReady();
    return;
  }
  worker.onmessage = (e: MessageEvent) => {
    const m = e.data as CountAnswer & { ready?: boolean };
    if (m.ready !== undefined) {
      state = m.ready ? "ready" : "thread";
      flushReady();
      return;
    }
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  };
  worker.onerror = () => {
    state = "thread";
    flushReady();
  };
  // The worker must not keep a CLI process or a test alive.
  (worker as unknown as { unref?: () => void }).unref?.();
}

function flushReady(): void {
  for (const w of readyWaiters.splice(0)) w();
}

export function tokenizerReady(): boolean {
  return state === "ready" || state === "thread";
}

/** A flagged estimate for a text the tokenizer has not seen: about four characters a token. */
export function estimateTokens(text: string): Count {
  return { tokens: text.length === 0 ? 0 : Math.ceil(text.length / 4), estimated: text.length > 0 };
}

/** Exact counts (large texts extrapolated past `exactLimit`, flagged), waiting for the tokenizer if need be. */
export function countExact(texts: string[], exactLimit?: number): Promise<Count[]> {
  startTokenizer();
  if (!tokenizerReady()) return new Promise((resolve) => readyWaiters.push(() => resolve(countExact(texts, exactLimit))));
  if (state === "thread" || !worker) return Promise.resolve(texts.map((t) => countTokensLarge(t, "o200k_base", exactLimit)));
  const id = nextId++;
  const w = worker;
  return new Promise((resolve, reject) => {
    pending.set(id, (a) => (a.counts ? resolve(a.counts) : reject(new Error(a.error ?? "the tokenizer failed"))));
    w.postMessage({ id, texts, exactLimit } satisfies CountRequest);
  });
}

/**
 * Counts now when the tokenizer is ready, else estimates (`deferred`: true) and hands the exact
 * counts to `later` once it has loaded.
 */
export async function countOrEstimate(texts: string[], exactLimit?: number, later?: (exact: Count[]) => void): Promise<{ counts: Count[]; deferred: boolean }> {
  startTokenizer();
  if (tokenizerReady()) return { counts: await countExact(texts, exactLimit), deferred: false };
  // a late ledger write (the database may be closed by then) must never become an unhandled error
  if (later) void countExact(texts, exactLimit).then((exact) => {
    try {
      later(exact);
    } catch (err) {
      // after shutdown the database is closed: nothing to fill any more
      if (!/closed database/.test((err as Error).message)) console.error(`tokens: could not record exact counts: ${(err as Error).message}`);
    }
  }, () => {});
  return { counts: texts.map(estimateTokens), deferred: true };
}
