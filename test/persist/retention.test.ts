import { afterAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Db } from "../../db/client.ts";
import { commands } from "../../db/schema/core.ts";
import { encodeOutput } from "../../server/output/codec.ts";
import { applyHistoryFilter, retentionTracker, storedOutputBytes } from "../../server/persist/history.ts";
import { bash, startRuntime, type TestRuntime } from "./runtime-fixture.ts";

/** Records every SQL text the database prepares from now on. */
function watchSql(db: Db): string[] {
  const seen: string[] = [];
  const client = db.$client as unknown as Record<string, (sql: string, ...rest: unknown[]) => unknown>;
  for (const method of ["prepare", "query"]) {
    const real = client[method]!.bind(client);
    client[method] = (sql: string, ...rest: unknown[]) => {
      seen.push(sql);
      return real(sql, ...rest);
    };
  }
  return seen;
}

const sums = (seen: string[]) => seen.filter((s) => /sum\(length\(/i.test(s)).length;

function addCommand(db: Db, sessionId: string, i: number, bytes = 1000): number {
  // random text: the gzip of it is about as big as it
  const raw = new TextEncoder().encode(Array.from({ length: Math.ceil(bytes / 36) }, () => crypto.randomUUID()).join("").slice(0, bytes));
  return db
    .insert(commands)
    .values({
      sessionId,
      command: `step ${i}`,
      cwd: "/tmp",
      status: "ok",
      exitCode: 0,
      startedAt: 1_700_000_000_000 + i,
      endedAt: 1_700_000_000_005 + i,
      durationMs: 5,
      startOffset: 0,
      rawBytes: raw.length,
      outputZ: Buffer.from(encodeOutput(raw)),
    })
    .returning({ id: commands.id })
    .get().id;
}

const open: TestRuntime[] = [];
afterAll(async () => {
  for (const t of open) await t.close().catch(() => {});
}, 30_000);

describe("the retention cap keeps a running total", () => {
  test("after the first command, a command's end costs no sum over the session's outputs", () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), "ais-ret-")), "state.db"));
    for (let i = 0; i < 20; i++) addCommand(db, "s1", i); // history from before this server started
    const tracker = retentionTracker(db, 1_000_000);
    const seen = watchSql(db);
    for (let i = 20; i < 120; i++) tracker.commandEnded("s1", addCommand(db, "s1", i));
    expect(sums(seen)).toBe(1); // read once, then kept up to date
    expect(tracker.totalOf("s1")).toBe(storedOutputBytes(db, "s1"));
  });

  test("passing the cap drops the oldest outputs first, and the total follows", () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), "ais-ret-")), "state.db"));
    const cap = 10_000;
    const tracker = retentionTracker(db, cap);
    let dropped = 0;
    for (let i = 0; i < 40; i++) {
      const r = tracker.commandEnded("s1", addCommand(db, "s1", i));
      dropped += r.dropped;
      const total = storedOutputBytes(db, "s1");
      expect(total).toBeLessThanOrEqual(cap);
      expect(tracker.totalOf("s1")).toBe(total);
    }
    expect(dropped).toBeGreaterThan(0);
    const entries = db
      .select()
      .from(commands)
      .where(eq(commands.sessionId, "s1"))
      .all()
      .map((r) => ({ command_id: r.id, command: r.command, status: r.status, exit_code: r.exitCode, raw_bytes: r.rawBytes }));
    const flags = applyHistoryFilter(db, entries, {}).map((x) => x.output_dropped);
    expect(flags).toHaveLength(40); // the commands stay
    expect(flags.slice(0, dropped).every(Boolean)).toBe(true);
    expect(flags.slice(dropped).some(Boolean)).toBe(false);
    // another session is not touched, and a forgotten one is read again
    tracker.commandEnded("s2", addCommand(db, "s2", 0));
    expect(storedOutputBytes(db, "s2")).toBeGreaterThan(0);
    tracker.forget("s1");
    expect(tracker.totalOf("s1")).toBeUndefined();
  });

  test("through the persistence hooks: commands of a live session do not re-sum the history", async () => {
    const t = startRuntime();
    open.push(t);
    const s = await t.rt.sessions.create({ name: "ret", shell: bash });
    await s.commands.exec("echo first", { timeoutMs: 10_000 });
    const seen = watchSql(t.rt.db);
    for (let i = 0; i < 8; i++) await s.commands.exec(`echo line-${i}`, { timeoutMs: 10_000 });
    expect(sums(seen)).toBe(0);
  }, 30_000);
});
