import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { commandById, commandOutput } from "../../server/session/store.ts";
import { restoreByName } from "../../server/persist/restore.ts";
import { snapshotSession } from "../../server/persist/snapshot.ts";
import { documentFromFileText } from "../../server/persist/document.ts";
import { bash, startRuntime, type TestRuntime } from "./runtime-fixture.ts";

const KEY = "4d1c0b3a2f1e0d9c8b7a69584736251403f2e1d0c9b8a79685746352413f2e1d";
const open: TestRuntime[] = [];
afterEach(() => {
  delete process.env.AI_SESSION_KEY;
});
afterAll(async () => {
  for (const t of open) await t.close().catch(() => {});
}, 30_000);

/** Every byte SQLite holds for this home: the main file and its write-ahead log. */
function databaseBytes(dbPath: string): string {
  return [dbPath, `${dbPath}-wal`]
    .filter((p) => existsSync(p))
    .map((p) => readFileSync(p).toString("latin1"))
    .join("");
}

describe("encryption at rest", () => {
  test("the database holds no plaintext of the output; restore needs the same key", async () => {
    process.env.AI_SESSION_KEY = KEY;
    const t = startRuntime();
    const s = await t.rt.sessions.create({ name: "vault", shell: bash });
    // The command line does not contain the text; only its output does.
    const r = await s.commands.exec("for i in 1 2 3; do printf 'CLASSIFIED-%s-PAYLOAD-%s\\n' ORBITAL $i; done", { timeoutMs: 10_000 });
    expect(new TextDecoder().decode(r.raw)).toContain("CLASSIFIED-ORBITAL-PAYLOAD-3");
    await snapshotSession(t.rt, "vault");
    await t.close();
    expect(databaseBytes(t.rt.paths.db)).not.toContain("CLASSIFIED-ORBITAL");

    // Without the key: a clear refusal, never garbage.
    delete process.env.AI_SESSION_KEY;
    const none = startRuntime(t.home);
    open.push(none);
    await expect(restoreByName(none.rt, "vault")).rejects.toThrow(/encrypted and no key is set/);
    const row = commandById(none.rt.db, s.id, r.record.id)!;
    expect(() => commandOutput(row)).toThrow(/no key is set/);

    // A wrong key is named as such.
    process.env.AI_SESSION_KEY = "f".repeat(64);
    await expect(restoreByName(none.rt, "vault")).rejects.toThrow(/different key/);

    // The right key brings everything back.
    process.env.AI_SESSION_KEY = KEY;
    await restoreByName(none.rt, "vault");
    const back = none.rt.sessions.get("vault");
    expect(new TextDecoder().decode(back.scrollback.read(0).data)).toContain("CLASSIFIED-ORBITAL-PAYLOAD-2");
    expect(new TextDecoder().decode(commandOutput(commandById(none.rt.db, back.id, r.record.id)!)!)).toContain(
      "CLASSIFIED-ORBITAL-PAYLOAD-1",
    );
  }, 30_000);

  test("a snapshot file written with a key is sealed JSON: unreadable without the key", async () => {
    process.env.AI_SESSION_KEY = KEY;
    const t = startRuntime();
    open.push(t);
    const s = await t.rt.sessions.create({ name: "sealed", shell: bash });
    await s.commands.exec("printf 'MERIDIAN-%s\\n' SEVEN", { timeoutMs: 10_000 });
    const text = (await snapshotSession(t.rt, "sealed", { withFile: true })).file_text!;
    const wrapper = JSON.parse(text);
    expect(wrapper).toMatchObject({ format: "ai-session-snapshot", version: 1, encrypted: true, name: "sealed" });
    expect(text).not.toContain("MERIDIAN-SEVEN");
    expect(documentFromFileText(text, "sealed.json").scrollback.data_b64.length).toBeGreaterThan(0);
    delete process.env.AI_SESSION_KEY;
    expect(() => documentFromFileText(text, "sealed.json")).toThrow(/encrypted and no key is set/);
  }, 30_000);
});
