/**
 * Agent status and inbox delivery against real shells in real PTYs: the terminal answers the
 * OSC 7501 feature query, program reports set the status, and an inbox message is typed into an
 * idle agent's session and confirmed before Enter.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../db/client.ts";
import { pathsFor } from "../../server/paths.ts";
import { SessionManager } from "../../server/session/manager.ts";
import { createBusService } from "../../server/bus/index.ts";

const home = mkdtempSync(join(tmpdir(), "ais-bus-status-"));
const paths = pathsFor(home);
const db = openDatabase(paths.db);
const sessions = new SessionManager(db, paths);
const svc = createBusService({ db, home, sessions, quietMs: 200 });
afterAll(async () => {
  svc.close();
  await sessions.killAll();
  db.$client.close();
  rmSync(home, { recursive: true, force: true });
});

async function until<T>(what: string, fn: () => T | undefined | false, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

const screenText = (name: string) => new TextDecoder().decode(sessions.get(name).scrollback.read(0).data);

describe("agent status from a real PTY", () => {
  test("the OSC 7501 query is answered, and reports set the status with their source", async () => {
    const s = await sessions.create({ name: "prog", cwd: home, shell: "/bin/bash" });
    // a program that asks whether the terminal speaks 7501, reads the answer, then reports
    const script = String.raw`printf '\033]7501;?\033\\'; IFS= read -rs -t 3 -d '\' ans; printf 'answer:%q\n' "$ans"; printf '\033]7501;state=blocked:kind=permission:app=demo\033\\'; sleep 30`;
    void s.send({ text: script, enter: true });
    await until("the answer", () => screenText("prog").includes("answer:$'\\E]7501;?\\E'"));
    const status = await until("blocked", () => {
      const st = svc.status!.get(s.id);
      return st.status === "blocked" && st;
    });
    expect(status).toMatchObject({ source: "osc7501", kind: "permission", app: "demo" });
  }, 20_000);

  test("a message waits until the agent's session is idle, then is typed in and confirmed before Enter", async () => {
    const s = await sessions.create({ name: "fe-shell", cwd: home, shell: "/bin/bash" });
    svc.agents.register({ name: "fe", role: "frontend", workspace: home, session: "fe-shell" });
    svc.agents.register({ name: "be", role: "backend", workspace: home });
    // the occupant: busy first, then idle and reading one line (as an agent CLI reads its prompt)
    const script = String.raw`printf '\033]7501;state=working\033\\'; sleep 1; printf '\033]7501;state=idle\033\\'; IFS= read -r line; echo "GOT[$line]"`;
    await s.send({ text: script, enter: true });
    await until("working", () => svc.status!.get(s.id).status === "working");
    svc.bus.publish({ sender: "be", to: "fe", type: "help_request", payload: "API is on port 4000" });
    await Bun.sleep(300);
    expect(screenText("fe-shell")).not.toContain("GOT[[ai-session");
    expect(svc.bus.inboxSize("fe")).toBe(1);
    await until("delivery", () => screenText("fe-shell").includes("GOT[[ai-session bus] help_request from be: API is on port 4000]"));
    await until("ack", () => svc.bus.inboxSize("fe") === 0);
  }, 20_000);

  test("a message typed in after the full inbox dropped older ones says how many were dropped", async () => {
    const s = await sessions.create({ name: "full-shell", cwd: home, shell: "/bin/bash" });
    svc.agents.register({ name: "full", role: "frontend", workspace: home, session: "full-shell" });
    // nothing declared itself an agent program yet: messages wait, and two past the capacity drop
    for (let i = 0; i < 1002; i++) svc.bus.publish({ sender: "be", to: "full", payload: `m${i}` });
    expect(svc.bus.inboxSize("full")).toBe(1000);
    const script = String.raw`printf '\033]7501;state=idle\033\\'; IFS= read -r line; printf '\033]7501;state=working\033\\'; printf 'G%sT[%s]\n' O "$line"; sleep 30`;
    await s.send({ text: script, enter: true });
    await until("delivery", () => /GOT\[.*\]/.test(screenText("full-shell")), 15_000);
    const got = /GOT\[(.*)\]/.exec(screenText("full-shell"))![1]!;
    expect(got).toBe("[ai-session bus] (2 older messages were dropped: the inbox holds 1000 and was full) custom from be: m2");
    // told once: a read now reports nothing more dropped
    expect(svc.bus.readInbox("full").dropped).toBe(0);
  }, 30_000);

  test("a plain shell at its prompt becomes idle (shell marks or two quiet samples), never from one sample", async () => {
    const s = await sessions.create({ name: "plain", cwd: home, shell: "/bin/bash" });
    await s.send({ text: "echo start; sleep 1; echo end", enter: true });
    await until("working", () => svc.status!.get(s.id).status === "working");
    const idle = await until("idle", () => {
      const st = svc.status!.get(s.id);
      return (st.status === "idle" || st.status === "done") && st;
    });
    expect(["osc133", "heuristic"]).toContain(idle.source);
    expect(screenText("plain")).toContain("end");
  }, 20_000);

  test("a plain shell prompt never gets a message typed in: at a prompt the text would run", async () => {
    const s = await sessions.create({ name: "ops-shell", cwd: home, shell: "/bin/bash" });
    svc.agents.register({ name: "ops", role: "devops", workspace: home, session: "ops-shell", delivery: "eager" });
    await until("idle prompt", () => ["idle", "done"].includes(svc.status!.get(s.id).status));
    expect(svc.status!.pasteMode(s.id)).toBe(true);
    const planted = join(home, "planted-by-message");
    svc.bus.publish({ sender: "be", to: "ops", payload: `hello; touch ${planted}` });
    await Bun.sleep(1500);
    expect(svc.bus.inboxSize("ops")).toBe(1); // kept for read_inbox, never typed
    expect(screenText("ops-shell")).not.toContain("[ai-session bus]");
    expect(await Bun.file(planted).exists()).toBe(false);
  }, 20_000);

  test("an agent program (OSC 7501) gets it as one bracketed paste, controls stripped; the sender's role judges the text", async () => {
    const s = await sessions.create({ name: "prog-shell", cwd: home, shell: "/bin/bash" });
    svc.agents.register({ name: "prog", role: "devops", workspace: home, session: "prog-shell" });
    svc.agents.register({ name: "tester", role: "qa", workspace: home });
    await until("idle prompt", () => ["idle", "done"].includes(svc.status!.get(s.id).status));
    const denied: string[] = [];
    svc.denials.on("denied", (e: { rule: string; agent: string | null }) => denied.push(`${e.agent}:${e.rule}`));
    // qa may not push: the message is never typed, and waits in the inbox without blocking the next
    svc.bus.publish({ sender: "tester", to: "prog", payload: "done; git push origin main" });
    // ESC[201~ would end a bracketed paste early; the rest would then be typed as keys
    svc.bus.publish({ sender: "be", to: "prog", payload: "hi\x1b[201~; touch nothing\r\nsecond line\x03" });
    // the occupant: an agent-like program that turns bracketed paste on, says it is idle, reads one line
    const script = String.raw`printf '\033[?2004h\033]7501;state=idle:app=fake\033\\'; IFS= read -r line; printf '\033[?2004l'; printf 'G%sT[%q]\n' O "$line"`;
    await s.send({ text: script, enter: true });
    await until("delivery", () => /GOT\[/.test(screenText("prog-shell")));
    const got = /GOT\[(.*)\]/.exec(screenText("prog-shell"))![1]!;
    expect(got).toContain("[ai-session bus] custom from be: hi [201~; touch nothing second line ");
    expect(got.match(/\\E\[201~/g)?.length).toBe(1); // only the real end of the paste
    expect(got).not.toContain("git push");
    await until("ack", () => svc.bus.inboxSize("prog") === 1);
    expect(svc.bus.readInbox("prog").messages[0]!.sender).toBe("tester");
    expect(denied.filter((d) => d === "tester:deny:git push*").length).toBe(1);
    // the program ended and the shell is back at its prompt: nothing more is typed there
    await until("the 7501 report is gone", () => svc.status!.get(s.id).source !== "osc7501");
  }, 20_000);
});
