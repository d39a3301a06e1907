/**
 * Three nats-servers routed into one NATS cluster, the bus stream and the buckets kept in three
 * copies (AI_SESSION_CLUSTER_REPLICAS=3), two ai-session servers: the NATS server one of them is
 * connected to is SIGKILLed during bus traffic; that node moves to another NATS server it learned
 * of, and every message it accepted is delivered, in order; knowledge still works across nodes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { cli, eventually, json, startNatsCluster, startNode, stopAll, type NatsCluster, type Node } from "./harness.ts";

const LONG = 90_000;
let nats: NatsCluster;
let alpha: Node;
let beta: Node;

beforeAll(async () => {
  nats = await startNatsCluster(3);
  const [first, second] = nats.url.split(",");
  const env = { AI_SESSION_CLUSTER_REPLICAS: "3" };
  // each node is given one NATS server only; the others it learns from that server
  [alpha, beta] = await Promise.all([startNode("alpha", first!, { env }), startNode("beta", second!, { env })]);
  for (const [node, name] of [[alpha, "fe"], [beta, "qa"]] as const) expect((await cli(node, "agent", "register", name, "--role", "backend")).code).toBe(0);
  await eventually("qa seen on alpha", async () => (await json<Array<{ agent_names: string[] }>>(alpha, "nodes")).some((n) => n.agent_names.includes("qa")));
}, LONG);
afterAll(stopAll, LONG);

describe("a three-server NATS cluster loses one server", () => {
  test("the stream is kept in three copies; alpha's NATS server dies mid-traffic and all 30 messages reach qa on beta in order", async () => {
    const nc = await connect({ servers: nats.url.split(",")[2]!.replace("nats://", "") });
    const info = await (await jetstreamManager(nc)).streams.info("AIS_ai-session_BUS");
    await nc.close();
    expect([info.config.num_replicas, info.cluster?.replicas?.length]).toEqual([3, 2]);
    const send = async (i: number) => {
      const r = await cli(alpha, "bus", "send", "--to", "qa", `m${i}`, "--agent", "fe");
      expect([i, r.code, r.stderr]).toEqual([i, 0, ""]);
    };
    for (let i = 0; i < 10; i++) await send(i);
    await nats.kill(0); // the one alpha was given
    for (let i = 10; i < 30; i++) await send(i);
    const got: unknown[] = [];
    await eventually("30 messages for qa", async () => {
      got.push(...(await json<{ messages: Array<{ payload: unknown }> }>(beta, "bus", "inbox", "qa")).messages.map((m) => m.payload));
      return got.length >= 30;
    }, 45_000);
    expect(got).toEqual(Array.from({ length: 30 }, (_, i) => `m${i}`));
    await eventually("alpha connected again", async () => (await json(alpha, "status")).cluster.connected === true);
    // the bucket may be electing a new leader for a moment (its old one was on the dead server)
    await eventually("knowledge written after the failover", async () => (await cli(alpha, "knowledge", "set", "after.failover", "yes")).code === 0);
    expect((await cli(beta, "knowledge", "get", "after.failover")).stdout.trim()).toBe("yes");
    // heartbeats go into a bucket that may itself be electing a leader: both nodes are up again once it has one
    await eventually("both nodes up after the failover", async () => (await json<Array<{ state: string }>>(beta, "nodes")).every((n) => n.state === "up"), 30_000);
    expect((await json<Array<{ state: string }>>(beta, "nodes")).map((n) => n.state)).toEqual(["up", "up"]);
  }, LONG);
});
