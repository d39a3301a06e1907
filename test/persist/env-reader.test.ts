import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { liveEnv } from "../../server/persist/session-state.ts";
import type { Session } from "../../server/session/session.ts";
import { readShellEnv } from "../../server/session/shell-env.ts";

const listing = (vars: Record<string, string>) =>
  Object.entries(vars)
    .map(([k, v]) => `declare -x ${k}="${v}"\n`)
    .join("");

/** A session as liveEnv sees it: its directory, and env() as Session implements it. */
function fakeSession(dir: string, start: Record<string, string> = { START: "1" }): Session {
  return { sessionDir: dir, env: () => readShellEnv(join(dir, "env")) ?? { ...start } } as unknown as Session;
}

/** Runs `fn` with Bun.sleepSync counted (it must never be called on the server's event loop). */
function countingSleeps<T>(fn: () => T): { value: T; sleeps: number } {
  const real = Bun.sleepSync;
  let sleeps = 0;
  (Bun as { sleepSync: (ms: number) => void }).sleepSync = (ms: number) => {
    sleeps++;
    real(ms);
  };
  try {
    return { value: fn(), sleeps };
  } finally {
    (Bun as { sleepSync: (ms: number) => void }).sleepSync = real;
  }
}

describe("one torn-read-safe reader of the shell's env file", () => {
  test("a half-written file never gives a torn environment: the last complete one comes back", () => {
    const dir = mkdtempSync(join(tmpdir(), "ais-envfile-"));
    const file = join(dir, "env");
    writeFileSync(file, listing({ A: "1", B: "two words" }));
    expect(readShellEnv(file)).toEqual({ A: "1", B: "two words" });
    // the shell is rewriting it: cut in the middle of a line
    writeFileSync(file, 'declare -x A="1"\ndeclare -x B="tw');
    expect(readShellEnv(file)).toEqual({ A: "1", B: "two words" });
    // truncated to nothing, at the start of a rewrite
    writeFileSync(file, "");
    expect(readShellEnv(file)).toEqual({ A: "1", B: "two words" });
    // whole again, with a new export
    writeFileSync(file, listing({ A: "1", B: "two words", C: "3" }));
    expect(readShellEnv(file)).toEqual({ A: "1", B: "two words", C: "3" });
  });

  test("no file: undefined (no integration), and the session's start env for a snapshot", () => {
    const dir = mkdtempSync(join(tmpdir(), "ais-envfile-"));
    expect(readShellEnv(join(dir, "env"))).toBeUndefined();
    expect(liveEnv(fakeSession(dir))).toEqual({ START: "1" });
  });

  test("a snapshot reads a freshly written env file without sleeping on the event loop", () => {
    const dir = mkdtempSync(join(tmpdir(), "ais-envfile-"));
    writeFileSync(join(dir, "env"), listing({ GREETING: "hello", PWD: "/x", AI_SESSION_ID: "abc" }));
    const { value, sleeps } = countingSleeps(() => liveEnv(fakeSession(dir)));
    expect(value).toEqual({ GREETING: "hello" }); // per-shell and ai-session's own variables are not restored
    expect(sleeps).toBe(0);
  });

  test("a file being rewritten right now costs no sleep either, and gives the last complete env", () => {
    const dir = mkdtempSync(join(tmpdir(), "ais-envfile-"));
    const file = join(dir, "env");
    writeFileSync(file, listing({ KEEP: "yes" }));
    expect(liveEnv(fakeSession(dir))).toEqual({ KEEP: "yes" });
    writeFileSync(file, 'declare -x KEEP="y');
    const { value, sleeps } = countingSleeps(() => liveEnv(fakeSession(dir)));
    expect(value).toEqual({ KEEP: "yes" });
    expect(sleeps).toBe(0); // counted, not timed: a busy machine cannot make this fail
  });
});
