/**
 * What the server leaves on disk is the owner's alone, from the moment it exists, even under
 * `umask 000`: the data directory, the database with its WAL and shared-memory files, the token,
 * the socket, the shells' rc and environment files. Exported secrets do not sit in plain text in
 * the environment file, and after a crash the files of sessions that no longer run are removed at
 * the next start. Runs the real program (the built binary when there is one) started by a shell
 * with `umask 000`.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../db/client.ts";
import { stateFileOf } from "../../server/session/shell-integration.ts";
import { aiSessionArgv } from "../mcp/harness.ts";
import { cli } from "../persist/cli-harness.ts";
import { until } from "./harness.ts";

// made-up secrets: one of a known shape, one plain under a secret-looking name
const GH = "ghp_" + "0123456789abcdefghijABCDEFGHIJ012345";
const PLAIN = "correct-horse-battery-staple";

const dirs: string[] = [];
const fresh = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

/** `ai-session serve` started by `sh` after `umask 000`, with an empty HOME for its shells. */
function serveUnderUmask000(home: string, shellHome: string) {
  return Bun.spawn(["sh", "-c", 'umask 000 && exec "$@"', "sh", ...aiSessionArgv("serve", "--port", "0", "--home", home)], {
    env: { ...process.env, AI_SESSION_HOME: home, HOME: shellHome, NO_COLOR: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
}

const as = (home: string, shellHome: string, ...args: string[]) => cli(home, args, { HOME: shellHome });

describe("files under umask 000", () => {
  test("everything the server and its shells write is 0600 (directories 0700); secrets are redacted in the env file", async () => {
    const home = join(fresh("ais-modes-"), "data");
    const shellHome = fresh("ais-modes-home-");
    const server = serveUnderUmask000(home, shellHome);
    try {
      await until("the server", async () => (await as(home, shellHome, "status", "--json")).stdout.includes('"running":true'), 30_000);
      const created = await as(home, shellHome, "create", "--name", "m", "--shell", "/bin/bash", "--cwd", shellHome, "--env", `GITHUB_TOKEN=${GH}`, "--json");
      expect(created.code).toBe(0);
      const id = JSON.parse(created.stdout).id as string;
      expect((await as(home, shellHome, "exec", "m", `export DB_PASSWORD=${PLAIN} GREETING=hello`)).code).toBe(0);
      const snapshot = join(fresh("ais-modes-out-"), "m.json");
      expect((await as(home, shellHome, "snapshot", "m", "-o", snapshot)).code).toBe(0);

      const shellDir = join(home, "shell", id);
      expect(mode(home)).toBe("700");
      expect(mode(join(home, "shell"))).toBe("700");
      expect(mode(shellDir)).toBe("700");
      for (const f of ["state.db", "state.db-wal", "state.db-shm", "token", "server.sock", "server.json"]) expect([f, mode(join(home, f))]).toEqual([f, "600"]);
      for (const f of readdirSync(shellDir)) expect([f, mode(join(shellDir, f))]).toEqual([f, "600"]);
      // the environment file lives in memory (/dev/shm, a 0700 directory of ours) where there is one, else beside the rc file
      const envFile = stateFileOf(id, shellDir);
      expect(mode(envFile)).toBe("600");
      expect(readdirSync(shellDir).sort()).toEqual(envFile === join(shellDir, "env") ? ["bashrc", "env"] : ["bashrc"]);
      expect(mode(snapshot)).toBe("600");

      // the environment file the shell rewrites at every prompt holds no secret in plain text
      const env = readFileSync(envFile, "utf8");
      expect(env).toContain("GREETING='hello'");
      expect(env).toContain("GITHUB_TOKEN='[redacted:secret]'");
      expect(env).toContain("DB_PASSWORD='[redacted:secret]'");
      for (const f of [envFile, join(shellDir, "bashrc"), snapshot]) {
        const text = readFileSync(f, "latin1");
        expect([f, text.includes(GH) || text.includes(PLAIN)]).toEqual([f, false]);
      }
      // what the session knows of its environment is unchanged where it matters: the shell has it all
      expect((await as(home, shellHome, "exec", "m", 'echo "$GREETING ${#DB_PASSWORD} ${#GITHUB_TOKEN}"')).stdout).toContain(`hello ${PLAIN.length} ${GH.length}`);
      // ...and at every later prompt, where the shell writes the same listing again
      expect((await as(home, shellHome, "exec", "m", "true")).code).toBe(0);
      const later = readFileSync(envFile, "utf8");
      expect([later.includes(GH) || later.includes(PLAIN), later.includes("DB_PASSWORD='[redacted:secret]'")]).toEqual([false, true]);

      // a crash leaves the shell's files behind; the next start removes them
      server.kill("SIGKILL");
      await server.exited;
      expect(existsSync(shellDir)).toBe(true);
      expect(existsSync(envFile)).toBe(true);
      const again = serveUnderUmask000(home, shellHome);
      try {
        await until("the server again", async () => (await as(home, shellHome, "status", "--json")).stdout.includes('"running":true'), 30_000);
        expect(existsSync(shellDir)).toBe(false);
        expect(existsSync(envFile)).toBe(false);
      } finally {
        again.kill("SIGTERM");
        await again.exited;
      }
    } finally {
      server.kill("SIGKILL");
      await server.exited;
    }
  }, 120_000);

  test("a database left 0644 by an older version is narrowed to 0600 when opened, and its WAL follows", () => {
    const dir = fresh("ais-modes-db-");
    const path = join(dir, "state.db");
    writeFileSync(path, "");
    chmodSync(path, 0o644);
    const db = openDatabase(path);
    db.$client.exec("CREATE TABLE IF NOT EXISTS t (x)");
    db.$client.exec("INSERT INTO t VALUES (1)");
    for (const f of ["state.db", "state.db-wal", "state.db-shm"]) expect([f, mode(join(dir, f))]).toEqual([f, "600"]);
    db.$client.close();
  });
});
