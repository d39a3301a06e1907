import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { commitTick, type Db } from "../../db/client.ts";
import * as schema from "../../db/schema.ts";
import { documentFromFileText, SNAPSHOT_VERSION } from "../../server/persist/document.ts";
import { captureSessionAsync, listSnapshots, saveDocument, snapshotSession } from "../../server/persist/snapshot.ts";
import { bash, startRuntime, type TestRuntime } from "./runtime-fixture.ts";

const open: TestRuntime[] = [];
afterAll(async () => {
  for (const t of open) await t.close().catch(() => {});
}, 30_000);

async function fileText(): Promise<string> {
  const t = startRuntime();
  open.push(t);
  await t.rt.sessions.create({ name: "src", shell: bash });
  return (await snapshotSession(t.rt, "src", { withFile: true })).file_text!;
}

describe("bad snapshot input", () => {
  test("a file cut short is not valid JSON and says so", async () => {
    const text = await fileText();
    expect(() => documentFromFileText(text.slice(0, text.length / 2), "dev.json")).toThrow(
      "dev.json is not valid JSON, so it is not a snapshot (was it cut short?)",
    );
  }, 30_000);

  test("a JSON file of something else is not taken for a snapshot", () => {
    expect(() => documentFromFileText('{"hello":"world"}', "package.json")).toThrow(/package.json is not an ai-session snapshot/);
  }, 30_000);

  test("a newer snapshot version asks for an upgrade", async () => {
    const doc = JSON.parse(await fileText());
    doc.version = SNAPSHOT_VERSION + 1;
    expect(() => documentFromFileText(JSON.stringify(doc), "new.json")).toThrow(/version 2, newer than this ai-session reads \(1\); upgrade/);
  }, 30_000);

  test("a damaged field is named", async () => {
    const doc = JSON.parse(await fileText());
    doc.session.cols = "wide";
    expect(() => documentFromFileText(JSON.stringify(doc), "dev.json")).toThrow(/dev.json is damaged: session.cols/);
  }, 30_000);

  test("a read-only or full database gives one clear sentence and stores nothing", async () => {
    const t = startRuntime();
    open.push(t);
    const s = await t.rt.sessions.create({ name: "ro", shell: bash });
    const doc = await captureSessionAsync(t.rt, s, "manual");
    const before = listSnapshots(t.rt.db, "ro").length;
    // the runtime's writes of this turn (the shell's output) are committed before another connection writes
    commitTick(t.rt.db);

    const readOnly = drizzle(new Database(t.rt.paths.db, { readonly: true }), { schema }) as unknown as Db;
    expect(() => saveDocument(readOnly, doc)).toThrow(/cannot be written \(SQLITE_READONLY\); check the data directory/);

    const full = drizzle(new Database(t.rt.paths.db), { schema }) as unknown as Db;
    const pages = full.$client.query<{ page_count: number }, []>("PRAGMA page_count").get()!.page_count;
    full.$client.exec(`PRAGMA max_page_count = ${pages}`);
    const big = { ...doc, scrollback: { ...doc.scrollback, data_b64: Buffer.from(crypto.getRandomValues(new Uint8Array(60_000))).toString("base64") } };
    expect(() => saveDocument(full, big)).toThrow(/the disk holding .* is full/);
    expect(listSnapshots(t.rt.db, "ro").length).toBe(before);
  }, 30_000);
});
