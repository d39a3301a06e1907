import { describe, expect, test } from "bun:test";
import { openDatabase } from "../../db/client.ts";
import { AgentRegistry } from "../../server/bus/agents.ts";
import { Bus } from "../../server/bus/bus.ts";
import type { BusMessage } from "../../server/bus/message.ts";
import { Outbox } from "../../server/bus/outbox.ts";
import { RoleBook } from "../../server/roles/roles.ts";
import { BusStore } from "../../server/bus/store.ts";
import { freshHome } from "./fresh.ts";

function setup(capacity?: number) {
  const f = freshHome();
  const agents = new AgentRegistry(f.db, new RoleBook(f.home));
  const bus = new Bus(agents, new BusStore(f.db.$client), { inboxCapacity: capacity });
  for (const [name, role] of [["fe", "frontend"], ["be", "backend"], ["qa", "qa"]] as const) agents.register({ name, role });
  return { ...f, agents, bus };
}

describe("message bus", () => {
  test("a direct message reaches one agent, a broadcast all but the sender", () => {
    const { bus } = setup();
    const seen: Record<string, BusMessage[]> = { fe: [], be: [], qa: [] };
    for (const a of Object.keys(seen)) bus.subscribeAgent(a, (m) => seen[a]!.push(m));
    const direct = bus.publish({ sender: "fe", to: "be", type: "help_request", payload: { q: "schema?" } });
    expect(direct).toMatchObject({ sender: "fe", to: "be", type: "help_request" });
    expect(direct.id).toBeString();
    expect(seen.be!.map((m) => m.id)).toEqual([direct.id]);
    expect(seen.fe).toHaveLength(0);
    expect(seen.qa).toHaveLength(0);
    bus.publish({ sender: "qa", broadcast: true, type: "status_update", payload: "tests green" });
    expect(seen.fe).toHaveLength(1);
    expect(seen.be).toHaveLength(2);
    expect(seen.qa).toHaveLength(0);
  });

  test("topics reach their subscribers and the agents registered for them", () => {
    const { bus, agents } = setup();
    agents.setTopics("qa", ["builds"]);
    const got: string[] = [];
    bus.subscribeTopic("builds", (m) => got.push(String(m.payload)));
    bus.publish({ sender: "be", topic: "builds", payload: "api built" });
    expect(got).toEqual(["api built"]);
    expect(bus.readInbox("qa").messages.map((m) => m.payload)).toEqual(["api built"]);
    expect(bus.readInbox("fe").messages).toHaveLength(0);
  });

  test("an unknown recipient, an oversize payload and a message with no destination are refused", () => {
    const { bus } = setup();
    expect(() => bus.publish({ sender: "fe", to: "nobody", payload: 1 })).toThrow(/no agent named "nobody"/);
    expect(() => bus.publish({ sender: "fe", to: "be", payload: "x".repeat(70_000) })).toThrow(/over the 65536-byte limit/);
    expect(() => bus.publish({ sender: "fe", to: "be", payload: { blob: "é".repeat(40_000) } })).toThrow(/limit/);
    expect(() => bus.publish({ sender: "fe", payload: 1 })).toThrow(/say where the message goes/);
    expect(bus.readInbox("be").messages).toHaveLength(0);
  });

  test("request and reply share a correlation id; no reply is a timeout", async () => {
    const { bus } = setup();
    bus.subscribeAgent("be", (m) => {
      if (m.type === "help_request") bus.reply(m, { sender: "be", type: "completion", payload: "use v2" });
    });
    const answer = await bus.request({ sender: "fe", to: "be", type: "help_request", payload: "which api?" }, 1000);
    expect(answer.payload).toBe("use v2");
    expect(answer.correlation_id).toBeString();
    expect(bus.readInbox("fe").messages).toHaveLength(0); // the answer went to the waiting requester
    await expect(bus.request({ sender: "fe", to: "qa", payload: "anyone?" }, 50)).rejects.toThrow(/no reply/);
  });

  test("inbox messages stay until acknowledged (at least once), and survive a restart", () => {
    const { bus, db, dbPath, home } = setup();
    const a = bus.publish({ sender: "fe", to: "be", payload: "one" });
    bus.publish({ sender: "fe", to: "be", payload: "two" });
    expect(bus.readInbox("be").messages).toHaveLength(2);
    expect(bus.readInbox("be").messages).toHaveLength(2); // not acked: handed out again
    bus.ack("be", { seqs: [a.seq] });
    bus.close();
    db.$client.close();

    const db2 = openDatabase(dbPath);
    const agents2 = new AgentRegistry(db2, new RoleBook(home));
    const bus2 = new Bus(agents2, new BusStore(db2.$client));
    expect(bus2.readInbox("be").messages.map((m) => m.payload)).toEqual(["two"]);
    const next = bus2.publish({ sender: "fe", to: "be", payload: "three" });
    expect(next.seq).toBeGreaterThan(a.seq + 1);
    expect(bus2.history({ agent: "be" }).map((m) => m.payload)).toEqual(["one", "two", "three"]);
  });

  test("a full inbox drops its oldest message and says how many were dropped", () => {
    const { bus } = setup(3);
    for (let i = 1; i <= 5; i++) bus.publish({ sender: "fe", to: "be", payload: i });
    const r = bus.readInbox("be");
    expect(r.messages.map((m) => m.payload)).toEqual([3, 4, 5]);
    expect(r.dropped).toBe(2);
    expect(bus.readInbox("be").dropped).toBe(0);
    expect(bus.readInbox("be").dropped_total).toBe(2);
  });

  test("transient messages are delivered but not written", () => {
    const { bus } = setup();
    let n = 0;
    bus.subscribeTopic("ticks", () => n++);
    for (let i = 0; i < 100; i++) bus.publish({ sender: "be", topic: "ticks", payload: i, persist: false });
    expect(n).toBe(100);
    expect(bus.history({ topic: "ticks" })).toHaveLength(0);
  });
});

describe("bus store", () => {
  test("acknowledging a long written inbox deletes its rows in bounded steps, each transaction short, none left behind", () => {
    const f = freshHome();
    const agents = new AgentRegistry(f.db, new RoleBook(f.home));
    // entries are written at once (no delay); with no time per transaction each does one statement
    const store = new BusStore(f.db.$client, { inboxDelayMs: 0, rowsPerTransaction: 100_000, transactionMs: 0, minGapMs: 0 });
    const bus = new Bus(agents, store, { inboxCapacity: 20_000 });
    agents.register({ name: "fe", role: "frontend" });
    agents.register({ name: "be", role: "backend" });
    let last = 0;
    for (let i = 0; i < 3_000; i++) last = bus.publish({ sender: "fe", to: "be", payload: i }).seq;
    while (store.pending) store.flush();
    const rows = () => f.db.$client.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM bus_inbox WHERE agent = 'be'").get()!.n;
    expect(rows()).toBe(3_000);
    // one acknowledgement moves the floor past all of them
    expect(bus.ack("be", { upTo: last })).toBe(3_000);
    store.flush();
    expect(rows()).toBe(3_000 - 1_024);
    expect(store.pending).toBe(1);
    store.flush();
    expect(rows()).toBe(3_000 - 2_048);
    store.flush();
    expect(rows()).toBe(0);
    expect(store.pending).toBe(0);
    // later messages are kept as before
    bus.publish({ sender: "fe", to: "be", payload: "after" });
    while (store.pending) store.flush();
    expect(rows()).toBe(1);
    bus.close();
  });

  test("inbox entries coming due under steady traffic are written with the other writes, a transaction per minGapMs at most", async () => {
    const f = freshHome();
    const agents = new AgentRegistry(f.db, new RoleBook(f.home));
    const store = new BusStore(f.db.$client, { inboxDelayMs: 50, rowsPerTransaction: 100_000, transactionMs: 100, minGapMs: 25 });
    const bus = new Bus(agents, store, { inboxCapacity: 20_000 });
    agents.register({ name: "fe", role: "frontend" });
    agents.register({ name: "be", role: "backend" });
    // one unacknowledged message every millisecond or so for 400 ms: an entry comes due as often
    const start = performance.now();
    let sent = 0;
    while (performance.now() - start < 400) {
      bus.publish({ sender: "fe", to: "be", payload: sent++ });
      await Bun.sleep(1);
    }
    const ms = performance.now() - start;
    const transactions = store.transactions;
    // one every 25 ms, and the first one at once: about 17; a transaction for each entry due would be hundreds
    expect(transactions).toBeLessThanOrEqual(Math.ceil(ms / 25) + 3);
    bus.close();
    const rows = f.db.$client.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM bus_inbox WHERE agent = 'be'").get()!.n;
    expect(rows).toBe(sent);
  });

  test("inbox rows written in several transactions, the queue growing and wrapping meanwhile: exactly the entries still waiting, for direct and topic messages", () => {
    const f = freshHome();
    const agents = new AgentRegistry(f.db, new RoleBook(f.home));
    // every entry due at once; 500 rows a transaction, so the queue is drained in steps while it grows
    const store = new BusStore(f.db.$client, { inboxDelayMs: 0, rowsPerTransaction: 500, transactionMs: 1_000, minGapMs: 0 });
    const bus = new Bus(agents, store, { inboxCapacity: 100_000 });
    agents.register({ name: "fe", role: "frontend" });
    agents.register({ name: "a", role: "backend", topics: ["t"] });
    agents.register({ name: "b", role: "backend", topics: ["t"] });
    const waiting = { a: 0, b: 0 };
    for (let round = 0; round < 6; round++) {
      let lastA = 0;
      for (let i = 0; i < 1_500; i++) {
        lastA = bus.publish({ sender: "fe", to: "a", payload: i }).seq;
        bus.publish({ sender: "fe", topic: "t", payload: i });
      }
      // a acknowledges everything so far every other round (its entries must not be written then)
      if (round % 2 === 0) bus.ack("a", { upTo: lastA });
      store.flush();
      store.flush();
    }
    while (store.pending) store.flush();
    waiting.a = bus.inboxSize("a");
    waiting.b = bus.inboxSize("b");
    const rows = (agent: string) => f.db.$client.query<{ n: number }, [string]>("SELECT COUNT(*) AS n FROM bus_inbox WHERE agent = ?").get(agent)!.n;
    expect(waiting.b).toBe(6 * 1_500);
    // acknowledged up to round 4's last direct message: round 4's last topic message and round 5 wait
    expect(waiting.a).toBe(1 + 3_000);
    expect(rows("b")).toBe(waiting.b);
    expect(rows("a")).toBe(waiting.a);
    // each row names its message
    const wrong = f.db.$client.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM bus_inbox i LEFT JOIN bus_messages m ON m.seq = i.seq AND m.id = i.message_id WHERE m.seq IS NULL").get()!.n;
    expect(wrong).toBe(0);
    bus.close();
  });
});

describe("outbox for slow subscribers", () => {
  test("a reader that never reads keeps at most `maxMessages` frames and is told what it missed", () => {
    const box = new Outbox(100, 1 << 30, (seq) => seq % 2 === 0);
    for (let i = 1; i <= 10_000; i++) box.push(`m${i}`, i);
    expect(box.queued).toBe(100);
    expect(box.droppedTotal).toBe(9_900);
    expect(box.takeReport()).toEqual({ count: 9_900, first_seq: 1, last_seq: 9_900, in_inbox: 4_950 });
    expect(box.takeReport()).toBeNull();
    const written: string[] = [];
    box.drain(Infinity, (t) => written.push(t));
    expect(written).toEqual(Array.from({ length: 100 }, (_, i) => `m${9_901 + i}`));
    expect(box.queued).toBe(0);
  });

  test("the bound in bytes holds whatever the number of frames", () => {
    const box = new Outbox(1_000_000, 10_000);
    const frame = "x".repeat(1000);
    for (let i = 1; i <= 500; i++) box.push(frame, i);
    expect(box.bytes).toBeLessThanOrEqual(10_000);
    expect(box.queued).toBe(10);
    expect(box.takeReport()).toMatchObject({ count: 490, first_seq: 1, last_seq: 490 });
    // a drain writes what fits in the room it is given, oldest first, and keeps the rest
    const written: string[] = [];
    box.drain(2500, (t) => written.push(t));
    expect(written).toHaveLength(3);
    expect(box.queued).toBe(7);
  });
});

describe("publish frames", () => {
  test("the fast frame check accepts what the schema accepts and leaves every mistake to it", async () => {
    const { readPublishFrame, publishSchema } = await import("../../server/bus/message.ts");
    const cases: Record<string, unknown>[] = [
      { op: "publish", to: "be", payload: 1 },
      { op: "publish", topic: "builds", type: "progress", payload: { p: 1 }, ref: 7, persist: false },
      { op: "publish", broadcast: true, correlation_id: "x-1", payload: "hi" },
      { op: "publish", payload: 1 },
      { op: "publish", to: "a", topic: "b", payload: 1 },
      { op: "publish", to: "a", type: "gossip", payload: 1 },
      { op: "publish", topic: "bad topic!", payload: 1 },
      { op: "publish", to: "a", broadcast: "yes", payload: 1 },
      { op: "publish", to: "a", extra: 1, payload: 1 },
      { op: "publish", to: "a", correlation_id: "", payload: 1 },
    ];
    for (const c of cases) {
      const { op: _op, ref: _ref, ...rest } = c;
      const viaSchema = publishSchema.safeParse(rest);
      const fast = readPublishFrame(c, "me");
      expect([c, fast !== undefined]).toEqual([c, viaSchema.success]);
      if (fast) expect(fast).toEqual({ ...(viaSchema.data as object), sender: "me" } as never);
    }
  });
});
