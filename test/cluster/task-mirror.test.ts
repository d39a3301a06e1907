/**
 * The task board's mirror of its bucket on a real nats-server: what another connection writes and
 * deletes shows up through the watch; a write of the board's own is in at once and not undone by a
 * later, older entry; after nats-server restarts, changes made while the mirror's watch was away
 * are seen.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Kvm, type KV } from "@nats-io/kv";
import { TaskMirror } from "../../server/cluster/task-mirror.ts";
import type { ClusterTask } from "../../server/cluster-port.ts";
import { startNats, stopAll, type Nats } from "./harness.ts";

const LONG = 60_000;
let nats: Nats;
let mine: NatsConnection;
let other: NatsConnection;
let kv: KV;
let theirs: KV;
let mirror: TaskMirror;

const task = (id: string, title: string) => ({ id, title }) as unknown as ClusterTask;
const titles = () => Object.fromEntries(mirror.values().map((r) => [r.task.id, r.task.title]));

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms (${JSON.stringify(titles())})`);
    await Bun.sleep(20);
  }
}

beforeAll(async () => {
  nats = await startNats();
  const opts = { servers: nats.url.replace("nats://", ""), maxReconnectAttempts: -1, reconnectTimeWait: 200 };
  [mine, other] = await Promise.all([connect(opts), connect(opts)]);
  kv = await new Kvm(mine).create("tasks-m", { history: 1 });
  theirs = await new Kvm(other).open("tasks-m");
  await theirs.put("t1", JSON.stringify(task("t1", "there before")));
  mirror = await TaskMirror.open(mine, kv, (e) => e.json<ClusterTask>());
}, LONG);
afterAll(async () => {
  mirror?.close();
  await Promise.all([mine?.close(), other?.close()]);
  await stopAll();
}, LONG);

describe("the task mirror", () => {
  test("holds what was there when it opened, then what another node puts and deletes", async () => {
    expect(titles()).toEqual({ t1: "there before" });
    await theirs.put("t2", JSON.stringify(task("t2", "added elsewhere")));
    await theirs.put("t1", JSON.stringify(task("t1", "changed elsewhere")));
    await until("t2 and the change seen", () => titles().t2 === "added elsewhere" && titles().t1 === "changed elsewhere");
    await theirs.delete("t2");
    await until("t2 gone", () => !("t2" in titles()));
    expect(mirror.values().find((r) => r.task.id === "t1")!.revision).toBe((await kv.get("t1"))!.revision);
  }, LONG);

  test("the board's own write is in at once; an older entry arriving later does not undo it", async () => {
    const rev = await kv.put("t3", JSON.stringify(task("t3", "mine, v1")));
    const rev2 = await kv.update("t3", JSON.stringify(task("t3", "mine, v2")), rev);
    mirror.put({ task: task("t3", "mine, v2"), revision: rev2 });
    expect(titles().t3).toBe("mine, v2");
    mirror.put({ task: task("t3", "mine, v1"), revision: rev }); // as the watch delivers it, late
    expect(titles().t3).toBe("mine, v2");
    await Bun.sleep(200);
    expect(titles().t3).toBe("mine, v2");
  }, LONG);

  test("a lost compare-and-set reads its key again", async () => {
    const e = (await kv.get("t1"))!;
    await theirs.update("t1", JSON.stringify(task("t1", "won elsewhere")), e.revision);
    await mirror.refresh("t1");
    expect(titles().t1).toBe("won elsewhere");
  }, LONG);

  test("after nats-server restarts, what changed while the watch was away is seen", async () => {
    await nats.restart();
    // the other connection writes as soon as it is back, maybe before the mirror's watch is
    for (let i = 0; ; i++) {
      try {
        await theirs.put("t4", JSON.stringify(task("t4", "while away")));
        await theirs.delete("t3");
        break;
      } catch (err) {
        if (i > 50) throw err;
        await Bun.sleep(100);
      }
    }
    await until("t4 seen and t3 gone", () => titles().t4 === "while away" && !("t3" in titles()), 20_000);
  }, LONG);
});
