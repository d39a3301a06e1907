// `send` goes through the guard like exec: at the shell's prompt, what is typed is a command line,
// judged whole; a secret is typed only into a password prompt. Real bash in a real PTY.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../../server/errors.ts";
import { ownerCaller } from "../../server/security/auth.ts";
import { sendInput } from "../../server/session/operations.ts";
import { sandboxHarness, until } from "./harness.ts";

const h = sandboxHarness();
const ws = h.dir("ws");
const outside = h.dir("outside");
const SECRET = "hunter2-correct-horse-battery";
afterAll(() => h.close());

beforeAll(async () => {
  h.bus.agents.register({ name: "qa1", role: "qa", workspace: ws });
  await h.create("qa", { agent: "qa1", cwd: ws });
  await h.create("plain", { cwd: ws });
});

const send = (session: string, req: Parameters<typeof sendInput>[3], agent?: string) => sendInput(h.ops, ownerCaller(agent), session, req);
const text = (session: string) => new TextDecoder().decode(h.sessions.get(session).scrollback.read(0).data);

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

/** Starts a command that waits at a prompt, and waits until the program (not the shell) reads the terminal. */
async function promptFor(session: string, command: string) {
  const s = h.sessions.get(session);
  const r = await s.commands.exec(command, { timeoutMs: 10_000 });
  expect(r.status).toBe("waiting_for_input");
  return r.record.id;
}

describe("send --secret", () => {
  test("at the bash prompt it is refused and nothing is typed", async () => {
    await until("a quiet prompt", () => h.sessions.get("plain").quietForMs > 300);
    const before = h.sessions.get("plain").scrollback.end;
    const e = await refusal(send("plain", { text: `echo ${SECRET} > leaked`, secret: true, enter: true }));
    expect(e.code).toBe("denied");
    expect(e.message).toContain("shell's own prompt");
    await Bun.sleep(300);
    expect(h.sessions.get("plain").scrollback.end).toBe(before);
    expect(existsSync(join(ws, "leaked"))).toBe(false);
  });

  test("at a prompt that echoes it is refused", async () => {
    const id = await promptFor("plain", 'read -r -p "Name: " N; echo "hello $N"');
    const e = await refusal(send("plain", { text: SECRET, secret: true, enter: true }));
    expect(e.message).toContain("echoes what is typed");
    await send("plain", { text: "ann", enter: true });
    expect((await h.sessions.get("plain").commands.waitCommand(id, 10_000))?.status).toBe("ok");
    expect(text("plain")).not.toContain(SECRET);
  });

  test("to a program that reads raw keys (and may show them) it is refused", async () => {
    const id = await promptFor("plain", `python3 -c 'import sys, termios, tty; old = termios.tcgetattr(0); tty.setraw(0); c = sys.stdin.read(1); termios.tcsetattr(0, termios.TCSADRAIN, old); print(repr(c))'`);
    const e = await refusal(send("plain", { text: SECRET, secret: true, enter: true }));
    expect(e.message).toContain("reads raw keys");
    await send("plain", { text: "x" });
    await h.sessions.get("plain").commands.waitCommand(id, 10_000);
    expect(text("plain")).not.toContain(SECRET);
  });

  test("at a read -s prompt it is typed: the program gets it, the scrollback never holds it", async () => {
    const id = await promptFor("plain", 'read -r -s -p "Password: " PW; echo; echo "length ${#PW}"');
    await send("plain", { text: SECRET, secret: true, enter: true });
    const done = await h.sessions.get("plain").commands.waitCommand(id, 10_000);
    expect(done?.status).toBe("ok");
    expect(text("plain")).toContain(`length ${SECRET.length}`);
    expect(text("plain")).not.toContain(SECRET);
  });

  test("in a sandboxed role session too", async () => {
    const id = await promptFor("qa", 'read -r -s -p "Password: " PW; echo; echo "length ${#PW}"');
    await send("qa", { text: SECRET, secret: true, enter: true }, "qa1");
    await h.sessions.get("qa").commands.waitCommand(id, 10_000);
    expect(text("qa")).toContain(`length ${SECRET.length}`);
    expect(text("qa")).not.toContain(SECRET);
  });
});

describe("send at a role session's prompt is a command line", () => {
  test("pieces typed one send at a time are judged as the line they make", async () => {
    const canary = join(outside, "canary");
    writeFileSync(canary, "canary\n");
    await send("qa", { text: "rm -rf " }, "qa1"); // harmless so far
    const e = await refusal(send("qa", { text: canary }, "qa1"));
    expect(e.code).toBe("denied");
    expect(e.message).toContain(`refuses "rm -rf ${canary}"`);
    const keyed = await refusal(send("qa", { keys: [..."/etc"], enter: true }, "qa1"));
    expect(keyed.message).toContain('refuses "rm -rf /etc"');
    await send("qa", { keys: ["C-u"] }, "qa1"); // clears the line: a fresh start passes
    await send("qa", { text: "touch typed-ok", enter: true }, "qa1");
    await until("the typed command", () => existsSync(join(ws, "typed-ok")));
    expect(existsSync(canary)).toBe(true);
    await until("the prompt again", () => h.sessions.get("qa").shellReadsInput());
  });

  test("keys that change the line unseen (history, completion) are refused at the prompt; a program gets them", async () => {
    const e = await refusal(send("qa", { keys: ["Up", "Enter"] }, "qa1"));
    expect(e.message).toContain("Up at the shell's prompt");
    const id = await promptFor("qa", 'read -r -p "Continue? " A; echo "answer [$A]"');
    await send("qa", { keys: ["Up"] }, "qa1");
    await send("qa", { keys: ["C-u"] }, "qa1");
    await send("qa", { text: "yes", enter: true }, "qa1");
    await h.sessions.get("qa").commands.waitCommand(id, 10_000);
    expect(text("qa")).toContain("answer [yes]");
  });

  test("a plain session (no role) types what it is given", async () => {
    await send("plain", { keys: ["Up"] });
    await send("plain", { keys: ["C-u"] });
    await send("plain", { text: "touch plain-ok", enter: true });
    await until("the typed command", () => existsSync(join(ws, "plain-ok")));
  });
});
