/**
 * Tasks queued on a server running alone move into the cluster's queue when it joins a cluster:
 * once, with their fields, dependencies renamed to the new cluster ids and a held task still held
 * by its agent; another node's agent sees and claims them; a restart (also one that stopped
 * between the bucket's write and SQLite's) moves nothing twice; finished tasks and one that cannot
 * move stay in the node's own history. A real nats-server and real ai-session servers.
 */
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { afterAll, expect, test } from "bun:test";
import { connect } from "@nats-io/transport-node";
import { AgentRegistry } from "../../server/bus/agents.ts";
import { Bus } from "../../server/bus/bus.ts";
import { BusStore } from "../../server/bus/store.ts";
import { TaskQueue } from "../../server/bus/tasks.ts";
import { moveLocalTasks } from "../../server/cluster/task-join.ts";
import { KvTaskBoard } from "../../server/cluster/tasks.ts";
import { RoleBook } from "../../server/roles/roles.ts";
import { freshHome } from "../bus/fresh.ts";
import { cli, eventually, json, startNats, startNode, stopAll } from "./harness.ts";

const LONG = 120_000;
afterAll(stopAll, LONG);

type Task = {
  id: string; title: string; status: string; assignee: string | null; node?: string | null; role: string | null; capability: string | null;
  priority: number; depends_on: string[]; progress: number | null; progress_note: string | null; result: string | null;
};

test("a node's own queue moves into the cluster's once when it joins; another node's agent claims the tasks; a restart duplicates none", async () => {
  const nats = await startNats();
  // alone: agent w1, a finished task, a failed one, then build (held by w1, 40 %), deploy (after build) and a gpu task
  let alpha = await startNode("alpha", null);
  const home = alpha.home;
  expect((await cli(alpha, "agent", "register", "w1", "--role", "backend")).code).toBe(0);
  const local = (title: string, ...args: string[]) => json<Task>(alpha, "task", "add", title, ...args);
  const claim = () => json<Task>(alpha, "task", "claim", "--agent", "w1");
  const old = await local("old");
  expect((await claim()).id).toBe(old.id);
  expect((await cli(alpha, "task", "done", old.id, "--agent", "w1")).code).toBe(0);
  const flaky = await local("flaky");
  expect((await claim()).id).toBe(flaky.id);
  expect((await cli(alpha, "task", "done", flaky.id, "--failed", "--agent", "w1")).code).toBe(0);
  const build = await local("build", "--role", "backend", "--priority", "2");
  const deploy = await local("deploy", "--depends", build.id, "--capability", "gpu", "--priority", "5");
  const render = await local("render", "--capability", "gpu", "--priority", "3");
  const retry = await local("retry flaky", "--depends", flaky.id);
  expect((await claim()).id).toBe(build.id);
  expect((await cli(alpha, "task", "progress", build.id, "--percent", "40", "--note", "half", "--agent", "w1")).code).toBe(0);
  await alpha.stop();

  const beta = await startNode("beta", nats.url);
  expect((await cli(beta, "agent", "register", "gpu1", "--role", "backend", "--capabilities", "gpu")).code).toBe(0);
  alpha = await startNode("alpha", nats.url, { home });
  const cluster = async () => (await json<Task[]>(beta, "task", "list")).sort((a, b) => a.title.localeCompare(b.title));
  const moved = await cluster();
  expect(moved.map((t) => t.title)).toEqual(["build", "deploy", "render"]);
  const [cBuild, cDeploy, cRender] = moved as [Task, Task, Task];
  for (const t of moved) expect(t.id).toMatch(/^ct-/);
  expect(cBuild).toMatchObject({ status: "running", assignee: "w1", node: "alpha", role: "backend", priority: 2, progress: 40, progress_note: "half" });
  expect(cDeploy).toMatchObject({ status: "queued", capability: "gpu", priority: 5, depends_on: [cBuild.id] });
  expect(cRender).toMatchObject({ capability: "gpu", priority: 3, depends_on: [] });
  const line = alpha.log().split("\n").find((l) => l.startsWith("moved 3 task(s) queued on node alpha before it joined into the cluster's queue: "));
  for (const [from, to] of [[build, cBuild], [deploy, cDeploy], [render, cRender]] as const) expect(line).toContain(`${from.id} -> ${to.id}`);
  expect(alpha.log()).toContain(`task ${retry.id} stays in node alpha's own queue and is not shown in the cluster's: it depends on ${flaky.id}, which failed`);
  const status = await json<{ cluster: { tasks_not_moved: string[] } }>(alpha, "status");
  expect(status.cluster.tasks_not_moved).toEqual([`task ${retry.id} stays in node alpha's own queue and is not shown in the cluster's: it depends on ${flaky.id}, which failed`]);
  expect((await cli(alpha, "status")).stdout).toContain(`task ${retry.id} stays in node alpha's own queue`);
  const messages = await json<Array<{ payload: { task?: string; event?: string; from?: string } }>>(alpha, "bus", "history", "--topic", "tasks", "--type", "status_update");
  expect(messages.filter((m) => m.payload.event === "moved_into_cluster").map((m) => m.payload.from).sort()).toEqual([build.id, deploy.id, render.id].sort());

  // beta's gpu agent takes render; deploy waits for build, which w1 (alpha) still holds and finishes
  expect(await json<Task>(beta, "task", "claim", "--agent", "gpu1")).toMatchObject({ id: cRender.id, status: "running" });
  expect(await json(beta, "task", "claim", "--agent", "gpu1")).toBeNull();
  expect(await json<Task>(alpha, "task", "done", cBuild.id, "--agent", "w1")).toMatchObject({ status: "done" });
  expect((await cli(beta, "task", "done", cRender.id, "--agent", "gpu1")).code).toBe(0);
  expect(await json<Task>(beta, "task", "claim", "--agent", "gpu1")).toMatchObject({ id: cDeploy.id, status: "running" });

  // a stop between the bucket's write and SQLite's: render's row as if never marked moved
  await alpha.stop();
  const db = new Database(join(home, "state.db"));
  db.run("update tasks set status = 'queued', moved_to = null, result = null where id = ?", [render.id]);
  db.close();
  alpha = await startNode("alpha", nats.url, { home });
  await eventually("alpha's queue read", async () => (await cli(alpha, "task", "list")).code === 0);
  expect((await cluster()).map((t) => [t.id, t.status])).toEqual([[cBuild.id, "done"], [cDeploy.id, "running"], [cRender.id, "done"]]);
  expect(alpha.log()).toContain(`moved 1 task(s) queued on node alpha before it joined into the cluster's queue: ${render.id} -> ${cRender.id}\n`);
  await alpha.stop();

  // alone again: the node's own history keeps what was finished, what stayed, and where the rest went
  alpha = await startNode("alpha", null, { home });
  const history = new Map((await json<Task[]>(alpha, "task", "list")).map((t) => [t.id, t]));
  expect([old, flaky, retry].map((t) => history.get(t.id)?.status)).toEqual(["done", "failed", "queued"]);
  expect(history.get(deploy.id)).toMatchObject({ status: "cancelled", result: `moved into the cluster's queue as ${cDeploy.id} when node alpha joined` });
  expect(history.get(render.id)?.result).toBe(`moved into the cluster's queue as ${cRender.id} when node alpha joined`);
  await Promise.all([alpha.stop(), beta.stop()]);
}, LONG);

/** A node's own queue in its SQLite and its board on the cluster's bucket, in this process. */
async function nodeParts(name: string, natsUrl: string, bucket: string) {
  const f = freshHome();
  const agents = new AgentRegistry(f.db, new RoleBook(f.home));
  const bus = new Bus(agents, new BusStore(f.db.$client));
  const queue = new TaskQueue(f.db, agents, bus, { defaultLeaseMs: 60_000, aliveMs: 60_000, sweepMs: 0 });
  const nc = await connect({ servers: natsUrl.replace("nats://", "") });
  const board = await KvTaskBoard.open(nc, bucket, 1, {
    name, agents, alive: () => [], publish: (m) => bus.publish(m), knows: () => false, defaultLeaseMs: 60_000, sweepMs: 0, keepFinishedMs: 3_600_000,
  });
  const lines: string[] = [];
  const move = () => moveLocalTasks(queue, board, { name, agents, publish: (m) => bus.publish(m), log: (l) => lines.push(l) });
  return { f, queue, board, move, lines, close: async () => { board.stop(); await nc.close(); } };
}

test("two nodes joining at once, one of them moving twice at once: each open task once in the bucket; bad rows stay, each told in one sentence", async () => {
  const nats = await startNats();
  const [a, b] = await Promise.all([nodeParts("n1", nats.url, "ais-join-tasks"), nodeParts("n2", nats.url, "ais-join-tasks")]);
  for (const n of [a!, b!]) {
    const base = n.queue.add({ title: "base" });
    n.queue.add({ title: "next", depends_on: [base.id], priority: 4 });
  }
  // bad data a newer or broken version could leave: a role this node does not know, two tasks that depend on each other
  const ghost = a!.queue.add({ title: "ghost role" });
  const [c1, c2] = [a!.queue.add({ title: "loop 1" }), a!.queue.add({ title: "loop 2" })];
  const sql = a!.f.db.$client;
  sql.prepare<unknown, [string, string]>("update tasks set role = ? where id = ?").run("ghost", ghost.id);
  const depends = sql.prepare<unknown, [string, string]>("update tasks set depends_on = ? where id = ?");
  depends.run(JSON.stringify([c2.id]), c1.id);
  depends.run(JSON.stringify([c1.id]), c2.id);

  const [r1, r2, r3] = await Promise.all([a!.move(), a!.move(), b!.move()]);
  expect(r1!.moved.size + r2!.moved.size).toBe(2); // one of the two tries marked each task
  expect(r3!.moved.size).toBe(2);
  const all = await a!.board.list();
  expect(all).toHaveLength(4);
  expect(new Set(all.map((t) => t.id)).size).toBe(4);
  for (const n of [a!, b!]) {
    const mapping = n.queue.movedTo();
    const [base, next] = [n.queue.list().find((t) => t.title === "base")!, n.queue.list().find((t) => t.title === "next")!];
    expect(all.find((t) => t.id === mapping.get(next.id))).toMatchObject({ title: "next", priority: 4, depends_on: [mapping.get(base.id)], status: "queued" });
  }
  expect(a!.lines.filter((l) => l.startsWith("task "))).toEqual(expect.arrayContaining([
    `task ${ghost.id} stays in node n1's own queue and is not shown in the cluster's: its role "ghost" is not a role this node knows`,
    `task ${c1.id} stays in node n1's own queue and is not shown in the cluster's: its dependencies form a cycle`,
    `task ${c2.id} stays in node n1's own queue and is not shown in the cluster's: its dependencies form a cycle`,
  ]));
  expect([ghost, c1, c2].map((t) => a!.queue.get(t.id).status)).toEqual(["queued", "queued", "queued"]);
  expect((await a!.move()).moved.size).toBe(0); // nothing moves twice
  expect(await a!.board.list()).toHaveLength(4);
  await Promise.all([a!.close(), b!.close()]);
}, LONG);
