// The CLI contract (../shared/CLI.md) driven the same way on each runtime: the compiled Bun binary,
// and Deno running the same source (npm run deno). The server the first command starts runs on the
// same runtime, which status --json names.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { chromiumMissing, openBrowser, screenshot } from "../dashboard/harness.ts";
import { pathsFor } from "../../server/paths.ts";
import { tourEveryTool } from "../mcp/tour.ts";
import { startTmuxFixture } from "../migrate/tmux-fixture.ts";
import { CliHome, RUNTIMES, cliCommand, denoSourceCommand, inTerminal, requireBinary } from "./cli.ts";

requireBinary();

/** The address the server this home's CLI started listens on, as status --json gives it. */
const serverUrl = async (h: CliHome) => (await h.json<{ url: string }>(["status"])).url;
const tokenOf = (h: CliHome) => readFileSync(pathsFor(h.home).token, "utf8").trim();

for (const runtime of RUNTIMES) {
  describe(`the CLI on ${runtime}`, () => {
    let h: CliHome;
    beforeAll(() => {
      // the server the first command starts bounds its MCP calls at 2 s, as the stdio tour's does
      h = new CliHome({ AI_SESSION_PORT: "0", AI_SESSION_BIN: "", AI_SESSION_MCP_WAIT: "2" }, runtime);
    });
    afterAll(() => h.close());

    test("create starts a server on this runtime; status --json names it", async () => {
      const created = await h.json<Record<string, unknown>>(["create", "--name", "dev", "--cwd", "/"]);
      expect(created).toMatchObject({ name: "dev", cwd: "/", shell: "/bin/bash", status: "running" });
      const status = await h.json<{ running: boolean; runtime: { name: string; version: string }; sessions: number; sandbox: { kind: string; why?: string } }>(["status"]);
      expect(status.running).toBe(true);
      expect(status.runtime.name).toBe(runtime);
      expect(status.runtime.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(status.sessions).toBe(1);
      // role sandboxes need the Bun binary's launcher (bun:ffi): a Deno server says so, not that the kernel lacks Landlock
      if (runtime === "deno") expect(status.sandbox.why).toContain("bun:ffi");
    }, 60_000);

    test("exec carries state between calls and passes exit codes through", async () => {
      expect((await h.run(["exec", "dev", "cd /tmp && export X=1"])).code).toBe(0);
      const r = await h.json<Record<string, any>>(["exec", "dev", "pwd; echo $X"]);
      expect(r).toMatchObject({ output: "/tmp\n1", exit_code: 0, status: "ok" });
      expect(r.completion.method).toBe("shell_integration");
      expect((await h.run(["exec", "dev", "(exit 7)"])).code).toBe(7);
      expect(await h.run(["exec", "dev", "echo hello"])).toMatchObject({ code: 0, stdout: "hello\n", stderr: "" });
      const stdin = await h.run(["exec", "dev", "-"], { stdin: "echo from-stdin\n" });
      expect(stdin.stdout).toBe("from-stdin\n");
    }, 60_000);

    test("a read -p prompt waits for input; send answers it; read shows the output", async () => {
      const j = await h.json<any>(["exec", "dev", "read -p 'Password: ' pw; echo len=${#pw}"]);
      expect(j.status).toBe("waiting_for_input");
      expect((await h.run(["send", "dev", "s3cret", "--enter"])).code).toBe(0);
      expect((await h.json<any>(["wait", "dev"])).output).toContain("len=6");
      await h.run(["exec", "dev", "clear; printf 'top line\\n'"]);
      expect((await h.run(["read", "dev", "--screen"])).stdout.split("\n")[0]).toBe("top line");
    }, 60_000);

    test("snapshot, kill and restore bring the session back with its cwd and history", async () => {
      const file = join(mkdtempSync(join(tmpdir(), "ais-snap-")), "dev.snap");
      const snap = await h.json<any>(["snapshot", "dev", "-o", file]);
      expect(snap.name).toBe("dev");
      expect(existsSync(file)).toBe(true);
      expect((await h.run(["kill", "dev"])).code).toBe(0);
      const gone = await h.run(["exec", "dev", "true"]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain('session "dev" is no longer running');
      const back = await h.json<any>(["restore", "--file", file, "--name", "again"]);
      expect(back.name).toBe("again");
      expect((await h.json<any>(["exec", "again", "pwd; echo $X"])).output).toBe("/tmp\n1");
      expect(readFileSync(file).length).toBeGreaterThan(0);
    }, 60_000);

    test("MCP over stdio: the official client calls every tool", async () => {
      const [command, ...args] = [...cliCommand(runtime), "mcp"];
      const env = { ...h.env(), AI_SESSION_PORT: "0", AI_SESSION_MCP_WAIT: "2" };
      const client = new Client({ name: `runtimes-${runtime}`, version: "1" });
      await client.connect(new StdioClientTransport({ command: command!, args, env, stderr: "pipe" }));
      try {
        await tourEveryTool(client, `mcp-${runtime}`, 2);
      } finally {
        await client.close();
      }
    }, 120_000);

    test("MCP over Streamable HTTP: the official client calls every tool", async () => {
      const client = new Client({ name: `runtimes-http-${runtime}`, version: "1" });
      await client.connect(new StreamableHTTPClientTransport(new URL("mcp", await serverUrl(h)), { requestInit: { headers: { authorization: `Bearer ${tokenOf(h)}` } } }));
      try {
        await tourEveryTool(client, `mcp-http-${runtime}`, 2);
      } finally {
        await client.close();
      }
    }, 180_000);

    test.skipIf(chromiumMissing())("the dashboard in Chromium lists the session and its live terminal runs what is typed", async () => {
      const browser = await openBrowser();
      try {
        const page = await browser.page();
        await page.goto(`${await serverUrl(h)}?token=${tokenOf(h)}`);
        await page.getByRole("heading", { name: "Sessions", level: 1 }).waitFor();
        await page.getByTestId("control-switch").check(); // the page is read-only until control is switched on
        await page.getByRole("link", { name: "again" }).click();
        await page.locator('[data-testid="terminal-status"][data-link="live"]').waitFor();
        await page.getByTestId("terminal").click();
        await page.keyboard.type(`echo typed-on-${runtime}\n`);
        await page.waitForFunction((word) => new RegExp(`^${word}\\s*$`, "m").test((document.querySelector(".xterm-rows") as HTMLElement | null)?.innerText ?? ""), `typed-on-${runtime}`, { timeout: 15_000 });
        await screenshot(page, `terminal-${runtime}`);
      } finally {
        await browser.close();
      }
    }, 90_000);

    test("agents exchange messages on the bus, live and through the inbox, and claim a task", async () => {
      expect((await h.json<any>(["agent", "register", "lead", "--role", "backend"])).name).toBe("lead");
      expect((await h.json<any>(["agent", "register", "tester", "--role", "qa"])).name).toBe("tester");
      // a live subscriber (the bus WebSocket) gets what is sent to its agent
      const live = h.run(["bus", "subscribe", "--agent", "tester", "--json", "--count", "1", "--timeout", "30"]);
      let got = "";
      for (let i = 0; i < 60 && !got; i++) {
        await h.run(["bus", "send", "--to", "tester", "--agent", "lead", `{"try":${i}}`]);
        got = await Promise.race([live.then((r) => r.stdout), Bun.sleep(500).then(() => "")]);
      }
      expect(JSON.parse(got.split("\n")[0]!)).toMatchObject({ sender: "lead", to: "tester" });
      // a message sent while nobody listens waits in the inbox
      await h.run(["bus", "send", "--to", "tester", "--agent", "lead", '{"later":true}']);
      const inbox = await h.json<{ messages: Array<{ payload: unknown }> }>(["bus", "inbox", "tester"]);
      expect(inbox.messages.map((m) => m.payload)).toContainEqual({ later: true });
      const task = await h.json<{ id: string }>(["task", "add", "check the login", "--role", "qa"]);
      const claimed = await h.json<{ id: string; assignee: string }>(["task", "claim", "--agent", "tester"]);
      expect(claimed).toMatchObject({ id: task.id, assignee: "tester" });
      expect((await h.run(["task", "done", task.id, "--result", "ok", "--agent", "tester"])).code).toBe(0);
    }, 120_000);

    test("attach in a real terminal replays the session, passes what is typed, Ctrl-] detaches and it keeps running", async () => {
      await h.run(["create", "--name", "att"]);
      await h.run(["exec", "att", "echo before-attach"]);
      const t = inTerminal([...cliCommand(runtime), "attach", "att"], h.env());
      await t.until("before-attach"); // the recent scrollback is replayed
      t.type("echo typed-$((40+2))\r");
      await t.until("typed-42");
      t.type("\x1d"); // Ctrl-]
      expect(await t.exited).toBe(0);
      expect(t.screen).toContain("detached from att");
      expect((await h.json<{ output: string }>(["exec", "att", "echo still-here"])).output).toBe("still-here");
      expect((await h.json<{ command: string }[]>(["history", "att"])).map((c) => c.command)).toContain("echo before-attach");
    }, 60_000);

    test("migrate imports a real tmux session's panes with their cwd and scrollback", async () => {
      const fx = await startTmuxFixture(20);
      try {
        const r = await h.run(["migrate", "alpha", "--socket", fx.socket]);
        expect(r.stdout).toContain("3 of 3 panes imported");
        for (const pane of fx.panes.filter((p) => p.name.startsWith("alpha."))) {
          expect((await h.run(["exec", pane.name, "pwd"])).stdout.trim()).toBe(pane.cwd);
          expect((await h.run(["read", pane.name, "--since", "0"])).stdout).toContain(`${pane.marker}-20`);
        }
        const none = await h.run(["migrate", "gamma", "--socket", fx.socket]);
        expect(none).toMatchObject({ code: 1, stderr: 'ai-session: no tmux session named "gamma" (tmux has: alpha, beta)\n' });
      } finally {
        fx.stop();
      }
    }, 90_000);

    test("knowledge keeps versions with compare-and-set; a decision shows in the trace", async () => {
      const v1 = await h.json<{ version: number }>(["knowledge", "set", "api/base-url", "http://localhost:3000", "--expect", "0", "--agent", "lead"]);
      expect(v1.version).toBe(1);
      const stale = await h.run(["knowledge", "set", "api/base-url", "http://x", "--expect", "0", "--agent", "lead"]);
      expect(stale.code).not.toBe(0);
      expect(stale.stderr).toContain("at version 1, not 0");
      await h.run(["knowledge", "set", "api/base-url", "http://localhost:4000", "--expect", "1", "--agent", "lead"]);
      expect(await h.json<{ value: unknown; version: number }>(["knowledge", "get", "api/base-url", "--agent", "tester"])).toMatchObject({ value: "http://localhost:4000", version: 2 });
      const listed = await h.json<Array<{ key: string }>>(["knowledge", "list", "--prefix", "api/", "--agent", "tester"]);
      expect(listed.map((k) => k.key)).toEqual(["api/base-url"]);
      const history = await h.json<Array<{ version: number }>>(["knowledge", "history", "api/base-url"]);
      expect(history.map((v) => v.version).sort()).toEqual([1, 2]);
      await h.json(["decide", "test runner", "--choice", "vitest", "--options", "jest,vitest", "--reasoning", "faster", "--agent", "tester"]);
      const trace = await h.json<{ decisions: unknown[] }>(["trace", "--for", "tester"]);
      expect(trace.decisions[0]).toMatchObject({ what: "test runner", choice: "vitest", agent: "tester" });
      expect((await h.run(["trace"])).stdout).toContain("test runner → vitest");
    }, 60_000);

    test("a mistake is one clear line on stderr, no stack trace", async () => {
      const r = await h.run(["exec", "nosuch", "true"]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe('ai-session: no session named "nosuch" (ai-session list shows the sessions)');
    }, 60_000);
  });
}

// What users run on Deno is the bundle (cli/ai-session-deno); npm run deno runs the TypeScript
// source itself, and the server it starts runs the source too.
describe("the CLI on Deno from source (npm run deno)", () => {
  const h = new CliHome({ AI_SESSION_PORT: "0", AI_SESSION_BIN: "" }, "deno");
  afterAll(() => h.close());

  test("create, exec and status run from the source, and the server it starts too", async () => {
    const [cmd, ...args] = denoSourceCommand();
    const run = (words: string[]) => Bun.spawnSync([cmd!, ...args, ...words], { env: h.env() });
    expect(run(["create", "--name", "src"]).exitCode).toBe(0);
    const r = run(["exec", "src", "echo from-source"]);
    expect({ code: r.exitCode, out: r.stdout.toString() }).toEqual({ code: 0, out: "from-source\n" });
    const status = JSON.parse(run(["status", "--json"]).stdout.toString()) as { pid: number; runtime: { name: string } };
    expect(status.runtime.name).toBe("deno");
    expect(readFileSync(`/proc/${status.pid}/cmdline`, "utf8").split("\0")).toContain(join(import.meta.dir, "../../server/platform/deno-main.ts"));
  }, 60_000);
});
