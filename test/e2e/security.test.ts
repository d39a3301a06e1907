/**
 * The holes a security review found, each checked against a real server (TCP, tokens, WebSockets,
 * real shells): roles that a token or an agent could shed, registrations anyone could rewrite,
 * keystrokes that bypassed the policy, bus messages typed into a shell, a workspace the caller
 * picks, session-limited tokens that saw and restored every session, and other agents' mail.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "../../server/main.ts";
import { createToken } from "../../server/security/tokens.ts";

const home = mkdtempSync(join(tmpdir(), "ais-security-"));
const work = mkdtempSync(join(tmpdir(), "ais-security-work-"));
/**
 * A directory outside $TMPDIR and $HOME: only a real workspace could allow it. (Not the checkout:
 * a fresh clone may itself live under /tmp.)
 */
const outside = mkdtempSync(join(existsSync("/var/tmp") ? "/var/tmp" : "/srv", "ais-security-outside-"));
let server: RunningServer;
let base = "";
let owner = "";

type Res = { status: number; json: any };
async function call(method: string, path: string, body?: unknown, opts: { token?: string; agent?: string } = {}): Promise<Res> {
  const headers: Record<string, string> = { authorization: `Bearer ${opts.token ?? owner}` };
  if (opts.agent) headers["x-ai-session-agent"] = opts.agent;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

function token(name: string, spec: { scopes?: ("read" | "exec" | "admin")[]; role?: string; sessions?: string[]; agent?: string } = {}): string {
  return createToken(server.rt.db, { name, scopes: spec.scopes ?? ["read", "exec"], role: spec.role, sessions: spec.sessions, agent: spec.agent }).token;
}

async function until<T>(what: string, fn: () => T | Promise<T>, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}

beforeAll(async () => {
  server = await startServer({ home, port: 0, host: "127.0.0.1", noToken: false, restore: false });
  base = `http://127.0.0.1:${server.rt.port}`;
  owner = server.rt.ownerToken;
  expect((await call("POST", "/api/agents", { name: "ops", role: "devops", workspace: work })).status).toBe(201);
  expect((await call("POST", "/api/agents", { name: "fe", role: "frontend", workspace: work })).status).toBe(201);
  expect((await call("POST", "/api/agents", { name: "be", role: "backend", workspace: work })).status).toBe(201);
});
afterAll(async () => {
  await server?.stop();
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe("1. a role-bound token keeps its role", () => {
  test("it cannot act as an agent of another role", async () => {
    const qa = token("qa-1", { role: "qa", agent: "ops" });
    const r = await call("GET", "/api/sessions", undefined, { token: qa });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe("denied");
    expect(r.json.error.message).toContain(`bound to the role "qa"`);
    expect(r.json.error.message).toContain(`"devops"`);
    // as an agent of its own role it may act
    const qaBot = token("qa-1b", { role: "qa", agent: "qa-bot" });
    expect((await call("POST", "/api/agents", { name: "qa-bot", role: "qa" }, { token: qaBot })).status).toBe(201);
    expect((await call("GET", "/api/sessions", undefined, { token: qaBot, agent: "qa-bot" })).status).toBe(200);
  });

  test("a token acts as the one agent it was made for, and a token made for none acts as none", async () => {
    const plain = token("plain-1");
    const none = await call("GET", "/api/sessions", undefined, { token: plain, agent: "ops" });
    expect(none.status).toBe(403);
    expect(none.json.error.message).toContain(`acts as no agent`);
    const bound = token("bound-1", { agent: "qa-bot" });
    const other = await call("GET", "/api/sessions", undefined, { token: bound, agent: "ops" });
    expect(other.status).toBe(403);
    expect(other.json.error.message).toContain(`acts as agent "qa-bot" only`);
    expect((await call("GET", "/api/sessions", undefined, { token: bound, agent: "qa-bot" })).status).toBe(200);
    // an admin token, like the owner, may act as any agent
    const admin = token("admin-1", { scopes: ["admin"] });
    expect((await call("GET", "/api/sessions", undefined, { token: admin, agent: "ops" })).status).toBe(200);
  });
});

describe("2. registrations", () => {
  test("an agent updates only itself, never its role or a wider workspace; others and removal need the owner", async () => {
    const t = token("agent-tok", { agent: "fe" });
    const asFe = { token: t, agent: "fe" };
    const raise = await call("POST", "/api/agents", { name: "fe", role: "devops" }, asFe);
    expect(raise.status).toBe(403);
    expect(raise.json.error.message).toContain(`cannot change its role from "frontend" to "devops"`);
    const widen = await call("POST", "/api/agents", { name: "fe", role: "frontend", workspace: "/" }, asFe);
    expect(widen.status).toBe(403);
    expect(widen.json.error.message).toContain("widen its workspace");
    const other = await call("POST", "/api/agents", { name: "be", role: "frontend", session: "x" }, asFe);
    expect(other.status).toBe(403);
    expect(other.json.error.message).toContain(`may register or update only itself`);
    const anon = await call("POST", "/api/agents", { name: "be", role: "devops" }, { token: t });
    expect(anon.status).toBe(403);
    expect((await call("DELETE", "/api/agents/be", undefined, asFe)).status).toBe(403);
    expect((await call("DELETE", "/api/agents/fe", undefined, asFe)).status).toBe(403);
    // narrowing its own workspace and new topics are fine
    const narrow = await call("POST", "/api/agents", { name: "fe", role: "frontend", workspace: join(work, "ui"), topics: ["ui"] }, asFe);
    expect(narrow.status).toBe(201);
    const agents = (await call("GET", "/api/agents")).json as Array<{ name: string; role: string }>;
    expect(agents.find((a) => a.name === "be")!.role).toBe("backend");
    // the owner may do all of it
    expect((await call("POST", "/api/agents", { name: "fe", role: "frontend", workspace: work })).status).toBe(201);
    expect((await call("POST", "/api/agents", { name: "tmp-agent", role: "qa" })).status).toBe(201);
    expect((await call("DELETE", "/api/agents/tmp-agent")).status).toBe(200);
  });
});

describe("3. raw keystrokes over the terminal WebSocket", () => {
  async function typeInto(session: string, tok: string, agent: string | undefined, data: string): Promise<any[]> {
    const headers: Record<string, string> = { authorization: `Bearer ${tok}` };
    if (agent) headers["x-ai-session-agent"] = agent;
    const ws = new WebSocket(`${base.replace("http", "ws")}/api/sessions/${session}/stream`, { headers } as never);
    const frames: any[] = [];
    ws.onmessage = (ev) => {
      if (typeof ev.data === "string") frames.push(JSON.parse(ev.data));
    };
    await until("hello", () => frames.some((f) => f.type === "hello"));
    ws.send(JSON.stringify({ type: "input", data }));
    await Bun.sleep(400);
    ws.close();
    return frames;
  }

  test("a caller held to a role or acting as an agent cannot type; the owner and role-free tokens can", async () => {
    expect((await call("POST", "/api/sessions", { name: "typing", cwd: work, shell: "/bin/bash" })).status).toBe(201);
    const qa = token("qa-ws", { role: "qa" });
    const plain = token("plain-ws");
    const marker = join(work, "typed-by-qa");
    const refused = await typeInto("typing", qa, undefined, `touch ${marker}\r`);
    expect(refused.find((f) => f.type === "hello").writable).toBe(false);
    const err = refused.find((f) => f.type === "error");
    expect(err.code).toBe("denied");
    expect(err.message).toContain("may not type raw keys");
    const asAgent = await typeInto("typing", token("fe-ws", { agent: "fe" }), "fe", `touch ${marker}-agent\r`);
    expect(asAgent.find((f) => f.type === "error")?.code).toBe("denied");
    await Bun.sleep(300);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(`${marker}-agent`)).toBe(false);
    // the owner and a role-free exec token still type
    const ok = await typeInto("typing", plain, undefined, `touch ${marker}-ok\r`);
    expect(ok.find((f) => f.type === "error")).toBeUndefined();
    await until("typed by a role-free token", () => existsSync(`${marker}-ok`));
  });
});

describe("4. bus messages and shells", () => {
  test("a message to an agent whose session is a plain shell prompt is never typed there", async () => {
    expect((await call("POST", "/api/sessions", { name: "sh1", cwd: work, shell: "/bin/bash" })).status).toBe(201);
    expect((await call("POST", "/api/agents", { name: "sh-agent", role: "devops", workspace: work, session: "sh1", delivery: "eager" })).status).toBe(201);
    await Bun.sleep(1200); // the prompt settles (idle)
    const planted = join(work, "planted-by-bus");
    const sent = await call("POST", "/api/bus/messages", { to: "sh-agent", payload: `hello; touch ${planted}` });
    expect(sent.status).toBe(201);
    await Bun.sleep(1500);
    expect(existsSync(planted)).toBe(false);
    const inbox = await call("GET", "/api/bus/inbox/sh-agent");
    expect(inbox.json.messages.length).toBe(1); // kept for read_inbox
  });
});

describe("5. a token's role has no workspace the caller chooses", () => {
  test("it cannot create a session (or exec) outside its role's fixed directories", async () => {
    const qa = token("qa-5", { role: "qa" });
    const r = await call("POST", "/api/sessions", { name: "qa-outside", cwd: outside }, { token: qa });
    expect(r.status).toBe(403);
    expect(r.json.error.message).toContain("rule dirs");
    // a session the owner made there: the token's commands that write in it are refused too
    expect((await call("POST", "/api/sessions", { name: "owners", cwd: outside, shell: "/bin/bash" })).status).toBe(201);
    const w = await call("POST", "/api/sessions/owners/exec", { command: "touch ./x-from-qa" }, { token: qa });
    expect(w.status).toBe(403);
    expect(existsSync(join(outside, "x-from-qa"))).toBe(false);
    // inside $TMPDIR it works
    expect((await call("POST", "/api/sessions", { name: "qa-tmp", cwd: work }, { token: qa })).status).toBe(201);
  });
});

describe("7. session-limited tokens", () => {
  test("see and restore only their sessions, under their own agent and role", async () => {
    for (const name of ["mine", "theirs"]) {
      expect((await call("POST", "/api/sessions", { name, cwd: work, shell: "/bin/bash", agent: "ops" })).status).toBe(201);
      expect((await call("POST", `/api/sessions/${name}/snapshot`, {})).status).toBeLessThan(300);
      expect((await call("DELETE", `/api/sessions/${name}`)).status).toBe(200);
    }
    const lim = token("limited", { sessions: ["mine"], role: "qa" });
    const snaps = (await call("GET", "/api/snapshots", undefined, { token: lim })).json as Array<{ name: string }>;
    expect(snaps.length).toBeGreaterThan(0);
    expect(snaps.every((s) => s.name === "mine")).toBe(true);
    expect((await call("GET", "/api/snapshots?name=theirs", undefined, { token: lim })).status).toBe(403);
    expect((await call("POST", "/api/restore", { name: "theirs" }, { token: lim })).status).toBe(403);
    expect((await call("POST", "/api/restore", { name: "mine", new_name: "theirs" }, { token: lim })).status).toBe(403);
    // as after a crash: both were live when the server went away, so both are restorable
    server.rt.db.$client.exec("UPDATE snapshots SET retired_at = NULL");
    const all = await call("POST", "/api/restore", { all: true }, { token: lim });
    expect(all.status).toBe(200);
    expect(all.json.map((r: { name: string }) => r.name)).toEqual(["mine"]);
    const mine = (await call("GET", "/api/sessions/mine")).json;
    expect(mine.owner_agent).toBeNull(); // not the saved owner "ops": the token acts as no agent
    expect(mine.role).toBe("qa");
    expect((await call("GET", "/api/sessions/theirs")).status).toBe(404);
    // cross-session reads name one of its sessions
    expect((await call("GET", "/api/trace", undefined, { token: lim })).status).toBe(403);
    expect((await call("GET", "/api/trace?session=theirs", undefined, { token: lim })).status).toBe(403);
    expect((await call("GET", "/api/trace?session=mine", undefined, { token: lim })).status).toBe(200);
    expect((await call("GET", "/api/metrics", undefined, { token: lim })).status).toBe(403);
    expect((await call("GET", "/api/events", undefined, { token: lim })).status).toBe(403);
    const statuses = (await call("GET", "/api/agent-status", undefined, { token: lim })).json as Array<{ session: string }>;
    expect(statuses.every((s) => s.session === "mine")).toBe(true);
  });
});

describe("22. other agents' mail", () => {
  test("an agent sees only its own messages, its topics and broadcasts, over HTTP and the WebSocket", async () => {
    const t = token("mail-tok", { agent: "fe" });
    expect((await call("POST", "/api/bus/messages", { to: "be", payload: "secret for be" }, { agent: "ops" })).status).toBe(201);
    expect((await call("POST", "/api/bus/messages", { broadcast: true, payload: "hello all" }, { agent: "ops" })).status).toBe(201);
    expect((await call("POST", "/api/bus/messages", { to: "fe", payload: "for fe" }, { agent: "ops" })).status).toBe(201);
    const history = async (q: string) => ((await call("GET", `/api/bus/messages${q}`, undefined, { token: t, agent: "fe" })).json as Array<{ payload: unknown }>).map((m) => m.payload);
    const asked = await history("?agent=be");
    expect(asked).not.toContain("secret for be");
    expect(asked).toContain("hello all");
    const everything = await history("");
    expect(everything).not.toContain("secret for be");
    expect(everything).toContain("hello all");
    expect(everything).toContain("for fe");
    expect((await call("GET", "/api/bus/inbox/be", undefined, { token: t })).status).toBe(403);
    // the owner sees everything
    expect(((await call("GET", "/api/bus/messages")).json as Array<{ payload: unknown }>).map((m) => m.payload)).toContain("secret for be");

    const ws = new WebSocket(`${base.replace("http", "ws")}/api/bus/stream?all=1`, { headers: { authorization: `Bearer ${t}`, "x-ai-session-agent": "fe" } } as never);
    const got: string[] = [];
    ws.onmessage = (ev) => {
      const f = JSON.parse(String(ev.data));
      if (f.kind === "message") got.push(String(f.message.payload));
      if (f.kind === "ready") ready = true;
    };
    let ready = false;
    await until("ready", () => ready);
    await call("POST", "/api/bus/messages", { to: "be", payload: "live secret" }, { agent: "ops" });
    await call("POST", "/api/bus/messages", { to: "fe", payload: "live for fe" }, { agent: "ops" });
    await until("fe's message", () => got.includes("live for fe"));
    ws.close();
    expect(got).not.toContain("live secret");
    expect(got).not.toContain("secret for be");
  });
});
