import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBusServer } from "./ws-harness.ts";

const home = mkdtempSync(join(tmpdir(), "ai-session-ws-"));
const srv = startBusServer(home, { inboxCapacity: 50 });
afterAll(() => srv.stop());

async function api(method: string, path: string, body?: unknown, agent?: string) {
  const res = await fetch(`${srv.base}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(agent ? { "x-ai-session-agent": agent } : {}) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** A WebSocket client that collects frames. */
function connect(query: string) {
  const frames: any[] = [];
  const ws = new WebSocket(`${srv.ws}/api/bus/stream?${query}`);
  const opened = new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("ws failed"));
  });
  ws.onmessage = (e) => frames.push(JSON.parse(String(e.data)));
  const until = async (pred: (f: any[]) => boolean, ms = 2000) => {
    const end = Date.now() + ms;
    while (!pred(frames)) {
      if (Date.now() > end) throw new Error(`timed out; frames: ${JSON.stringify(frames).slice(0, 500)}`);
      await Bun.sleep(5);
    }
  };
  const messages = () => frames.filter((f) => f.kind === "message").map((f) => f.message);
  return { ws, frames, opened, until, messages, send: (o: unknown) => ws.send(typeof o === "string" ? o : JSON.stringify(o)) };
}

describe("bus over HTTP and WebSocket", () => {
  test("three agents: a broadcast reaches all, a direct message reaches one", async () => {
    for (const [name, role] of [["fe", "frontend"], ["be", "backend"], ["qa", "qa"]]) {
      expect((await api("POST", "/api/agents", { name, role })).status).toBe(201);
    }
    const fe = connect("agent=fe");
    const be = connect("agent=be");
    const qa = connect("agent=qa");
    await Promise.all([fe.opened, be.opened, qa.opened]);
    await Promise.all([fe, be, qa].map((c) => c.until((f) => f.some((x) => x.kind === "ready"))));
    qa.send({ op: "publish", broadcast: true, type: "status_update", payload: "suite green", ref: 1 });
    await qa.until((f) => f.some((x) => x.kind === "published"));
    await fe.until(() => fe.messages().length === 1);
    await be.until(() => be.messages().length === 1);
    expect(qa.messages()).toHaveLength(0);
    const r = await api("POST", "/api/bus/messages", { to: "be", type: "help_request", payload: { q: "schema?" } }, "fe");
    expect(r.status).toBe(201);
    await be.until(() => be.messages().length === 2);
    expect(be.messages()[1]).toMatchObject({ sender: "fe", to: "be", type: "help_request" });
    await Bun.sleep(50);
    expect(fe.messages()).toHaveLength(1);
    expect(qa.messages()).toHaveLength(0);
    for (const c of [fe, be, qa]) c.ws.close();
  });

  test("an agent that reconnects gets what it missed, and not what it acknowledged", async () => {
    await api("POST", "/api/agents", { name: "away", role: "qa" });
    const first = connect("agent=away");
    await first.opened;
    await api("POST", "/api/bus/messages", { to: "away", payload: "seen" });
    await first.until(() => first.messages().length === 1);
    first.send({ op: "ack", seqs: [first.messages()[0].seq] });
    await Bun.sleep(30);
    first.ws.close();
    await Bun.sleep(30);
    await api("POST", "/api/bus/messages", { to: "away", payload: "missed 1" });
    await api("POST", "/api/bus/messages", { broadcast: true, payload: "missed 2" }, "fe");
    const again = connect("agent=away");
    await again.opened;
    await again.until(() => again.messages().length === 2);
    expect(again.messages().map((m) => m.payload)).toEqual(["missed 1", "missed 2"]);
    again.ws.close();
  });

  test("bad input: unknown agent, malformed frame, malformed message, oversize message", async () => {
    expect((await api("POST", "/api/bus/messages", { to: "nobody", payload: 1 })).body.error).toMatchObject({ code: "not_found" });
    expect((await api("POST", "/api/bus/messages", "{not json")).body.error.code).toBe("invalid");
    const noDest = await api("POST", "/api/bus/messages", { payload: 1 });
    expect(noDest.body.error.message).toContain("exactly one of to, topic or broadcast");
    const big = await api("POST", "/api/bus/messages", { to: "be", payload: "x".repeat(100_000) });
    expect(big.status).toBe(413);
    expect((await api("POST", "/api/bus/messages", { to: "be", payload: 1 }, "ghost")).body.error.message).toContain("agent register ghost");

    const c = connect("agent=fe");
    await c.opened;
    c.send("not json at all");
    c.send({ op: "publish", type: "gossip", to: "be", payload: 1 });
    c.send({ op: "launch" });
    await c.until((f) => f.filter((x) => x.kind === "error").length === 3);
    const errors = c.frames.filter((x) => x.kind === "error");
    expect(errors[0].message).toContain("JSON object");
    expect(errors[1].message).toContain('malformed message: "type"');
    expect(errors[2].message).toContain("unknown op");
    c.send({ op: "ping", ref: "still-alive" });
    await c.until((f) => f.some((x) => x.kind === "pong"));
    c.ws.close();

    const ghost = connect("agent=ghost");
    await ghost.until((f) => f.some((x) => x.kind === "error"));
    expect(ghost.frames[0]).toMatchObject({ code: "not_found" });
  });

  test("a subscriber that never reads: server memory stays bounded and the drops are said", async () => {
    // a client that upgrades and then never reads a byte (python: the socket is never recv'd)
    const reader = Bun.spawn(
      ["python3", "-c", `import socket,time
s=socket.create_connection(("127.0.0.1",${srv.port}))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.sendall(b"GET /api/bus/stream?topics=flood&queue=200 HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n")
print("connected", flush=True)
time.sleep(30)`],
      { stdout: "pipe" },
    );
    await new Response(reader.stdout).body!.getReader().read();
    await Bun.sleep(100);
    Bun.gc(true);
    const before = process.memoryUsage().heapUsed;
    const payload = "y".repeat(1000);
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 1000; i++) srv.svc.bus.publish({ sender: "flood", topic: "flood", payload, persist: false });
      await Bun.sleep(20); // let the outbox try to drain
    }
    Bun.gc(true);
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown).toBeLessThan(10 * 1024 * 1024); // 20,000 x 1 KB would be 20 MB held
    const stats = (await api("GET", "/api/bus/stats")).body;
    expect(stats.connections).toBeGreaterThanOrEqual(1);
    expect(stats.connection_drops).toBeGreaterThan(10_000); // said: counted, and told to the reader once it reads
    reader.kill();
  });

  test("tasks over HTTP: least-loaded assignment and lease lapse", async () => {
    await api("POST", "/api/agents", { name: "w1", role: "devops" });
    await api("POST", "/api/agents", { name: "w2", role: "devops" });
    const t1 = (await api("POST", "/api/tasks", { title: "deploy api", role: "devops" })).body;
    const t2 = (await api("POST", "/api/tasks", { title: "rotate certs", role: "devops", lease_ms: 100 })).body;
    expect(new Set([t1.assignee, t2.assignee])).toEqual(new Set(["w1", "w2"]));
    const claimed = (await api("POST", "/api/tasks/claim", {}, t1.assignee)).body.task;
    expect(claimed.id).toBe(t1.id);
    // t2's lease lapses; the sweeper (every second) puts it back and hands it out again
    let after = (await api("GET", `/api/tasks/${t2.id}`)).body;
    for (const end = Date.now() + 3000; after.attempts === 0 && Date.now() < end; await Bun.sleep(20)) {
      after = (await api("GET", `/api/tasks/${t2.id}`)).body;
    }
    expect(after.attempts).toBe(1);
    expect(after.status).toBe("assigned");
    expect(after.assignee).toBe(t1.assignee); // the other agent, not the one whose lease lapsed
    const done = await api("POST", `/api/tasks/${t1.id}/done`, { result: "v2 live" }, t1.assignee);
    expect(done.body.status).toBe("done");
  });

  test("live views hear of agents, tasks, messages and decisions as they happen", async () => {
    const seen: Array<{ type: string }> = [];
    const on = (e: { type: string }) => seen.push(e);
    srv.svc.activity.on("event", on);
    await api("POST", "/api/agents", { name: "watcher", role: "qa" });
    await api("POST", "/api/tasks", { title: "smoke test", role: "qa" });
    await api("POST", "/api/bus/messages", { to: "watcher", payload: "hi" });
    await api("POST", "/api/trace/decisions", { what: "retry?", choice: "no" }, "watcher");
    srv.svc.activity.off("event", on);
    const types = new Set(seen.map((e) => e.type));
    for (const t of ["agent:registered", "task:changed", "bus:message", "decision:recorded"]) expect(types).toContain(t);
  });

  test("decisions, traces and metrics", async () => {
    const d = await api("POST", "/api/trace/decisions", { what: "queue", options: ["redis", "sqlite"], choice: "sqlite", reasoning: "one file" }, "be");
    expect(d.status).toBe(201);
    const t = (await api("GET", "/api/trace?agent=be")).body;
    expect(t.decisions[0]).toMatchObject({ agent: "be", choice: "sqlite" });
    const m = (await api("GET", "/api/metrics")).body;
    const publish = m.latency.find((l: any) => l.op === "POST /api/bus/messages");
    expect(publish.count).toBeGreaterThan(0);
    expect(publish.p99_ms).toBeGreaterThan(0);
    const otel = (await api("GET", "/api/trace/otel?limit=5")).body;
    expect(otel.resourceSpans[0].scopeSpans[0].spans.length).toBeGreaterThan(0);
  });
});
