/**
 * The bus under load, against the real server (`ai-session serve`, its own process) and real
 * WebSocket clients: a reader that stops reading is told exactly what it missed while the others
 * get everything and the server's memory stays bounded; one delivery per message however an agent
 * subscribed; the inbox limit is the one configured and its drops reach the agent; a burst is
 * written in few transactions.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { aiSessionArgv, freshHome, startServer, type RunningServer } from "../mcp/harness.ts";

const INBOX = 300;
let server: RunningServer;
let pid = 0;

beforeAll(async () => {
  server = await startServer({ env: { AI_SESSION_BUS_INBOX: String(INBOX) } });
  pid = (await api("GET", "/api/status")).pid;
}, 30_000);
afterAll(async () => {
  await server?.stop();
});

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const r = await fetch(`${server.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

type Client = WebSocket & { pause(): boolean; resume(): boolean };

/** A bus stream client that keeps what it reads: messages (seqs) and dropped frames. */
async function reader(query: string) {
  const seqs: number[] = [];
  const frames: any[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/bus/stream?token=${server.token}&${query}`) as Client;
  ws.onmessage = (e) => {
    const text = String(e.data);
    if (text.startsWith('{"kind":"message"')) seqs.push(Number(/"seq":(\d+)/.exec(text)![1]));
    else frames.push(JSON.parse(text));
  };
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`the bus stream did not open (${query})`));
  });
  await until("ready", () => frames.some((f) => f.kind === "ready"));
  return { ws, seqs, frames, dropped: () => frames.filter((f) => f.kind === "dropped") };
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

describe("a slow reader on a busy topic", () => {
  test("it is told what it missed, the others get every message, and the server holds no backlog for it", async () => {
    for (const name of ["fast", "slow", "feeder"]) await api("POST", "/api/agents", { name, role: "qa", topics: name === "feeder" ? [] : ["load"] });
    const fast = await reader("agent=fast");
    const slow = await reader("agent=slow&queue=200&queue_bytes=262144");
    const feeder = await reader("agent=feeder");
    slow.ws.pause(); // stops reading its socket: the server sees TCP back-pressure
    const before = rssMb();
    // 40,000 messages of 1 KB: 40 MB for each reader, far more than the sockets' buffers hold
    const N = 40_000;
    const frame = JSON.stringify({ op: "publish", topic: "load", payload: "x".repeat(1000) });
    // paced by the fast reader (this process is feeder and readers at once): it is never behind by
    // more than its queue holds, while the slow one is behind by everything
    for (let i = 0; i < N; i++) {
      feeder.ws.send(frame);
      if (i % 500 === 499) await until("the fast reader to keep up", () => fast.seqs.length >= i - 1500);
    }
    await until("the fast reader to get everything", () => fast.seqs.length === N, 60_000);
    const grown = rssMb() - before;
    const stats = await api("GET", "/api/bus/stats");
    // what the server holds for the slow reader: its queue's bound plus what its socket buffers
    expect(stats.most_bytes_one_connection).toBeLessThan(262_144 + 512 * 1024);

    // the fast reader: every message, in order, nothing dropped
    expect(fast.dropped()).toEqual([]);
    for (let i = 1; i < N; i++) if (fast.seqs[i]! <= fast.seqs[i - 1]!) throw new Error(`out of order at ${i}`);
    // the slow one was told while it was not reading: a dropped frame waits ahead of the backlog
    expect(stats.connection_drops).toBeGreaterThan(0);
    expect(grown).toBeLessThan(200); // a sanity bound: 40 MB went past the slow reader, the heap churns
    slow.ws.resume();
    await until("the slow reader to read what was kept", () => slow.seqs.length + slow.dropped().reduce((a, f) => a + f.count, 0) === N, 60_000);
    const drops = slow.dropped();
    expect(drops.length).toBeGreaterThan(0);
    // exact accounting: each message was either written to its socket or counted as dropped
    const missed = drops.reduce((a, f) => a + f.count, 0);
    expect(slow.seqs.length + missed).toBe(N);
    expect(missed).toBeGreaterThan(N / 2);
    for (const f of drops) {
      expect(f).toMatchObject({ kind: "dropped", where: "connection" });
      expect(f.first_seq).toBeLessThanOrEqual(f.last_seq);
      expect(f.in_inbox).toBeLessThanOrEqual(f.count);
    }
    // those still in the inbox (the newest, within its limit) are there for a reconnect or `bus inbox`
    const inbox = await api("GET", "/api/bus/inbox/slow?limit=1");
    expect(inbox.waiting).toBe(INBOX);
    for (const c of [fast, slow, feeder]) c.ws.close();
  }, 120_000);
});

describe("one delivery per message", () => {
  test("an agent registered for a topic that also asks for it on the stream, twice, and for everything, gets each message once", async () => {
    await api("POST", "/api/agents", { name: "dual", role: "qa", topics: ["builds"] });
    const dual = await reader("agent=dual&topics=builds,builds&all=1");
    dual.ws.send(JSON.stringify({ op: "subscribe", topic: "builds", ref: 1 }));
    await until("subscribed", () => dual.frames.some((f) => f.kind === "subscribed"));
    const sent: number[] = [];
    for (let i = 0; i < 5; i++) sent.push((await api("POST", "/api/bus/messages", { topic: "builds", payload: i })).seq);
    sent.push((await api("POST", "/api/bus/messages", { to: "dual", payload: "direct" })).seq);
    sent.push((await api("POST", "/api/bus/messages", { broadcast: true, payload: "all" })).seq);
    await until("all seven", () => dual.seqs.length >= 7);
    await Bun.sleep(200); // a second copy would be on the wire by now
    expect(dual.seqs).toEqual(sent);
    dual.ws.close();
  }, 30_000);
});

describe("the inbox limit", () => {
  test("is the configured one, and what was dropped reaches the agent with its next read and its next connect", async () => {
    await api("POST", "/api/agents", { name: "away", role: "qa" });
    for (let i = 1; i <= INBOX + 7; i++) await api("POST", "/api/bus/messages", { to: "away", payload: i });
    const peek = await api("GET", "/api/bus/inbox/away?limit=2");
    expect(peek).toMatchObject({ capacity: INBOX, waiting: INBOX, dropped: 7, dropped_total: 7 });
    expect(peek.messages.map((m: any) => m.payload)).toEqual([8, 9]); // the oldest went
    expect((await api("GET", "/api/bus/inbox/away?limit=1")).dropped).toBe(0); // told once
    // 5 more while away push out 8 and 9, which it was shown, and 10, 11, 12, which it never saw:
    // those 3 are what it lost, and the next connect says so first
    for (let i = 0; i < 5; i++) await api("POST", "/api/bus/messages", { to: "away", payload: "late" });
    const back = await reader("agent=away");
    await until("the backlog", () => back.seqs.length === INBOX);
    expect(back.frames.find((f) => f.kind === "dropped")).toMatchObject({ where: "inbox", count: 3, capacity: INBOX });
    expect(await api("GET", "/api/bus/inbox/away?limit=1")).toMatchObject({ dropped: 0, dropped_total: 10, evicted_unacked: 2 });
    expect((await api("GET", "/api/bus/stats")).inbox_capacity).toBe(INBOX);
    back.ws.close();
  }, 60_000);

  test("a limit that is not a number keeps the server from starting, naming the variable", async () => {
    const home = freshHome("ais-bus-limit-");
    const proc = Bun.spawn(aiSessionArgv("serve", "--port", "0", "--home", home), { env: { ...process.env, AI_SESSION_HOME: home, AI_SESSION_BUS_INBOX: "lots" }, stdout: "pipe", stderr: "pipe" });
    const [code, err] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
    expect(code).not.toBe(0);
    expect(err).toContain('AI_SESSION_BUS_INBOX must be a whole number of messages from 1 to 1,000,000, not "lots"');
    expect(err).not.toContain("    at ");
  }, 30_000);

  test("`bus --help` states the limit and what happens past it", async () => {
    const proc = Bun.spawn(aiSessionArgv("bus", "--help"), { env: { ...process.env, NO_COLOR: "1" }, stdout: "pipe", stderr: "pipe" });
    const out = (await new Response(proc.stdout).text()) + (await new Response(proc.stderr).text());
    await proc.exited;
    expect(out).toContain("AI_SESSION_BUS_INBOX");
    expect(out).toMatch(/oldest/);
  }, 30_000);
});

describe("persistence of a burst", () => {
  test("5,000 messages published at once are all written, in a few transactions", async () => {
    await api("POST", "/api/agents", { name: "burst", role: "qa" });
    const before = await api("GET", "/api/bus/stats");
    const pub = await reader("agent=burst");
    for (let i = 0; i < 5_000; i++) pub.ws.send(JSON.stringify({ op: "publish", topic: "burst", payload: i }));
    let after = before;
    for (let i = 0; i < 600 && after.written - before.written < 5_000; i++) {
      await Bun.sleep(50);
      after = await api("GET", "/api/bus/stats");
    }
    expect(after.written - before.written).toBe(5_000);
    expect(after.transactions - before.transactions).toBeLessThan(100);
    const history = await api("GET", "/api/bus/messages?topic=burst&limit=10000");
    expect(history.map((m: any) => m.payload)).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
    pub.ws.close();
  }, 60_000);
});
