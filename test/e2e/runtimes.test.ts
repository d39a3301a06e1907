// The CLI contract (../shared/CLI.md) driven the same way on each runtime: the compiled Bun binary,
// and Deno running the same source (npm run deno). The server the first command starts runs on the
// same runtime, which status --json names.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { tourEveryTool } from "../mcp/tour.ts";
import { CliHome, RUNTIMES, cliCommand, requireBinary } from "./cli.ts";

requireBinary();

for (const runtime of RUNTIMES) {
  describe(`the CLI on ${runtime}`, () => {
    let h: CliHome;
    beforeAll(() => {
      h = new CliHome({ AI_SESSION_PORT: "0", AI_SESSION_BIN: "" }, runtime);
    });
    afterAll(() => h.close());

    test("create starts a server on this runtime; status --json names it", async () => {
      const created = await h.json<Record<string, unknown>>(["create", "--name", "dev", "--cwd", "/"]);
      expect(created).toMatchObject({ name: "dev", cwd: "/", shell: "/bin/bash", status: "running" });
      const status = await h.json<{ running: boolean; runtime: { name: string; version: string }; sessions: number }>(["status"]);
      expect(status.running).toBe(true);
      expect(status.runtime.name).toBe(runtime);
      expect(status.runtime.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(status.sessions).toBe(1);
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

    test("a mistake is one clear line on stderr, no stack trace", async () => {
      const r = await h.run(["exec", "nosuch", "true"]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe('ai-session: no session named "nosuch" (ai-session list shows the sessions)');
    }, 60_000);
  });
}
