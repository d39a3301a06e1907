import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, symlinkSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { isAlive } from "../../server/pty/process-group.ts";
import { BIN, CliHome, processesOfHome, requireBinary } from "./cli.ts";

requireBinary();

describe("the compiled binary, as a user drives it", () => {
  let h: CliHome;
  beforeAll(() => {
    h = new CliHome();
  });
  afterAll(() => h.close());

  test("create, exec with state carried over, list, history, kill", async () => {
    const created = await h.json<{ name: string; id: string; pid: number; cwd: string; shell: string; status: string }>(["create", "--name", "dev", "--cwd", "/"]);
    expect(created).toMatchObject({ name: "dev", cwd: "/", shell: "/bin/bash", status: "running" });
    expect(created.pid).toBeGreaterThan(0);

    expect((await h.run(["exec", "dev", "cd /tmp && export X=1"])).code).toBe(0);
    const r = await h.json<Record<string, any>>(["exec", "dev", "pwd; echo $X"]);
    expect(r.output).toBe("/tmp\n1");
    for (const k of ["session", "command_id", "command", "exit_code", "status", "duration_ms", "output", "raw_bytes", "tokens", "analysis", "completion"]) expect(r).toHaveProperty(k);
    expect(r.tokens).toHaveProperty("saved_pct");
    expect(r.completion.method).toBe("shell_integration");

    const list = await h.json<any[]>(["list"]);
    expect(list.find((s) => s.name === "dev")).toMatchObject({ name: "dev", status: "running", cwd: "/tmp", commands: 2 });
    for (const k of ["name", "id", "status", "cwd", "pid", "created_at", "commands"]) expect(list[0]).toHaveProperty(k);

    const hist = await h.json<any[]>(["history", "dev"]);
    expect(hist.map((c) => c.command)).toEqual(["cd /tmp && export X=1", "pwd; echo $X"]);
    expect(hist[1].exit_code).toBe(0);

    expect((await h.run(["kill", "dev"])).code).toBe(0);
    const gone = await h.run(["exec", "dev", "true"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('session "dev" is no longer running');
    expect((await h.json<any[]>(["history", "dev"])).length).toBe(2);
  });

  test("exit codes pass through; plain output goes to stdout", async () => {
    await h.run(["create", "--name", "codes"]);
    expect((await h.run(["exec", "codes", "false"])).code).toBe(1);
    expect((await h.run(["exec", "codes", "(exit 7)"])).code).toBe(7);
    const missing = await h.run(["exec", "codes", "definitely-not-a-command"]);
    expect(missing.code).toBe(127);
    expect(missing.stdout).toContain("command not found");
    const ok = await h.run(["exec", "codes", "echo hello"]);
    expect(ok).toMatchObject({ code: 0, stdout: "hello\n", stderr: "" });
  });

  test("timeout exits 124, the command keeps running, wait picks it up", async () => {
    await h.run(["create", "--name", "slow"]);
    const t = await h.run(["exec", "slow", "sleep 2; echo done", "--timeout", "0.5", "--json"]);
    expect(t.code).toBe(124);
    const j = JSON.parse(t.stdout);
    expect(j.status).toBe("timeout");
    const w = await h.run(["wait", "slow", "--command", String(j.command_id), "--json"]);
    expect(w.code).toBe(0);
    expect(JSON.parse(w.stdout)).toMatchObject({ status: "ok", exit_code: 0, output: "done" });
  });

  test("a read -p prompt gives waiting_for_input; send answers it", async () => {
    await h.run(["create", "--name", "ask"]);
    const r = await h.run(["exec", "ask", "read -p 'Password: ' pw; echo len=${#pw}", "--json"]);
    const j = JSON.parse(r.stdout);
    expect(j.status).toBe("waiting_for_input");
    expect(j.prompt).toBe("Password:");
    expect((await h.run(["send", "ask", "s3cret", "--enter"])).code).toBe(0);
    const w = await h.json<any>(["wait", "ask"]);
    expect(w.output).toContain("len=6");
  });

  test("wait --for matches output of a program started with send", async () => {
    await h.run(["create", "--name", "srv"]);
    await h.run(["send", "srv", "sleep 0.3; echo 'listening on :8080'; sleep 30", "--enter"]);
    const w = await h.run(["wait", "srv", "--for", "listening on :\\d+", "--timeout", "10", "--json"]);
    expect(w.code).toBe(0);
    expect(JSON.parse(w.stdout).matched).toBe("listening on :8080");
    await h.run(["send", "srv", "--keys", "C-c"]);
  });

  test("create takes repeated --env and a --cwd relative to the caller", async () => {
    const { mkdtempSync, mkdirSync } = await import("node:fs");
    const base = mkdtempSync(join(tmpdir(), "ais-rel-"));
    mkdirSync(join(base, "sub"));
    const p = Bun.spawn([BIN, "create", "--name", "envs", "--env", "A=1", "--env", "B=two words", "--cwd", "sub", "--json"], { cwd: base, env: h.env(), stdout: "pipe" });
    const created = JSON.parse(await new Response(p.stdout).text());
    expect(created.cwd).toBe(join(base, "sub"));
    const r = await h.json<{ output: string }>(["exec", "envs", "echo $A/$B; pwd"]);
    expect(r.output).toBe(`1/two words\n${join(base, "sub")}`);
  });

  test("read --screen shows the visible screen", async () => {
    await h.run(["create", "--name", "scr"]);
    await h.run(["exec", "scr", "clear; printf 'top line\\n'"]);
    const s = await h.run(["read", "scr", "--screen"]);
    expect(s.stdout.split("\n")[0]).toBe("top line");
  });

  test("bad input: one clear line on stderr, no stack trace, no crash", async () => {
    await h.run(["create", "--name", "taken"]);
    const cases: Array<[string[], RegExp]> = [
      [["exec", "nosuch", "true"], /^ai-session: no session named "nosuch" \(ai-session list shows the sessions\)\n$/],
      [["create", "--name", "taken"], /^ai-session: a session named "taken" already exists/],
      [["exec", "taken", ""], /^ai-session: the command is empty\n$/],
      [["create", "--name", "../x"], /not a valid session name/],
      [["create", "--name", "has space"], /not a valid session name/],
      [["create", "--name", "bell\x07"], /not a valid session name/],
      [["exec", "taken", "true", "--timeout", "abc"], /--timeout takes a positive number/],
      [["create", "--cwd", "/no/such/dir"], /the directory \/no\/such\/dir does not exist/],
    ];
    for (const [args, re] of cases) {
      const r = await h.run(args);
      expect({ args, code: r.code === 0 ? 0 : "nonzero" }).toEqual({ args, code: "nonzero" });
      expect(r.stderr).toMatch(re);
      expect(r.stderr).not.toContain("    at ");
    }
    // Unquoted words would lose their flags: refused, naming the quoted form.
    const unquoted = await h.run(["exec", "taken", "echo", "-n", "hi"]);
    expect(unquoted.code).toBe(2);
    expect(unquoted.stderr).toBe('ai-session: quote the command as one argument: ai-session exec taken "echo -n hi"\n');
    // A usage mistake with --json: nothing on stdout, the explanation on stderr.
    const usage = await h.run(["exec", "--json"]);
    expect(usage.code).not.toBe(0);
    expect(usage.stdout).toBe("");
    expect(usage.stderr).toContain("ai-session: missing NAME for exec\nusage: ai-session exec [OPTIONS] NAME COMMAND...");
    // Flags every command takes may come before the command.
    const early = await h.run(["--json", "--home", h.home, "exec", "taken", "echo early"]);
    expect(JSON.parse(early.stdout).output).toBe("early");
        // A 1 MB command line does not fit an argument list: it comes through stdin.
    const huge = await h.run(["exec", "taken", "-"], { stdin: `echo ${"x".repeat(1024 * 1024)}` });
    expect(huge.code).toBe(1);
    expect(huge.stderr).toMatch(/the command is \d+ bytes; the limit is/);
    expect((await h.json<any>(["status"])).running).toBe(true);
  });
});

describe("processes and servers", () => {
  test("50 sessions created and killed leave no process behind", async () => {
    const h = new CliHome();
    try {
      const names = Array.from({ length: 50 }, (_, i) => `s${i}`);
      for (const n of names) expect((await h.run(["create", "--name", n])).code).toBe(0);
      await h.run(["exec", "s0", "sleep 100 &"]);
      expect((await h.json<any[]>(["list"])).length).toBe(50);
      const serverPid = (await h.json<any>(["status"])).pid;
      await Promise.all(names.map((n) => h.run(["kill", n])));
      await Bun.sleep(300);
      expect(processesOfHome(h.home).filter((p) => p !== serverPid)).toEqual([]);
      expect(await h.json<any[]>(["list"])).toEqual([]);
    } finally {
      await h.close();
    }
  }, 120_000);

  test("two clients starting at once make one server", async () => {
    const h = new CliHome();
    try {
      const [a, b] = await Promise.all([h.run(["create", "--name", "a"]), h.run(["create", "--name", "b"])]);
      expect([a.code, b.code]).toEqual([0, 0]);
      const list = await h.json<any[]>(["list"]);
      expect(list.map((s) => s.name).sort()).toEqual(["a", "b"]);
      const cmdline = (p: number) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, "latin1");
        } catch {
          return ""; // a short-lived process that already ended
        }
      };
      const servers = processesOfHome(h.home).filter((p) => cmdline(p).includes("serve"));
      expect(servers.length).toBe(1);
    } finally {
      await h.close();
    }
  });

  test("kill-server ends every shell; SIGKILL of the server keeps the history", async () => {
    const h = new CliHome();
    try {
      await h.run(["create", "--name", "keep"]);
      await h.run(["exec", "keep", "echo before-crash"]);
      const st = await h.json<any>(["status"]);
      process.kill(st.pid, "SIGKILL");
      await Bun.sleep(200);
      const db = new Database(join(h.home, "state.db"), { readonly: true });
      expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
      db.close();
      // any command starts a new server; the old history is there
      const hist = await h.json<any[]>(["history", "keep"]);
      expect(hist.map((c) => c.command)).toEqual(["echo before-crash"]);
      expect(hist[0].exit_code).toBe(0);
      await h.run(["create", "--name", "again"]);
      const pid = (await h.json<any>(["status"])).pid;
      expect((await h.run(["kill-server"])).code).toBe(0);
      await Bun.sleep(200);
      expect(processesOfHome(h.home)).toEqual([]);
      expect((await h.run(["status"])).code).toBe(1);
      expect(isAlive(pid)).toBe(false);
    } finally {
      await h.close();
    }
  }, 60_000);

  test("runs with neither Bun nor Node on PATH", async () => {
    const bin = mkdtempSync(join(tmpdir(), "ais-path-"));
    for (const tool of ["bash", "sh", "echo", "cat", "ls", "sleep"]) symlinkSync(`/bin/${tool}`, join(bin, tool));
    const h = new CliHome({ PATH: bin });
    try {
      expect(Bun.spawnSync(["bash", "-c", "command -v bun || command -v node || echo none"], { env: { PATH: bin } }).stdout.toString().trim()).toBe("none");
      expect((await h.run(["create", "--name", "bare"])).code).toBe(0);
      const r = await h.json<any>(["exec", "bare", "echo works"]);
      expect(r.output).toBe("works");
      expect(r.tokens.raw).toBeGreaterThan(0);
    } finally {
      await h.close();
    }
  });

  test("the socket and the token file are for the owner alone", async () => {
    const h = new CliHome();
    try {
      await h.run(["create", "--name", "perm"]);
      expect(statSync(join(h.home, "server.sock")).mode & 0o777).toBe(0o600);
      expect(statSync(join(h.home, "token")).mode & 0o777).toBe(0o600);
    } finally {
      await h.close();
    }
  });
});

describe("serve in the foreground", () => {
  test("prints the dashboard URL, needs the token on TCP, refuses foreign Host headers, stops on SIGTERM", async () => {
    const h = new CliHome();
    const p = Bun.spawn([BIN, "serve", "--port", "0"], { env: h.env(), stdout: "pipe", stderr: "pipe" });
    try {
      const reader = p.stdout.getReader();
      let out = "";
      while (!/dashboard: \S+/.test(out)) out += new TextDecoder().decode((await reader.read()).value);
      const url = /dashboard: (\S+)/.exec(out)![1]!;
      const u = new URL(url);
      const token = u.searchParams.get("token")!;
      expect(token.length).toBeGreaterThan(20);
      const base = `${u.protocol}//${u.host}`;
      expect((await fetch(`${base}/api/sessions`)).status).toBe(401);
      expect((await fetch(`${base}/api/sessions`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      expect((await fetch(`${base}/api/sessions`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      const evil = await fetch(`${base}/api/sessions`, { headers: { authorization: `Bearer ${token}`, host: "evil.example" } });
      expect(evil.status).toBe(403);
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<html");
      const bad = await fetch(`${base}/api/sessions`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: "{not json" });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: { code: "invalid", message: "the request body is not valid JSON" } });
      p.kill("SIGTERM");
      expect(await p.exited).toBe(0);
    } finally {
      p.kill("SIGKILL");
      await h.close();
    }
  });
});
