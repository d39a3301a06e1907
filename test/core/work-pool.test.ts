import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { countTokens } from "../../server/tokens/tokens.ts";

/**
 * The server's worker threads (server/work/pool.ts) and the token counts built on them
 * (server/work/background-tokens.ts), each in a fresh process: the calling thread is the
 * server's event loop, which must never load the tokenizer (150 ms to over a second of a stall).
 */
const ROOT = resolve(import.meta.dir, "../..");
const dir = mkdtempSync(join(tmpdir(), "ais-pool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function inFreshProcess(body: string): Promise<any> {
  const file = join(dir, `probe-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(
    file,
    `import { runJob, stopWorkers, tokenizerWarm } from ${JSON.stringify(`${ROOT}/server/work/pool.ts`)};
import { countOrEstimate, countExact } from ${JSON.stringify(`${ROOT}/server/work/background-tokens.ts`)};
import { tokenizerLoaded } from ${JSON.stringify(`${ROOT}/server/tokens/tokens.ts`)};
const out: Record<string, unknown> = {};
${body}
stopWorkers();
console.log(JSON.stringify(out));
`,
  );
  const p = Bun.spawn([process.execPath, file], { stdout: "pipe", stderr: "pipe", env: { ...process.env } });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`probe exited ${code}: ${stderr}`);
  return { ...JSON.parse(stdout), stderr };
}

const words = "the build failed at src/main.rs:12 ".repeat(4000);

describe("worker threads", () => {
  test("counts run on a worker: the calling thread never loads a tokenizer, small counts included", async () => {
    const r = await inFreshProcess(`
out.warmBefore = tokenizerWarm();
out.big = await runJob("count", { texts: [${JSON.stringify(words)}] });
out.warmAfter = tokenizerWarm();
out.small = await runJob("count", { texts: ["hello there", ""] });
out.loadedHere = tokenizerLoaded();
`);
    expect(r.warmBefore).toBe(false);
    expect(r.big).toEqual([{ tokens: countTokens(words), estimated: false }]);
    expect(r.warmAfter).toBe(true);
    expect(r.small).toEqual([{ tokens: countTokens("hello there"), estimated: false }, { tokens: 0, estimated: false }]);
    expect(r.loadedHere).toBe(false);
    expect(r.stderr).toBe("");
  }, 60_000);

  test("a large compaction comes back from the worker with its counts; a job's error comes back as ours", async () => {
    const r = await inFreshProcess(`
const raw = new TextEncoder().encode(${JSON.stringify(words)} + "\\nerror: could not compile\\n");
const done = await runJob("compact", { raw, mode: "compact", command: "cargo build", exitCode: 101 });
out.tokens = done.tokens;
out.status = done.analysis.status;
try {
  await runJob("count", { texts: [${JSON.stringify(words)}], encoding: "nope" as never });
} catch (err) {
  out.error = { code: (err as { code?: string }).code, message: (err as Error).message };
}
out.loadedHere = tokenizerLoaded();
`);
    expect(r.tokens.raw).toBeGreaterThan(countTokens(words));
    expect(r.tokens.estimated).toBe(false);
    expect(r.status).toBe("failure");
    expect(r.error).toMatchObject({ code: "invalid", message: 'unknown encoding "nope" (use o200k_base or cl100k_base)' });
    expect(r.loadedHere).toBe(false);
  }, 60_000);

  test("until the tokenizer has loaded a count is a flagged estimate, and the exact one follows", async () => {
    const r = await inFreshProcess(`
let later!: (exact: unknown) => void;
const exactLater = new Promise((resolve) => (later = resolve));
out.first = await countOrEstimate(["hello there"], undefined, (exact) => later(exact));
out.later = await exactLater;
out.next = await countOrEstimate(["hello there"]);
out.exact = await countExact(["hello there"]);
out.loadedHere = tokenizerLoaded();
`);
    const n = countTokens("hello there");
    expect(r.first).toEqual({ counts: [{ tokens: 3, estimated: true }], deferred: true });
    expect(r.later).toEqual([{ tokens: n, estimated: false }]);
    expect(r.next).toEqual({ counts: [{ tokens: n, estimated: false }], deferred: false });
    expect(r.exact).toEqual([{ tokens: n, estimated: false }]);
    expect(r.loadedHere).toBe(false);
  }, 60_000);

  test("a short text counted once is counted again without a worker; an empty one never needs one", async () => {
    const r = await inFreshProcess(`
out.first = await countExact(["ok", ""]);
stopWorkers(); // no worker has a tokenizer now: an unknown text would be estimated
out.again = await countOrEstimate(["ok", ""]);
out.empty = await countOrEstimate([""]);
out.other = await countOrEstimate(["something never counted"]);
out.loadedHere = tokenizerLoaded();
`);
    const n = countTokens("ok");
    expect(r.first).toEqual([{ tokens: n, estimated: false }, { tokens: 0, estimated: false }]);
    expect(r.again).toEqual({ counts: [{ tokens: n, estimated: false }, { tokens: 0, estimated: false }], deferred: false });
    expect(r.empty).toEqual({ counts: [{ tokens: 0, estimated: false }], deferred: false });
    expect(r.other.deferred).toBe(true);
    expect(r.loadedHere).toBe(false);
  }, 60_000);

  test("where no thread can start, the same jobs run on the calling thread", async () => {
    const r = await inFreshProcess(`
(globalThis as { Worker?: unknown }).Worker = undefined;
out.counts = await runJob("count", { texts: ["hello there"] });
out.warm = tokenizerWarm();
out.loadedHere = tokenizerLoaded();
`);
    expect(r.counts).toEqual([{ tokens: countTokens("hello there"), estimated: false }]);
    expect(r.warm).toBe(true);
    expect(r.loadedHere).toBe(true);
  }, 60_000);
});

describe("the compaction memo (small outputs)", () => {
  test("a repeated small output gets the same result as a fresh one, as its own copy", async () => {
    const { compactJob } = await import("../../server/work/jobs.ts");
    const job = () => ({ raw: new TextEncoder().encode(`src/a.ts:3:5 - error TS2322: Type 'x' is not assignable \n`), mode: "compact" as const, command: "tsc --noEmit", exitCode: 2, cols: 120, count: false });
    const first = compactJob(job());
    const again = compactJob(job());
    expect(again).toEqual(first);
    expect(again.analysis.errors.length).toBeGreaterThan(0);
    // the caller may change what it got: the next hit is untouched
    again.analysis.errors.length = 0;
    again.text = "changed";
    const third = compactJob(job());
    expect(third).toEqual(first);
    expect(third).not.toBe(again);
  });
});
