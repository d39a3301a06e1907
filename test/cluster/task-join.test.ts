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
