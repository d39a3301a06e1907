/**
 * Three agents with different roles on one real server, driven through the real CLI (and the bus
 * WebSocket that `bus subscribe` opens): policy refusals with exit 126, session ownership,
 * broadcast and direct messages, a reconnecting subscriber, tasks, decisions, traces, metrics.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { aiSessionArgv, freshHome } from "../mcp/harness.ts";

const LONG = 30_000; // real CLI processes: each call starts Bun
const home = freshHome("ais-bus-cli-");
const work = join(home, "work");
mkdirSync(work, { recursive: true });
const env = { ...process.env, AI_SESSION_HOME: home, NO_COLOR: "1" } as Record<string, string>;
delete env.AI_SESSION_AGENT;

async function cli(...args: string[]) {
  const proc = Bun.spawn(aiSessionArgv(...args), { env, cwd: work, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}
const json = async (...args: string[]) => {
  const r = await cli(...args, "--json");
  if (r.code !== 0) throw new Error(`ai-session ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};

beforeAll(async () => {
  for (const [name, role] of [["fe", "frontend"], ["be", "backend"], ["qa", "qa"]] as const) {
    const r = await cli("agent", "register", name, "--role", role, "--workspace", work);
    expect([r.code, r.stderr]).toEqual([0, ""]);
  }
}, LONG);
afterAll(async () => {
  await cli("kill-server");
});

describe("agents over the CLI", () => {
  test("agent list shows the three agents with their roles", async () => {
    const agents = await json("agent", "list");
    expect(agents.map((a: { name: string; role: string }) => `${a.name}:${a.role}`)).toEqual(["be:backend", "fe:frontend", "qa:qa"]);
  }, LONG);

  test("the QA agent's rm -rf / is refused with exit 126 naming the rule, and audited", async () => {
    expect((await cli("create", "--name", "qa-shell", "--cwd", work, "--agent", "qa")).code).toBe(0);
    const r = await cli("exec", "qa-shell", "rm -rf /", "--agent", "qa");
    expect(r.code).toBe(126);
    expect(r.stderr).toContain("rule dirs");
    expect(r.stderr).toContain('"/"');
    const ok = await cli("exec", "qa-shell", "rm -rf ./build && echo cleaned", "--agent", "qa");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("cleaned");
    const audit = await json("audit");
    expect(audit).toContainEqual(expect.objectContaining({ action: "policy.exec", outcome: "denied", agent: "qa", target: "qa-shell" }));
  }, LONG);

  test("the frontend agent cannot touch the backend agent's session", async () => {
    expect((await cli("create", "--name", "api", "--cwd", work, "--agent", "be")).code).toBe(0);
    const r = await cli("exec", "api", "echo hi", "--agent", "fe");
    expect(r.code).toBe(126);
    expect(r.stderr).toContain('belongs to agent "be"');
    const own = await cli("exec", "api", "echo mine", "--agent", "be");
    expect(own.stdout).toContain("mine");
  }, LONG);

  test("an unknown agent is told how to register", async () => {
    const r = await cli("bus", "send", "--to", "be", "hello", "--agent", "ghost");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("agent register ghost");
  }, LONG);
});

describe("the bus over the CLI and its WebSocket", () => {
  test("a broadcast reaches all, a direct message reaches one", async () => {
    await cli("bus", "send", "--broadcast", "--type", "status_update", "standup in 5", "--agent", "qa");
    await cli("bus", "send", "--to", "be", "--type", "help_request", '{"q":"which port?"}', "--agent", "fe");
    const be = await json("bus", "inbox", "be");
    const fe = await json("bus", "inbox", "fe");
    const qa = await json("bus", "inbox", "qa");
    expect(be.messages.map((m: { payload: unknown }) => m.payload)).toEqual(["standup in 5", { q: "which port?" }]);
    expect(fe.messages.map((m: { payload: unknown }) => m.payload)).toEqual(["standup in 5"]);
    expect(qa.messages).toHaveLength(0);
    expect((await json("bus", "inbox", "be")).messages).toHaveLength(0); // acknowledged
  }, LONG);

  test("a subscriber that was away gets what it missed when it reconnects", async () => {
    await cli("bus", "send", "--to", "qa", "while you were out", "--agent", "be");
    const r = await cli("bus", "subscribe", "--agent", "qa", "--count", "1", "--timeout", "10", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split("\n")[0]!)).toMatchObject({ payload: "while you were out", sender: "be" });
    const live = Bun.spawn(aiSessionArgv("bus", "subscribe", "--agent", "qa", "--count", "1", "--timeout", "10", "--json"), { env, stdout: "pipe", stderr: "pipe" });
    await Bun.sleep(800);
    await cli("bus", "send", "--to", "qa", "live one", "--agent", "fe");
    const out = await new Response(live.stdout).text();
    expect(JSON.parse(out.trim())).toMatchObject({ payload: "live one" });
  }, LONG);

  test("a malformed or oversize message is refused", async () => {
    const bad = await cli("bus", "send", "--to", "be", "{not json", "--agent", "fe");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("does not parse");
    const big = await cli("bus", "send", "--to", "be", "x".repeat(70_000), "--agent", "fe");
    expect(big.code).not.toBe(0);
    expect(big.stderr).toContain("limit");
    const nowhere = await cli("bus", "send", "hello");
    expect(nowhere.stderr).toContain("exactly one of");
  }, LONG);
});

describe("tasks, decisions, traces and metrics over the CLI", () => {
  test("a task goes to the least-loaded eligible agent; claim and done", async () => {
    await cli("agent", "register", "be2", "--role", "backend", "--workspace", work);
    const t1 = await json("task", "add", "add /health endpoint", "--role", "backend");
    const t2 = await json("task", "add", "fix slow query", "--role", "backend");
    expect(new Set([t1.assignee, t2.assignee])).toEqual(new Set(["be", "be2"]));
    const claimed = await json("task", "claim", "--agent", t1.assignee);
    expect(claimed.id).toBe(t1.id);
    const done = await json("task", "done", t1.id, "--result", "GET /health returns 200", "--agent", t1.assignee);
    expect(done.status).toBe("done");
    const list = await json("task", "list");
    expect(list.find((t: { id: string }) => t.id === t1.id).result).toBe("GET /health returns 200");
  }, LONG);

  test("decide records a decision that trace shows; metrics show latency per operation", async () => {
    await json("decide", "test runner", "--choice", "vitest", "--options", "jest,vitest", "--reasoning", "faster", "--agent", "qa");
    const trace = await json("trace", "--for", "qa");
    expect(trace.decisions[0]).toMatchObject({ what: "test runner", choice: "vitest", agent: "qa" });
    const text = await cli("trace");
    expect(text.stdout).toContain("test runner → vitest");
    const m = await json("metrics");
    expect(m.latency.length).toBeGreaterThan(0);
    expect(m.tokens.total).toHaveProperty("raw");
  }, LONG);

  test("a roles file with an error is reported with its line", async () => {
    const bad = join(home, "bad-roles.json");
    writeFileSync(bad, '{\n  "roles": {\n    "docs": { "sessions": "everyone" }\n  }\n}\n');
    const r = await cli("agent", "roles", "--check", bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bad-roles.json line 3: roles.docs.sessions");
    const good = join(home, "good-roles.json");
    writeFileSync(good, JSON.stringify({ roles: { docs: { extends: "qa", allow: ["mdbook *"] } } }));
    expect((await cli("agent", "roles", "--check", good)).stdout).toContain("1 role(s), no errors");
    // the running server reads an edited roles.json on request; a broken one leaves the built-ins
    writeFileSync(join(home, "roles.json"), '{\n  "roles": {\n    "docs": { "allow": ["mdbook *",] }\n  }\n}\n');
    const broken = await cli("agent", "roles", "--reload");
    expect(broken.stderr).toContain("roles.json line 3");
    expect((await cli("agent", "register", "writer", "--role", "docs")).stderr).toContain("roles.json was not loaded");
    writeFileSync(join(home, "roles.json"), JSON.stringify({ roles: { docs: { extends: "qa", allow: ["mdbook *"] } } }));
    expect((await cli("agent", "roles", "--reload")).stderr).toBe("");
    expect((await cli("agent", "register", "writer", "--role", "docs", "--workspace", work)).code).toBe(0);
  }, LONG);
});
