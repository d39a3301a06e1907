import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commandsOf } from "../../server/session/store.ts";
import { coreHarness } from "./harness.ts";
import { execCommand, readOutput, sendInput, waitFor } from "../../server/session/operations.ts";
import { ownerCaller } from "../../server/security/auth.ts";
import { isAlive } from "../../server/pty/process-group.ts";

const owner = ownerCaller();
let h: ReturnType<typeof coreHarness>;
beforeAll(() => {
  h = coreHarness();
});
afterAll(() => h.close());

const run = (name: string, command: string, timeout_ms = 20_000, mode: "compact" | "raw" | "lossless" = "raw") =>
  execCommand(h.ops, owner, name, { command, timeout_ms, mode });

describe("exec in a live bash", () => {
  beforeAll(async () => {
    await h.sessions.create({ name: "b", shell: "/bin/bash", cwd: "/" });
  });

  test("cd and export carry over between calls", async () => {
    expect((await run("b", "cd /tmp && export X=1")).exit_code).toBe(0);
    const r = await run("b", "pwd; echo $X");
    expect(r.output.trim().split(/\r?\n/)).toEqual(["/tmp", "1"]);
    expect(r.cwd).toBe("/tmp");
    expect(r.completion).toEqual({ method: "shell_integration", confidence: "high" });
  });

  test("exact exit codes: false, (exit 7), a missing command", async () => {
    expect((await run("b", "false")).exit_code).toBe(1);
    expect((await run("b", "(exit 7)")).exit_code).toBe(7);
    const missing = await run("b", "no-such-command-xyz");
    expect(missing.exit_code).toBe(127);
    expect(missing.status).toBe("failed");
  });

  test("no marker text and no echo of the command in the output", async () => {
    const r = await run("b", "echo visible");
    expect(r.output).toBe("visible\r\n");
    expect(r.output).not.toContain("133;");
    expect(r.output).not.toContain("echo visible");
  });

  test("multi-line commands run whole and report the last status", async () => {
    const r = await run("b", "echo one\necho two\n(exit 3)");
    expect(r.output).toContain("one");
    expect(r.output).toContain("two");
    expect(r.exit_code).toBe(3);
  });

  test("output without a final newline is kept", async () => {
    const r = await run("b", "printf 'no newline'");
    expect(r.output).toBe("no newline");
  });

  test("bytes that are not UTF-8 come back replaced, raw bytes counted exactly", async () => {
    const r = await run("b", "printf 'a\\377\\376b\\n'");
    expect(r.raw_bytes).toBe(6);
    expect(r.output).toContain("a\uFFFD\uFFFDb");
  });

  test("a timeout returns, the command keeps running, and wait picks it up", async () => {
    const r = await run("b", "sleep 1.5; echo finished", 300);
    expect(r.status).toBe("timeout");
    expect(r.command_id).toBeNumber();
    const busy = run("b", "echo nope");
    await expect(busy).rejects.toThrow(/still running command/);
    const w = await waitFor(h.ops, owner, "b", { command_id: r.command_id!, timeout_ms: 10_000, mode: "raw" });
    expect(w.status).toBe("ok");
    expect(w.exit_code).toBe(0);
    expect(w.output).toContain("finished");
  });

  test("a command waiting at a prompt returns waiting_for_input with the prompt", async () => {
    const started = Date.now();
    const r = await run("b", "read -p 'Overwrite? [y/N] ' ans; echo answer=$ans", 15_000);
    expect(r.status).toBe("waiting_for_input");
    expect(r.prompt).toContain("Overwrite? [y/N]");
    expect(Date.now() - started).toBeLessThan(5000);
    await sendInput(h.ops, owner, "b", { text: "y", enter: true });
    const w = await waitFor(h.ops, owner, "b", { command_id: r.command_id!, timeout_ms: 10_000, mode: "raw" });
    expect(w.output).toContain("answer=y");
    expect(w.exit_code).toBe(0);
  });

  test("an empty or oversized command is refused with a clear error", async () => {
    await expect(run("b", "   ")).rejects.toThrow("the command is empty");
    await expect(run("b", `echo ${"x".repeat(1024 * 1024)}`)).rejects.toThrow(/limit is \d+ \(put long scripts in a file/);
  });

  test("read returns new output since the last read, with offsets", async () => {
    // a session of its own, read before the 100 MB test below: what a worker does after a flood
    // (history, checkpoints, memory) must not decide whether this one finishes in time
    await h.sessions.create({ name: "reads", shell: "/bin/bash", cwd: "/" });
    await readOutput(h.ops, owner, "reads", {});
    await run("reads", "echo read-me");
    const r = await readOutput(h.ops, owner, "reads", {});
    expect(r.output).toContain("read-me");
    const again = await readOutput(h.ops, owner, "reads", {});
    expect(again.output).toBe("");
    expect(again.offset).toBe(r.offset);
    const replay = await readOutput(h.ops, owner, "reads", { since: r.start });
    expect(replay.output).toContain("read-me");
  }, 30_000);

  test("100 MB of output completes and is counted", async () => {
    const r = await run("b", "yes | head -c 100000000", 120_000, "compact");
    expect(r.exit_code).toBe(0);
    expect(r.raw_bytes).toBeGreaterThanOrEqual(100_000_000);
    expect(r.tokens.compacted).toBeLessThan(2000);
    // the shell prints it in about 11 s; compacting 134 MB of terminal bytes takes a worker 1 to 3 minutes on a loaded machine
  }, 420_000);

  test("send delivers long multi-line text whole before Enter", async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line-${i}-${"z".repeat(40)}`);
    await run("b", "cat > /tmp/ais-paste-test.txt <<'EOF_X'\n" + lines.join("\n") + "\nEOF_X");
    const r = await run("b", "wc -l < /tmp/ais-paste-test.txt; tail -1 /tmp/ais-paste-test.txt");
    expect(r.output).toContain("200");
    expect(r.output).toContain(lines[199]!);
  });

  test("the screen shows what a full-screen program drew", async () => {
    await sendInput(h.ops, owner, "b", { text: "printf '\\033[2J\\033[5;10HCENTER'; sleep 30", enter: true });
    // the shell draws it when it gets a CPU: on a loaded machine that takes a while
    let row = "";
    for (let i = 0; i < 100 && row !== `${" ".repeat(9)}CENTER`; i++) {
      await Bun.sleep(100);
      row = (await h.sessions.get("b").screen.capture()).text.split("\n")[4] ?? "";
    }
    expect(row).toBe(`${" ".repeat(9)}CENTER`);
    await sendInput(h.ops, owner, "b", { keys: ["C-c"] });
    await Bun.sleep(200);
  }, 30_000);
});

describe("sessions", () => {
  test("a taken name and bad names are refused", async () => {
    await h.sessions.create({ name: "taken", cwd: "/" });
    await expect(h.sessions.create({ name: "taken" })).rejects.toThrow('a session named "taken" already exists');
    for (const bad of ["../x", "has space", "ctl\x07char", "", "a".repeat(65)]) {
      await expect(h.sessions.create({ name: bad })).rejects.toThrow(/not a valid session name|name is needed/);
    }
    expect(() => h.sessions.get("nope")).toThrow('no session named "nope"');
  });

  test("two execs at once on one session: the second is refused, never interleaved", async () => {
    await h.sessions.create({ name: "two", cwd: "/" });
    const first = run("two", "sleep 0.5; echo first");
    await Bun.sleep(100);
    await expect(run("two", "echo second")).rejects.toThrow(/still running command/);
    expect((await first).output).toContain("first");
  });

  test("kill ends the whole process tree, including background jobs and daemons", async () => {
    const s = await h.sessions.create({ name: "tree", cwd: "/" });
    // durations no other process on the machine uses, so pgrep finds only these
    const tag = 70000 + Math.floor(Math.random() * 9000);
    await run("tree", `sleep ${tag}.0 & (setsid sleep ${tag}.1 &) ; nohup sleep ${tag}.2 >/dev/null 2>&1 &`);
    await Bun.sleep(200);
    const pids = (await run("tree", `pgrep -f 'sleep ${tag}\\.[012]'`)).output.trim().split(/\s+/).map(Number);
    expect(pids.length).toBe(3);
    const shellPid = s.pid;
    await h.sessions.kill("tree");
    await Bun.sleep(200);
    expect(isAlive(shellPid)).toBe(false);
    for (const p of pids) expect(isAlive(p)).toBe(false);
  });

  test("a shell that exits takes with it the jobs it disowned and the daemons it started", async () => {
    const s = await h.sessions.create({ name: "leaver", cwd: "/" });
    const tag = 80000 + Math.floor(Math.random() * 9000);
    await run("leaver", `sleep ${tag}.0 & disown; (setsid sleep ${tag}.1 &); true`);
    await Bun.sleep(200);
    const pids = (await run("leaver", `pgrep -f 'sleep ${tag}\\.[01]'`)).output.trim().split(/\s+/).map(Number);
    expect(pids.length).toBe(2);
    const ended = new Promise((resolve) => h.sessions.events.once("session:ended", resolve));
    s.writeRaw("exit\r");
    await ended;
    for (let i = 0; i < 50 && pids.some(isAlive); i++) await Bun.sleep(50);
    for (const p of pids) expect(isAlive(p)).toBe(false);
  });

  test("exec delivers control characters literally: nothing is taken for an editing key, history holds what ran", async () => {
    for (const [name, shell] of [["lit-bash", "/bin/bash"], ["lit-sh", "/bin/sh"]] as const) {
      const s = await h.sessions.create({ name, shell, cwd: "/" });
      const command = "echo \x01\x02\x1b[31mred; printf '%s|' a\tb";
      const r = await run(name, command);
      expect(r.exit_code).toBe(0);
      expect(r.output).toBe("\x01\x02\x1b[31mred\r\na|b|");
      expect(commandsOf(h.db, s.id).at(-1)?.command).toBe(command);
    }
  });

  test("exec runs exactly its command when text typed without Enter (send, or a terminal) sits on the prompt", async () => {
    for (const [name, shell] of [["pending-bash", "/bin/bash"], ["pending-zsh", "/usr/bin/zsh"]] as const) {
      const s = await h.sessions.create({ name, shell, cwd: "/" });
      await sendInput(h.ops, owner, name, { text: "echo LEFTOVER" });
      const r = await run(name, "echo ran-$((6*7))");
      expect(r.output.trim()).toBe("ran-42");
      expect(r.exit_code).toBe(0);
      // text a viewer typed into the terminal (the dashboard, attach) is not tracked, and is cleared too
      s.writeRaw("echo TYPED-IN-TERMINAL");
      const again = await run(name, "echo second");
      expect(again.output.trim()).toBe("second");
      expect((await run(name, "echo third")).output.trim()).toBe("third");
    }
    // plain sh has no line editor to clear: known pending text is refused, and nothing runs
    await h.sessions.create({ name: "pending-sh", shell: "/bin/sh", cwd: "/" });
    await sendInput(h.ops, owner, "pending-sh", { text: "echo LEFTOVER" });
    await expect(run("pending-sh", "echo nope")).rejects.toThrow(/typed at its prompt without Enter.*C-u/);
    await sendInput(h.ops, owner, "pending-sh", { keys: ["C-u"] });
    expect((await run("pending-sh", "echo after")).output.trim()).toBe("after");
  });

  test("a shell without integration: an exit status it never reports is unknown, not a success", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ais-other-shell-"));
    const shell = join(dir, "othersh");
    symlinkSync("/bin/bash", shell); // bash under another name: no integration, the quiet heuristic decides
    await h.sessions.create({ name: "other", shell, cwd: "/", env: { PS1: "$ ", HOME: dir } });
    const r = await execCommand(h.ops, owner, "other", { command: "false", timeout_ms: 20_000 });
    expect(r.completion.method).toBe("quiet_heuristic");
    expect(r.status).toBe("unknown");
    expect(r.exit_code).toBeNull();
  });

  test("plain sh runs a multi-line command as one, ending once", async () => {
    await h.sessions.create({ name: "dash2", shell: "/bin/sh", cwd: "/" });
    // quotes, a % and a backslash survive the one-line form
    const r = await run("dash2", "echo one\nprintf '%s\\n' \"it's 100% \\\\ok\"\n(exit 6)");
    expect(r.exit_code).toBe(6);
    expect(r.output.trim().split(/\r?\n/)).toEqual(["one", "it's 100% \\ok"]);
    expect((await run("dash2", "echo after")).output.trim()).toBe("after");
  });

  test("a shell that exits at once is refused, and its name stays free", async () => {
    await expect(h.sessions.create({ name: "dead", shell: "/bin/false" })).rejects.toThrow(/exited at once/);
    await h.sessions.create({ name: "dead", cwd: "/" });
  });

  test("a read of megabytes renders off the event loop: timers keep firing while it renders, the text is whole", async () => {
    await h.sessions.create({ name: "bigread", shell: "/bin/bash", cwd: "/" });
    await readOutput(h.ops, owner, "bigread", {});
    await run("bigread", "seq 1 400000", 60_000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = ticks;
    const r = await readOutput(h.ops, owner, "bigread", {});
    clearInterval(timer);
    expect(r.output).toContain("\n399999\n400000");
    expect(ticks).toBeGreaterThan(started);
  }, 90_000);

  test("reading from past the end returns nothing and loses nothing later", async () => {
    await h.sessions.create({ name: "past", cwd: "/" });
    const r = await readOutput(h.ops, owner, "past", { since: 10_000_000 });
    expect(r.output).toBe("");
    await run("past", "echo later");
    expect((await readOutput(h.ops, owner, "past", {})).output).toContain("later");
  });

  test("plain sh: exit status through its prompt mark", async () => {
    await h.sessions.create({ name: "dash", shell: "/bin/sh", cwd: "/" });
    const r = await run("dash", "cd /tmp; echo in-sh; (exit 4)");
    expect(r.exit_code).toBe(4);
    expect(r.output.trim()).toBe("in-sh");
    expect(r.completion.method).toBe("prompt_marker");
    expect((await run("dash", "pwd")).output.trim()).toBe("/tmp");
  });

  test.if(existsSync("/usr/bin/zsh") || existsSync("/bin/zsh"))("zsh: shell integration through precmd and preexec", async () => {
    await h.sessions.create({ name: "z", shell: existsSync("/usr/bin/zsh") ? "/usr/bin/zsh" : "/bin/zsh", cwd: "/" });
    const r = await run("z", "cd /tmp && export Y=2; echo $Y; (exit 5)");
    expect(r.exit_code).toBe(5);
    expect(r.output.trim()).toBe("2");
    expect(r.completion.method).toBe("shell_integration");
    expect((await run("z", "pwd")).output.trim()).toBe("/tmp");
  });

  test("a session's environment is wide, unpaged, with a real TERM", async () => {
    await h.sessions.create({ name: "env", cwd: "/" });
    const r = await run("env", "echo $TERM $PAGER $GIT_PAGER; tput cols");
    expect(r.output.trim().split(/\s+/)).toEqual(["xterm-256color", "cat", "cat", "200"]);
  });

  test("the shell's exported environment is read back after export", async () => {
    await h.sessions.create({ name: "envread", cwd: "/" });
    await run("envread", "export FROM_TEST='a b\"c'");
    expect(h.sessions.get("envread").env().FROM_TEST).toBe('a b"c');
  });
});
