/**
 * Token counts that never block a result. The tokenizer loads on a worker thread of the server's
 * pool (server/work/pool.ts), started with the server; until one has it a count is an estimate
 * that says so, and the exact numbers are handed to whoever keeps a ledger (the commands table)
 * once they exist. Where no worker can start, the pool counts on this thread.
 */
import { runJob, tokenizerWarm } from "./pool.ts";

export interface Count {
  tokens: number;
  /** True for an estimate: the tokenizer was still loading, or the text was too long or slow to count whole. */
  estimated: boolean;
}

let warming: Promise<void> | undefined;

/** Starts loading the tokenizer on a worker (idempotent, and again after the workers were stopped); returns at once. */
export function startTokenizer(): void {
  if (warming || tokenizerWarm()) return;
  const w: Promise<void> = runJob("warm", {})
    .then(
      () => {},
      () => {}, // a worker that failed: counts run wherever the pool runs them next
    )
    .finally(() => {
      if (warming === w) warming = undefined;
    });
  warming = w;
}

/**
 * A flagged estimate for a text the tokenizer has not seen, from its pieces as o200k_base splits
 * them: a run of letters, up to three digits, a run of punctuation or of spaces is about 0.9 of a
 * token, a terminal escape sequence about 3.5 (`\x1b[31m` costs more than its five characters
 * suggest). Over the output corpus it lands within 0.8–1.15 of the exact count for most captures,
 * where four characters a token read 0.44–0.93. A long text is read in a head and a tail.
 */
const PIECES = /\x1b\[[\d;?]*[A-Za-z]|[A-Za-z]+|\d{1,3}|[^\sA-Za-z\d]+|\s+/g;
const SAMPLE_CHARS = 100_000;
function piecesEstimate(text: string): number {
  let escapes = 0;
  let pieces = 0;
  for (const m of text.matchAll(PIECES)) {
    if (m[0].charCodeAt(0) === 27) escapes++;
    else pieces++;
  }
  return escapes * 3.5 + pieces * 0.9;
}
export function estimateTokens(text: string): Count {
  if (text.length === 0) return { tokens: 0, estimated: false };
  if (text.length <= 2 * SAMPLE_CHARS) return { tokens: Math.max(1, Math.round(piecesEstimate(text))), estimated: true };
  const sampled = piecesEstimate(text.slice(0, SAMPLE_CHARS)) + piecesEstimate(text.slice(-SAMPLE_CHARS));
  return { tokens: Math.round((sampled * text.length) / (2 * SAMPLE_CHARS)), estimated: true };
}

/**
 * Exact counts of short texts already counted, kept on this thread: agents run the same commands
 * over and over (`true`, a clean `git status`), and a count on the worker is a round trip through
 * a queue that every exec of every session shares (1,000 a second under load).
 */
const MEMO_CHARS = 2048;
const MEMO_ENTRIES = 4096;
const known = new Map<string, number>();

/** The exact counts of all the texts when each is empty or known; else undefined. */
function fromMemo(texts: string[], exactLimit?: number): Count[] | undefined {
  if (exactLimit !== undefined && exactLimit < MEMO_CHARS) return undefined;
  const counts: Count[] = [];
  for (const t of texts) {
    const n = t.length === 0 ? 0 : t.length <= MEMO_CHARS ? known.get(t) : undefined;
    if (n === undefined) return undefined;
    counts.push({ tokens: n, estimated: false });
  }
  return counts;
}

function remember(texts: string[], counts: Count[], exactLimit?: number): void {
  if (exactLimit !== undefined && exactLimit < MEMO_CHARS) return;
  texts.forEach((t, i) => {
    const c = counts[i];
    if (!c || c.estimated || t.length === 0 || t.length > MEMO_CHARS || known.has(t)) return;
    if (known.size >= MEMO_ENTRIES) known.delete(known.keys().next().value!);
    known.set(t, c.tokens);
  });
}

/** Exact counts (large texts extrapolated past `exactLimit`, flagged), waiting for the tokenizer if need be. */
export async function countExact(texts: string[], exactLimit?: number): Promise<Count[]> {
  const memo = fromMemo(texts, exactLimit);
  if (memo) return memo;
  startTokenizer();
  // counted where the tokenizer is loaded: after the warm-up, on its worker
  if (warming) await warming;
  const counts = await runJob("count", { texts, exactLimit });
  remember(texts, counts, exactLimit);
  return counts;
}

/**
 * Counts now when the tokenizer is ready, else estimates (`deferred`: true) and hands the exact
 * counts to `later` once it has loaded.
 */
export async function countOrEstimate(texts: string[], exactLimit?: number, later?: (exact: Count[]) => void): Promise<{ counts: Count[]; deferred: boolean }> {
  const memo = fromMemo(texts, exactLimit);
  if (memo) return { counts: memo, deferred: false };
  startTokenizer();
  if (tokenizerWarm()) return { counts: await countExact(texts, exactLimit), deferred: false };
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
