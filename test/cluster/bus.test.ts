/**
 * The bus across nodes on a real nats-server: agents on alpha and gamma exchange direct, topic
 * and broadcast messages; a message for an agent whose node is down waits and arrives when the
 * node comes back; one machine's rules (unknown agent) hold in the cluster too.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { cli, eventually, json, startNats, startNode, stopAll, type Nats, type Node } from "./harness.ts";

const LONG = 60_000;
let nats: Nats;
let alpha: Node;
let beta: Node;
let gamma: Node;

type Inbox = { messages: Array<{ payload: unknown; sender: string; topic?: string; broadcast?: boolean; to?: string }> };

/** Reads (and acknowledges) an agent's inbox until it holds `n` messages. */
async function inboxOf(node: Node, agent: string, n: number): Promise<Inbox["messages"]> {
  const got: Inbox["messages"] = [];
  await eventually(`${n} message(s) for ${agent} on ${node.name}`, async () => {
    got.push(...(await json<Inbox>(node, "bus", "inbox", agent)).messages);
    return got.length >= n;
  });
  return got;
}

/** A bus WebSocket of a node, as an agent; frames go to onFrame. */
function busSocket(node: Node, agent: string, onFrame: (frame: Record<string, unknown>) => void): Promise<WebSocket> {
  const token = readFileSync(join(node.home, "token"), "utf8").trim();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${node.port}/api/bus/stream?token=${token}&agent=${agent}`);
    ws.onmessage = (e) => onFrame(JSON.parse(e.data as string));
    ws.onerror = () => reject(new Error(`cannot open the bus stream of ${node.name}`));
    ws.onopen = () => resolve(ws);
  });
}

/** How many messages the cluster's bus stream holds. */
async function streamMessages(): Promise<number> {
  const nc = await connect({ servers: nats.url.replace("nats://", "") });
  try {
    return (await (await jetstreamManager(nc)).streams.info("AIS_ai-session_BUS")).state.messages;
  } finally {
    await nc.close();
  }
}

async function agentsSeen(from: Node, names: string[]) {
  await eventually(`agents ${names.join(", ")} in the heartbeats ${from.name} reads`, async () => {
    const nodes = await json<Array<{ agent_names: string[] }>>(from, "nodes");
    const all = nodes.flatMap((n) => n.agent_names);
    return names.every((x) => all.includes(x));
  });
}

beforeAll(async () => {
  nats = await startNats();
  [alpha, beta, gamma] = await Promise.all([startNode("alpha", nats.url), startNode("beta", nats.url), startNode("gamma", nats.url)]);
  const reg = async (node: Node, name: string, role: string, ...more: string[]) => {
    const r = await cli(node, "agent", "register", name, "--role", role, ...more);
    expect([r.code, r.stderr]).toEqual([0, ""]);
  };
  await Promise.all([reg(alpha, "fe", "frontend", "--topics", "deploys"), reg(gamma, "qa", "qa", "--topics", "deploys"), reg(beta, "be", "backend")]);
  await agentsSeen(alpha, ["qa", "be"]);
  await agentsSeen(gamma, ["fe", "be"]);
}, LONG);
afterAll(stopAll, LONG);

describe("the bus across nodes", () => {
  test("a direct message from alpha reaches qa on gamma, and the answer comes back", async () => {
    const sent = await cli(alpha, "bus", "send", "--to", "qa", "--type", "help_request", '{"q":"which port?"}', "--agent", "fe");
    expect([sent.code, sent.stderr]).toEqual([0, ""]);
    const got = await inboxOf(gamma, "qa", 1);
    expect(got).toEqual([expect.objectContaining({ payload: { q: "which port?" }, sender: "fe", to: "qa" })]);
    await cli(gamma, "bus", "send", "--to", "fe", "8080", "--agent", "qa");
    expect(await inboxOf(alpha, "fe", 1)).toEqual([expect.objectContaining({ payload: 8080, sender: "qa" })]);
    // nobody else got it
    expect((await json<Inbox>(beta, "bus", "inbox", "be")).messages).toEqual([]);
  }, LONG);

  test("a topic message reaches the topic's agents on every node, once", async () => {
    await cli(gamma, "bus", "send", "--topic", "deploys", "v2 is out", "--agent", "qa");
    expect(await inboxOf(alpha, "fe", 1)).toEqual([expect.objectContaining({ payload: "v2 is out", topic: "deploys", sender: "qa" })]);
    expect((await json<Inbox>(gamma, "bus", "inbox", "qa")).messages).toEqual([]); // not back to its sender
    expect((await json<Inbox>(beta, "bus", "inbox", "be")).messages).toEqual([]); // be is not on the topic
  }, LONG);

  test("a broadcast from alpha reaches every agent on the other nodes, not its sender", async () => {
    await cli(alpha, "bus", "send", "--broadcast", "standup in 5", "--agent", "fe");
    expect(await inboxOf(beta, "be", 1)).toEqual([expect.objectContaining({ payload: "standup in 5", broadcast: true })]);
    expect(await inboxOf(gamma, "qa", 1)).toEqual([expect.objectContaining({ payload: "standup in 5", broadcast: true })]);
    await Bun.sleep(500); // a duplicate would have arrived by now
    expect((await json<Inbox>(alpha, "bus", "inbox", "fe")).messages).toEqual([]);
    expect((await json<Inbox>(gamma, "bus", "inbox", "qa")).messages).toEqual([]);
  }, LONG);

  test("a request from alpha to qa on gamma gets the reply qa sends there (bus send --wait); a topic request too", async () => {
    const asking = cli(alpha, "bus", "send", "--to", "qa", '{"q":"port?"}', "--wait", "20", "--agent", "fe", "--json");
    const [request] = await inboxOf(gamma, "qa", 1);
    const id = (request as unknown as { id: string }).id;
    const answered = await cli(gamma, "bus", "send", "--to", "fe", "--correlation", id, "8443", "--agent", "qa");
    expect([answered.code, answered.stderr]).toEqual([0, ""]);
    const r = await asking;
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({ payload: 8443, sender: "qa", to: "fe" });
    // the requester had its answer: it does not wait in fe's inbox as well
    expect((await json<Inbox>(alpha, "bus", "inbox", "fe")).messages).toEqual([]);

    const onTopic = cli(gamma, "bus", "send", "--topic", "deploys", "who deploys?", "--wait", "20", "--agent", "qa", "--json");
    const [asked] = await inboxOf(alpha, "fe", 1);
    await cli(alpha, "bus", "send", "--to", "qa", "--correlation", (asked as unknown as { id: string }).id, "fe does", "--agent", "fe");
    const t = await onTopic;
    expect([t.code, t.stderr]).toEqual([0, ""]);
    expect(JSON.parse(t.stdout)).toMatchObject({ payload: "fe does", sender: "fe" });
  }, LONG);

  test("an agent known on no node is refused as on one machine", async () => {
    const r = await cli(alpha, "bus", "send", "--to", "ghost", "hello", "--agent", "fe");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('no agent named "ghost"');
  }, LONG);

  test("a burst of 3,000 direct messages on alpha's WebSocket reaches qa's on gamma once each, in order, in far fewer stream messages", async () => {
    const got: number[] = [];
    let acked = false;
    const sub = await busSocket(gamma, "qa", (f) => {
      // (what earlier tests left in qa's inbox comes first: not counted, acknowledged at the end)
      const i = (f.message as { payload?: { i?: unknown } } | undefined)?.payload?.i;
      if (f.kind === "message" && typeof i === "number") got.push(i);
      if (f.kind === "acked") acked = true;
    });
    const pub = await busSocket(alpha, "fe", () => {});
    const before = await streamMessages();
    for (let i = 0; i < 3000; i++) pub.send(JSON.stringify({ op: "publish", to: "qa", payload: { i } }));
    await eventually("3,000 messages on qa's WebSocket", async () => got.length >= 3000);
    await Bun.sleep(300); // a duplicate would have come by now
    expect(got).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    // what one turn of alpha's loop sent went as one stream message
    expect(await streamMessages() - before).toBeLessThan(300);
    sub.send(JSON.stringify({ op: "ack", up_to: Number.MAX_SAFE_INTEGER, ref: 1 }));
    await eventually("acknowledged", async () => acked);
    sub.close();
    pub.close();
    expect((await json<Inbox>(gamma, "bus", "inbox", "qa")).messages).toEqual([]);
  }, LONG);

  test("messages sent to qa while gamma is down are delivered when gamma comes back", async () => {
    await gamma.stop("SIGKILL");
    await eventually("gamma down", async () => (await json<Array<{ name: string; state: string }>>(alpha, "nodes")).find((n) => n.name === "gamma")?.state === "down");
    for (const text of ["one", "two", "three"]) {
      const r = await cli(alpha, "bus", "send", "--to", "qa", text, "--agent", "fe");
      expect([r.code, r.stderr]).toEqual([0, ""]);
    }
    gamma = await startNode("gamma", nats.url, { home: gamma.home });
    const got = await inboxOf(gamma, "qa", 3);
    expect(got.map((m) => m.payload)).toEqual(["one", "two", "three"]);
  }, LONG);
});

describe("the bus when nats-server restarts", () => {
  test("nodes reconnect: heartbeats resume and messages sent meanwhile and after arrive", async () => {
    await nats.restart();
    const during = await cli(alpha, "bus", "send", "--to", "qa", "sent while NATS came back", "--agent", "fe");
    expect([during.code, during.stderr]).toEqual([0, ""]);
    await eventually("alpha connected again", async () => (await json(alpha, "status")).cluster.connected === true);
    await cli(alpha, "bus", "send", "--to", "qa", "after", "--agent", "fe");
    expect((await inboxOf(gamma, "qa", 2)).map((m) => m.payload)).toEqual(["sent while NATS came back", "after"]);
    await eventually("every node up again", async () => (await json<Array<{ state: string }>>(alpha, "nodes")).every((n) => n.state === "up"));
  }, LONG);
});
