import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, CliHome, requireBinary } from "./cli.ts";

requireBinary();

/**
 * Mistakes on the command line, as a user makes them: each is an error in our own words with the
 * usage line (never a silent success, never the runtime's text), output that cannot be written is
 * a failure, and colour reaches only a terminal.
 */
let h: CliHome;
beforeAll(async () => {
  h = new CliHome();
  expect((await h.run(["create", "--name", "S"])).code).toBe(0);
});
afterAll(() => h.close());

const RUNTIME_WORDS = /typo in the url|verbose: true|second argument to fetch|Bun v\d|at .*\.ts:\d+/i;

function expectMistake(r: { code: number; stdout: string; stderr: string }, sentence: RegExp, usage?: string) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(sentence);
  if (usage) expect(r.stderr).toContain(usage);
  expect(r.stderr).not.toMatch(RUNTIME_WORDS);
}

describe("unknown flags and extra arguments", () => {
  test("list --bogus-flag is an error with the usage line", async () => {
    expectMistake(await h.run(["list", "--bogus-flag"]), /^ai-session: unknown flag --bogus-flag for list/, "usage: ai-session list [OPTIONS]");
  });

  test("status --json extra is an error, not a status", async () => {
    expectMistake(await h.run(["status", "--json", "extra"]), /unexpected argument "extra" for status/, "usage: ai-session status");
  });

  test("a mistyped flag names the one meant; a flag without its value says so", async () => {
    expectMistake(await h.run(["history", "S", "--faild"]), /unknown flag --faild for history \(did you mean --failed\?\)/);
    expectMistake(await h.run(["read", "S", "--lines"]), /--lines needs a value for read/, "usage: ai-session read [OPTIONS] NAME");
  });

  test("an unknown command, or subcommand, is an error in our words", async () => {
    expectMistake(await h.run(["bogus"]), /^ai-session: unknown command "bogus"/);
    expectMistake(await h.run(["bus", "nope"]), /^ai-session: unknown command "bus nope"/);
  });
});

describe("send takes text that starts with a dash", () => {
  test("after --, and as a word that is no flag", async () => {
    expect((await h.run(["send", "S", "--", "-n dash-one", "--enter"])).code).toBe(2); // after --, --enter is text: one too many
    expect((await h.run(["send", "S", "--enter", "--", "echo -n dash-one"])).code).toBe(0);
    expect((await h.run(["send", "S", "-n dash-two"])).code).toBe(0);
    try {
      // the shell echoes typed text when it gets to it: on a loaded machine after the first read
      let screen = "";
      for (let i = 0; i < 50 && !screen.includes("-n dash-two"); i++) {
        if (i > 0) await Bun.sleep(100);
        screen = JSON.stringify(await h.json<{ output: string }>(["read", "S", "--screen"]));
      }
      expect(screen).toContain("echo -n dash-one");
      expect(screen).toContain("-n dash-two");
      expectMistake(await h.run(["send", "S", "-f"]), /unknown flag -f for send; an argument that starts with "-" goes after --/);
    } finally {
      // the text typed without Enter is cleared, whatever failed: later tests exec in this session
      await h.run(["send", "S", "--keys", "C-c"]);
    }
  });
});

describe("write errors", () => {
  test("snapshot -o /dev/full fails and leaves the device alone", async () => {
    const r = await h.run(["snapshot", "S", "-o", "/dev/full"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("cannot write the snapshot to /dev/full (ENOSPC)");
    expect(r.stdout).not.toContain("written");
    expect(Bun.spawnSync(["test", "-c", "/dev/full"]).exitCode).toBe(0); // still the device
  });

  test("output that cannot be written is exit 1 with a sentence; a reader that left is not an error", async () => {
    const full = Bun.spawnSync(["sh", "-c", `"${BIN}" list --json > /dev/full`], { env: h.env() });
    expect(full.exitCode).toBe(1);
    expect(full.stderr.toString()).toBe("ai-session: cannot write the output to stdout: no space is left on the device\n");
    const closed = Bun.spawnSync(["sh", "-c", `"${BIN}" list --json | true`], { env: h.env() });
    expect(closed.exitCode).toBe(0);
    expect(closed.stderr.toString()).toBe("");
  });
});

describe("colour", () => {
  test("--help into a pipe has no colour codes, with or without NO_COLOR", async () => {
    for (const env of [{ NO_COLOR: "" }, { NO_COLOR: "1" }]) {
      const r = await h.run(["--help"], { env });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("USAGE");
      expect(r.stdout).not.toContain("\x1b[");
      const sub = await h.run(["exec", "--help"], { env });
      expect(sub.stdout).toContain("ai-session exec");
      expect(sub.stdout).not.toContain("\x1b[");
    }
  });

  test("--help on a terminal is in colour, unless NO_COLOR is set", async () => {
    const onTerminal = async (env: Record<string, string>) => {
      let seen = "";
      // a terminal as a person has it: CI (and TEST) set mean plain text to citty, as in CI logs
      const person = Object.fromEntries(Object.entries(h.env()).filter(([k]) => k !== "CI" && k !== "TEST"));
      const p = Bun.spawn([BIN, "--help"], { env: { ...person, ...env }, terminal: { cols: 120, rows: 40, data: (_t, b) => void (seen += new TextDecoder().decode(b)) } });
      await p.exited;
      await Bun.sleep(100);
      return seen;
    };
    expect(await onTerminal({ NO_COLOR: "" })).toContain("\x1b[");
    const plain = await onTerminal({ NO_COLOR: "1" });
    expect(plain).toContain("USAGE");
    expect(plain).not.toMatch(/\x1b\[[0-9;]*m/);
  });
});

describe("a data directory that does not exist", () => {
  test("is not created by a command that only asks: it says there is no server there", async () => {
    const missing = join(mkdtempSync(join(tmpdir(), "ais-nohome-")), "no", "such", "dir");
    for (const args of [["list"], ["exec", "S", "true"], ["history", "S"]]) {
      const r = await h.run(["--home", missing, ...args]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`ai-session: no ai-session server for ${missing}: the directory does not exist (ai-session create --home ${missing} starts one there)\n`);
      expect(existsSync(missing)).toBe(false);
    }
    const status = await h.run(["--home", missing, "status"]);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain("no server running");
    expect(existsSync(missing)).toBe(false);
  });

  test("create makes it and starts a server there", async () => {
    const fresh = join(mkdtempSync(join(tmpdir(), "ais-newhome-")), "deep", "dir");
    const other = new CliHome();
    try {
      const r = await other.run(["--home", fresh, "create", "--name", "there"]);
      expect(r.code).toBe(0);
      expect(existsSync(join(fresh, "server.sock"))).toBe(true);
    } finally {
      await other.run(["--home", fresh, "kill-server"]);
      await other.close();
    }
  });
});

describe("results", () => {
  test("an exec printing a million 'a' exits with the command's code, and history agrees", async () => {
    const r = await h.run(["exec", "S", "head -c 1000000 /dev/zero | tr '\\0' a; echo; exit 0", "--json"]);
    const j = JSON.parse(r.stdout);
    expect(r.code).toBe(0);
    expect(j.exit_code).toBe(0);
    expect(j.tokens.estimated).toBe(true);
    const history = await h.json<{ exit_code: number }[]>(["history", "S"]);
    expect(history.at(-1)!.exit_code).toBe(0);
    // the compiled binary started its worker threads: nothing fell back to the event loop
    expect(readFileSync(join(h.home, "server.log"), "utf8")).not.toContain("heavy work runs on the main thread");
  });

  test("a shell that never reports exit statuses: exec of false exits 123, status unknown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ais-othersh-"));
    const shell = join(dir, "othersh");
    symlinkSync("/bin/bash", shell);
    expect((await h.run(["create", "--name", "quiet", "--shell", shell, "--env", "PS1=$ ", "--env", `HOME=${dir}`])).code).toBe(0);
    const r = await h.run(["exec", "quiet", "false", "--json"]);
    expect(r.code).toBe(123);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "unknown", exit_code: null, completion: { method: "quiet_heuristic" } });
    const plain = await h.run(["exec", "quiet", "false"]);
    expect(plain.code).toBe(123);
    expect(plain.stderr).toContain("its exit status is unknown");
  });
});
