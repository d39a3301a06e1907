/**
 * The bus stream's two ends on a real nats-server: the pipelined publisher (every message
 * acknowledged, in order; refused ones sent again until a stream takes them, then given up) and
 * each node's durable consumers (its own direct subject and every node's topic messages; a consumer
 * of an older version that read the whole stream is narrowed without skipping what it had not read).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { StreamPublisher } from "../../server/cluster/publisher.ts";
import { busConsumers, MAX_ACK_PENDING } from "../../server/cluster/bus-consumers.ts";
import { names } from "../../server/cluster/connection.ts";
import { startNats, stopAll, type Nats } from "./harness.ts";

const LONG = 60_000;
let nats: Nats;
let nc: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url.replace("nats://", "") });
  jsm = await jetstreamManager(nc);
}, LONG);
afterAll(async () => {
  await nc?.close();
  await stopAll();
}, LONG);

/** Every message of a stream, in its order, as text. */
async function contents(stream: string): Promise<string[]> {
  const info = await jsm.streams.info(stream);
  const out: string[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages; seq++) out.push((await jsm.streams.getMessage(stream, { seq }))!.string());
  return out;
}

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await Bun.sleep(20);
  }
}

describe("the pipelined stream publisher", () => {
  test("3,000 messages sent back to back are each acknowledged once and kept in the order sent", async () => {
    await jsm.streams.add({ name: "P1", subjects: ["p1.>"] });
    const p = new StreamPublisher(nc, { window: 500, giveUpMs: 60_000, onGiveUp: () => {} });
    for (let i = 0; i < 3000; i++) p.send(i % 2 ? "p1.a" : "p1.b", `m${i}`, `p1-${i}`);
    expect(p.backlog).toBe(3000);
    await until("all acknowledged", () => p.acknowledged === 3000);
    expect(p.backlog).toBe(0);
    expect(await contents("P1")).toEqual(Array.from({ length: 3000 }, (_, i) => `m${i}`));
    p.close();
  }, LONG);

  test("what no stream takes yet is sent again, first and in order, until one does; each message is kept once", async () => {
    const p = new StreamPublisher(nc, { window: 50, retryMs: 100, giveUpMs: 60_000, onGiveUp: () => {} });
    for (let i = 0; i < 200; i++) p.send("p2.x", `m${i}`, `p2-${i}`);
    await Bun.sleep(400); // refused (no stream answers p2.x) and tried again a few times
    expect(p.acknowledged).toBe(0);
    expect(p.backlog).toBe(200);
    await jsm.streams.add({ name: "P2", subjects: ["p2.>"], duplicate_window: 120e9 });
    for (let i = 200; i < 300; i++) p.send("p2.x", `m${i}`, `p2-${i}`);
    await until("all acknowledged", () => p.acknowledged === 300);
    expect(await contents("P2")).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
    p.close();
  }, LONG);

  test("what no stream has taken within giveUpMs is given up, and told", async () => {
    const given: number[] = [];
    const p = new StreamPublisher(nc, { retryMs: 50, giveUpMs: 300, onGiveUp: (n) => given.push(n) });
    for (let i = 0; i < 10; i++) p.send("p3.nowhere", `m${i}`, `p3-${i}`);
    await until("given up", () => given.length > 0, 5000);
    expect(given).toEqual([10]);
    expect(p.backlog).toBe(0);
    p.close();
  }, LONG);

  test("a message nobody acknowledges within ackTimeoutMs is sent again, in order, until given up", async () => {
    const seen: string[] = [];
    const sub = nc.subscribe("p4.x", { callback: (_e, m) => void seen.push(m.string()) }); // takes it, never answers
    const given: number[] = [];
    const p = new StreamPublisher(nc, { ackTimeoutMs: 150, retryMs: 50, giveUpMs: 800, onGiveUp: (n) => given.push(n) });
    for (let i = 0; i < 3; i++) p.send("p4.x", `m${i}`, `p4-${i}`);
    await until("given up", () => given.length > 0, 5000);
    sub.unsubscribe();
    expect(given).toEqual([3]);
    expect(seen.length).toBeGreaterThanOrEqual(6);
    expect(seen.length % 3).toBe(0);
    expect(seen.slice(0, 6)).toEqual(["m0", "m1", "m2", "m0", "m1", "m2"]);
    p.close();
  }, LONG);

  test("nats-server restarts while messages go: what was in flight or sent meanwhile is kept once each, before what is sent after", async () => {
    await jsm.streams.add({ name: "P5", subjects: ["p5.>"], duplicate_window: 120e9 });
    const p = new StreamPublisher(nc, { giveUpMs: 60_000, onGiveUp: () => {} });
    for (let i = 0; i < 300; i++) p.send("p5.x", `m${i}`, `p5-${i}`);
    const restarted = nats.restart();
    await Bun.sleep(20);
    for (let i = 300; i < 310; i++) p.send("p5.x", `m${i}`, `p5-${i}`);
    await restarted;
    // the test's own connection is back: what goes now goes after the reconnect
    for (let ok = false; !ok; ) {
      await Bun.sleep(50);
      ok = await nc.rtt().then(() => true, () => false);
    }
    for (let i = 310; i < 320; i++) p.send("p5.x", `m${i}`, `p5-${i}`);
    await until("all acknowledged", () => p.acknowledged >= 320, 40_000);
    expect(await contents("P5")).toEqual(Array.from({ length: 320 }, (_, i) => `m${i}`));
    p.close();
  }, LONG);
});

describe("a node's consumers of the bus stream", () => {
  const n = names("c1");

  test("a new node reads its own direct subject and every node's topic messages, in two durable consumers", async () => {
    await jsm.streams.add({ name: n.stream, subjects: [n.busAll] });
    expect(await busConsumers(jsm, n, "alpha")).toEqual(["node-alpha", "fan-alpha"]);
    const direct = await jsm.consumers.info(n.stream, "node-alpha");
    const fan = await jsm.consumers.info(n.stream, "fan-alpha");
    expect([direct.config.filter_subject, fan.config.filter_subject]).toEqual(["ais.c1.bus.to.alpha", "ais.c1.bus.fan.>"]);
    expect([direct.config.max_ack_pending, fan.config.max_ack_pending]).toEqual([MAX_ACK_PENDING, MAX_ACK_PENDING]);
    // kept as they are when the node starts again
    expect(await busConsumers(jsm, n, "alpha")).toEqual(["node-alpha", "fan-alpha"]);
    expect((await jsm.consumers.list(n.stream).next()).map((c) => c.name).sort()).toEqual(["fan-alpha", "node-alpha"]);
  }, LONG);

  test("a consumer that read the whole stream is narrowed; its fan consumer starts after what it had acknowledged", async () => {
    const old = n.durable("beta");
    await jsm.consumers.add(n.stream, { durable_name: old, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, filter_subject: n.busAll });
    const js = jetstream(nc);
    await js.publish(n.busFan("alpha"), "read before the upgrade");
    await js.publish(n.busTo("beta"), "read before the upgrade too");
    const c = await js.consumers.get(n.stream, old);
    for (let i = 0; i < 2; i++) await (await c.next({ expires: 2000 }))!.ackAck();
    // sent while beta was down for its upgrade
    await js.publish(n.busFan("gamma"), "topic, while down");
    await js.publish(n.busTo("gamma"), "for gamma");
    await js.publish(n.busTo("beta"), "direct, while down");
    await busConsumers(jsm, n, "beta");
    const read = async (name: string) => {
      const got: string[] = [];
      const consumer = await js.consumers.get(n.stream, name);
      for (;;) {
        const m = await consumer.next({ expires: 1000 });
        if (!m) return got;
        got.push(m.string());
        m.ack();
      }
    };
    expect(await read("node-beta")).toEqual(["direct, while down"]);
    expect(await read("fan-beta")).toEqual(["topic, while down"]);
  }, LONG);
});
