import { afterAll, beforeAll, expect, test } from "bun:test";
import { aiSessionArgv, startServer, type RunningServer } from "../mcp/harness.ts";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

async function cli(...args: string[]) {
  const p = Bun.spawn(aiSessionArgv(...args, "--home", server.home), { env: { ...process.env, AI_SESSION_HOME: server.home, NO_COLOR: "1" }, stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, out, err };
}

test("token create prints the secret once; list shows names and scopes; revoke ends it", async () => {
  const created = await cli("token", "create", "--name", "ci", "--scopes", "read,exec", "--sessions", "build,test");
  expect(created.code).toBe(0);
  const secret = created.out.trim();
  expect(secret).toMatch(/^ais_[A-Za-z0-9_-]{40,}$/);
  expect(created.err).toContain("shown only this once");

  const ok = await fetch(`${server.base}/api/sessions`, { headers: { authorization: `Bearer ${secret}` } });
  expect(ok.status).toBe(200);

  const listed = await cli("token", "list", "--json");
  const tokens = JSON.parse(listed.out);
  expect(tokens).toHaveLength(1);
  expect(tokens[0]).toMatchObject({ name: "ci", scopes: ["read", "exec"], sessions: ["build", "test"] });
  expect(listed.out).not.toContain(secret);
  const plain = await cli("token", "list");
  expect(plain.out).toContain("ci\tread,exec");

  const revoked = await cli("token", "revoke", "ci");
  expect(revoked.out.trim()).toBe("revoked ci");
  const gone = await fetch(`${server.base}/api/sessions`, { headers: { authorization: `Bearer ${secret}` } });
  expect(gone.status).toBe(401);
}, 30_000);

test("token mistakes are one clear line and a non-zero exit", async () => {
  const bad = await cli("token", "create", "--name", "x", "--scopes", "read,root");
  expect(bad.code).not.toBe(0);
  expect(bad.err.trim().split("\n")).toHaveLength(1);
  expect(bad.err).toContain('"root"');
  const missing = await cli("token", "revoke", "nobody");
  expect(missing.code).toBe(1);
  expect(missing.err).toContain('no token named "nobody"');
}, 30_000);
