import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../db/client.ts";
import { ensureHome, pathsFor } from "../../server/paths.ts";
import { ownerCaller } from "../../server/security/auth.ts";
import { SessionManager } from "../../server/session/manager.ts";
import { commandDetail, historyOf } from "../../server/session/operations.ts";
import { CommandDetailSchema } from "../../server/session/exec-result.ts";
import { HistoryRowSchema } from "../../server/session/answers.ts";

/**
 * A command's completion as the database holds it, read back by `wait`, `history` and the command
 * detail. A row written by another version (or by hand) may hold a method or confidence this one
 * does not know, or none: it must read as unknown and low, never as the shell's own high-confidence
 * report.
 */
describe("a stored command's completion, read from a real SQLite row", () => {
  const home = mkdtempSync(join(tmpdir(), "ais-completion-"));
  ensureHome(home);
  const db = openDatabase(pathsFor(home).db);
  const ops = { db, sessions: new SessionManager(db, pathsFor(home)) };
  afterAll(() => {
    db.$client.close();
    rmSync(home, { recursive: true, force: true });
  });
  db.$client.exec(
    `INSERT INTO sessions (id, name, shell, cwd, cols, rows, status, created_at) VALUES ('s1', 'old', '/bin/bash', '/tmp', 80, 24, 'killed', 1700000000000)`,
  );
  const insertCommand = db.$client.query<{ id: number }, [string, string | null, string | null]>(
    `INSERT INTO commands (session_id, command, cwd, status, exit_code, started_at, ended_at, duration_ms, start_offset, raw_bytes, completion_method, completion_confidence)
     VALUES ('s1', ?, '/tmp', 'ok', 0, 1700000000000, 1700000000005, 5, 0, 0, ?, ?) RETURNING id`,
  );
  const insert = (command: string, method: string | null, confidence: string | null) => insertCommand.get(command, method, confidence)!.id;
  const rows = {
    sure: insert("make", "shell_integration", "high"),
    unknownMethod: insert("make test", "telepathy", "high"),
    noMethod: insert("make lint", null, null),
    unknownConfidence: insert("ls", "prompt_marker", "certain"),
  };
  const caller = ownerCaller();
  const completionOf = async (id: number) => CommandDetailSchema.parse(await commandDetail(ops, caller, "old", id, "compact")).completion;

  test("a method and confidence it knows read back as stored", async () => {
    expect(await completionOf(rows.sure)).toEqual({ method: "shell_integration", confidence: "high" });
  });

  test("a method it does not know reads as unknown with low confidence", async () => {
    expect(await completionOf(rows.unknownMethod)).toEqual({ method: "unknown", confidence: "low" });
  });

  test("no method at all reads as unknown with low confidence, not as the shell's report", async () => {
    expect(await completionOf(rows.noMethod)).toEqual({ method: "unknown", confidence: "low" });
  });

  test("a confidence it does not know reads as low, keeping the method", async () => {
    expect(await completionOf(rows.unknownConfidence)).toEqual({ method: "prompt_marker", confidence: "low" });
  });

  test("history shows the same, and null for a command that recorded none", () => {
    const history = historyOf(ops, caller, "old").map((r) => HistoryRowSchema.parse(r));
    expect(history.map((r) => [r.command, r.completion])).toEqual([
      ["make", { method: "shell_integration", confidence: "high" }],
      ["make test", { method: "unknown", confidence: "low" }],
      ["make lint", { method: null, confidence: null }],
      ["ls", { method: "prompt_marker", confidence: "low" }],
    ]);
  });
});
