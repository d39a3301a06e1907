import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commandsOf } from "../../server/session/store.ts";
import { restoreByName, restoreDocument, restoreAll } from "../../server/persist/restore.ts";
import { documentFromFileText } from "../../server/persist/document.ts";
import { snapshotSession } from "../../server/persist/snapshot.ts";
import { bash, startRuntime, type TestRuntime } from "./runtime-fixture.ts";

const open: TestRuntime[] = [];
function runtime(home?: string) {
  const t = startRuntime(home);
  open.push(t);
  return t;
}
afterAll(async () => {
  for (const t of open) await t.close().catch(() => {});
}, 30_000);

const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function prepared(t: TestRuntime) {
  const work = realpathSync(mkdtempSync(join(tmpdir(), "ais-work-")));
  mkdirSync(join(work, "project dir"));
  const s = await t.rt.sessions.create({ name: "dev", cwd: work, shell: bash, cols: 100, rows: 30 });
  await s.commands.exec(`cd "project dir"`, { timeoutMs: 10_000 });
  await s.commands.exec(`export GREETING='hello world' PATH_EXTRA=/opt/x`, { timeoutMs: 10_000 });
  await s.commands.exec(`echo scrollback-marker-$((6*7))`, { timeoutMs: 10_000 });
  await s.commands.exec(`false`, { timeoutMs: 10_000 });
  return { s, cwd: join(work, "project dir") };
}

describe("snapshot and restore round trip", () => {
  test("cwd, exported env, history and scrollback come back after the session is killed", async () => {
    const t = runtime();
    const { s, cwd } = await prepared(t);
    const snap = await snapshotSession(t.rt, "dev");
    expect(snap.cwd).toBe(cwd);
    expect(snap.commands).toBe(4);
    await t.rt.sessions.kill("dev");

    const r = await restoreByName(t.rt, "dev");
    expect(r.name).toBe("dev");
    const back = t.rt.sessions.get("dev");
    const pwd = await back.commands.exec("pwd", { timeoutMs: 10_000 });
    expect(text(pwd.raw)).toContain(cwd);
    const env = await back.commands.exec(`echo "[$GREETING][$PATH_EXTRA]"`, { timeoutMs: 10_000 });
    expect(text(env.raw)).toContain("[hello world][/opt/x]");
    const all = text(back.scrollback.read(0).data);
    expect(all).toContain("scrollback-marker-42");
    const history = commandsOf(t.rt.db, back.id).map((c) => [c.command, c.exitCode]);
    expect(history.slice(0, 4)).toEqual([
      [`cd "project dir"`, 0],
      [`export GREETING='hello world' PATH_EXTRA=/opt/x`, 0],
      ["echo scrollback-marker-$((6*7))", 0],
      ["false", 1],
    ]);
    expect(back.id).toBe(s.id); // same session id: its history stays attached
  }, 30_000);

  test("a snapshot file restores into another data directory, under a new name", async () => {
    const a = runtime();
    const { cwd } = await prepared(a);
    const snap = await snapshotSession(a.rt, "dev", { withFile: true });
    const file = join(mkdtempSync(join(tmpdir(), "ais-file-")), "dev.snapshot.json");
    writeFileSync(file, snap.file_text!);

    const b = runtime();
    const doc = documentFromFileText(await Bun.file(file).text(), file);
    const r = await restoreDocument(b.rt, doc, { newName: "dev2", from: file });
    const back = b.rt.sessions.get("dev2");
    expect(r.cwd).toBe(cwd);
    expect(text((await back.commands.exec("pwd; echo $GREETING", { timeoutMs: 10_000 })).raw)).toContain(`${cwd}\r\nhello world`);
    expect(text(back.scrollback.read(0).data)).toContain("scrollback-marker-42");
    expect(commandsOf(b.rt.db, back.id).slice(0, 4).map((c) => c.exitCode)).toEqual([0, 0, 0, 1]);
  }, 30_000);

  test("after a shutdown every live session is restorable; a killed one is not brought back", async () => {
    const home = mkdtempSync(join(tmpdir(), "ais-restart-"));
    const first = runtime(home);
    await prepared(first);
    await first.rt.sessions.create({ name: "gone", shell: bash });
    await first.rt.sessions.kill("gone");
    await first.close();

    const second = runtime(home);
    const restored = await restoreAll(second.rt);
    expect(restored.map((r) => r.name)).toEqual(["dev"]);
    const out = await second.rt.sessions.get("dev").commands.exec("echo $GREETING; pwd", { timeoutMs: 10_000 });
    expect(text(out.raw)).toContain("hello world");
    expect(text(out.raw)).toContain("project dir");
  }, 30_000);

  test("restoring over a running session of the same name is refused with the way out", async () => {
    const t = runtime();
    await prepared(t);
    await snapshotSession(t.rt, "dev");
    await expect(restoreByName(t.rt, "dev")).rejects.toThrow(/is running; kill it first or restore under another name with --name NEW/);
  }, 30_000);

  test("a snapshot of a session that does not exist says so", async () => {
    const t = runtime();
    await expect(snapshotSession(t.rt, "nope")).rejects.toThrow(/no session named "nope"/);
    await expect(restoreByName(t.rt, "nope")).rejects.toThrow(/no snapshot of a session named "nope"/);
  }, 30_000);
});

describe("restoring a session left inside a full-screen program", () => {
  test("the new prompt lands on the normal screen with a visible cursor", async () => {
    const t = runtime();
    const s = await t.rt.sessions.create({ name: "tui", shell: bash });
    // What a full-screen program leaves behind when its shell is gone: alternate screen on, cursor hidden.
    s.writeRaw("printf 'before-tui\\n\\033[?1049h\\033[?25lINSIDE-TUI'; sleep 30\r");
    await Bun.sleep(500);
    expect((await s.screen.capture()).alternate).toBe(true);
    await snapshotSession(t.rt, "tui");
    await t.rt.sessions.kill("tui");
    await restoreByName(t.rt, "tui");
    const back = t.rt.sessions.get("tui");
    const out = await back.commands.exec("echo after-restore", { timeoutMs: 10_000 });
    expect(text(out.raw)).toContain("after-restore");
    const screen = await back.screen.capture();
    expect(screen.alternate).toBe(false);
    expect(screen.text).toContain("after-restore");
    expect(text(back.scrollback.read(0).data)).toContain("INSIDE-TUI");
  }, 30_000);
});
