import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../db/client.ts";
import { commands } from "../../db/schema/core.ts";
import { encodeOutput } from "../../server/output/codec.ts";
import { applyHistoryFilter, enforceRetention } from "../../server/persist/history.ts";

function dbWithCommands(list: { command: string; exit: number; output: string }[]) {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), "ais-hist-")), "state.db"));
  let t = 1_700_000_000_000;
  for (const c of list) {
    const raw = new TextEncoder().encode(c.output);
    db.insert(commands)
      .values({
        sessionId: "s1",
        command: c.command,
        cwd: "/tmp",
        status: c.exit === 0 ? "ok" : "failed",
        exitCode: c.exit,
        startedAt: t,
        endedAt: t + 5,
        durationMs: 5,
        startOffset: 0,
        rawBytes: raw.length,
        outputZ: Buffer.from(encodeOutput(raw)),
      })
      .run();
    t += 10;
  }
  return db;
}

/** The session's commands as the history route lists them (the fields filtering reads). */
function entriesOf(db: ReturnType<typeof dbWithCommands>) {
  return db
    .select()
    .from(commands)
    .orderBy(commands.id)
    .all()
    .map((r) => ({ command_id: r.id, command: r.command, status: r.status, exit_code: r.exitCode, raw_bytes: r.rawBytes }));
}
const search = (db: ReturnType<typeof dbWithCommands>, query: { grep?: string; failed?: string }) => applyHistoryFilter(db, entriesOf(db), query);

describe("history search and retention", () => {
  const db = dbWithCommands([
    { command: "make build", exit: 0, output: "cc -o app main.c\r\n" },
    { command: "make test", exit: 2, output: "main_test.c:12: assertion failed: total == 3\r\n" },
    { command: "ls", exit: 0, output: "Makefile main.c\r\n" },
  ]);

  test("--grep finds the text in a command line or its output, showing the line", () => {
    expect(search(db, { grep: "MAKE" }).map((r) => r.command)).toEqual(["make build", "make test", "ls"]);
    const hit = search(db, { grep: "assertion" });
    expect(hit.map((r) => [r.command, r.match_line])).toEqual([["make test", "main_test.c:12: assertion failed: total == 3"]]);
  });

  test("--failed keeps only the commands that did not succeed", () => {
    expect(search(db, { failed: "1" }).map((r) => r.command)).toEqual(["make test"]);
  });

  test("over the cap, the oldest outputs are dropped first and history says so", () => {
    const big = dbWithCommands(
      Array.from({ length: 20 }, (_, i) => ({ command: `step ${i}`, exit: 0, output: `${i}:` + Array.from({ length: 40 }, () => crypto.randomUUID()).join("") })),
    );
    const r = enforceRetention(big, "s1", 8_000);
    expect(r.dropped).toBeGreaterThan(0);
    const rows = search(big, {});
    expect(rows).toHaveLength(20); // commands stay, with their exit codes
    const flags = rows.map((x) => x.output_dropped);
    expect(flags.slice(0, r.dropped).every(Boolean)).toBe(true);
    expect(flags.slice(r.dropped).some(Boolean)).toBe(false);
    expect(enforceRetention(big, "s1", 8_000).dropped).toBe(0);
  });
});

describe("filtering the history route's entries", () => {
  test("--grep lists a command whose stored output cannot be read, saying why, instead of leaving it out", () => {
    const db = dbWithCommands([
      { command: "cargo build", exit: 101, output: "error[E0308]: mismatched types\r\n" },
      { command: "cargo test", exit: 101, output: "error: test failed\r\n" },
    ]);
    // a damaged row: bytes that are neither gzip nor encrypted
    db.$client.exec("UPDATE commands SET output_z = x'00112233' WHERE command = 'cargo test'");
    const hit = search(db, { grep: "error" });
    expect(hit.map((e) => [e.command, e.match_line, e.output_unreadable])).toEqual([
      ["cargo build", "error[E0308]: mismatched types", undefined],
      ["cargo test", null, "stored output is neither gzip nor encrypted (the database row is damaged)"],
    ]);
  });

  test("--grep and --failed keep the route's shape and add what matched", () => {
    const db = dbWithCommands([
      { command: "npm test", exit: 1, output: "FAIL src/sum.test.ts\r\n  expected 3, got 4\r\n" },
      { command: "npm run lint", exit: 0, output: "0 problems\r\n" },
    ]);
    const entries = [
      { command_id: 1, command: "npm test", status: "failed", exit_code: 1, raw_bytes: 40, tool: "jest" },
      { command_id: 2, command: "npm run lint", status: "ok", exit_code: 0, raw_bytes: 12, tool: null },
    ];
    expect(applyHistoryFilter(db, entries, { failed: "1" }).map((e) => e.command_id)).toEqual([1]);
    const hit = applyHistoryFilter(db, entries, { grep: "expected 3" });
    expect(hit).toEqual([{ ...entries[0]!, output_dropped: false, match_line: "expected 3, got 4" }]);
    expect(applyHistoryFilter(db, entries, {}).map((e) => e.output_dropped)).toEqual([false, false]);
  });
});
