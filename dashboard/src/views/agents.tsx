import { createMemo, createResource, For, Show } from "solid-js";
import { get } from "../api/client.ts";
import { clusterNode } from "../api/cluster.ts";
import { agentStatusText, listOf, type Agent, type Task } from "../api/observability.ts";
import { Empty, ErrorNote, NotAvailable } from "../components/notes.tsx";
import { age } from "../lib/format.ts";
import { polled } from "../lib/live.ts";
import { TaskBoard } from "./agents-tasks.tsx";
import { Traffic } from "./agents-traffic.tsx";

const BUSY = new Set(["assigned", "claimed", "running"]);

/** Registered agents with role and load, the task board, and the bus traffic. */
export default function AgentsView() {
  const [self] = createResource(clusterNode);
  // in a cluster: every node's agents, each with its node
  const agents = polled(async () => ((await clusterNode()) ? get<Agent[]>("/api/cluster/agents") : listOf<Agent>(await get("/api/agents"), "agents")), 3000, (e) => /agent/.test(e.type));
  const tasks = polled(async () => listOf<Task>(await get("/api/tasks"), "tasks"), 3000, (e) => /task/.test(e.type));

  // Load: the tasks each agent holds now (from the task board), unless the server reports it.
  const load = createMemo(() => {
    const m = new Map<string, number>();
    for (const t of tasks.data() ?? []) if (t.assignee && BUSY.has(t.status)) m.set(t.assignee, (m.get(t.assignee) ?? 0) + 1);
    return m;
  });

  const held = (a: Agent) => a.tasks ?? a.load ?? load().get(a.name) ?? 0;

  return (
    <section aria-labelledby="agents-title">
      <div class="view-head">
        <h1 id="agents-title">Agents</h1>
      </div>
      <div class="two-col">
        <section class="card" aria-labelledby="agent-list-title">
          <h2 id="agent-list-title">Registered agents</h2>
          <ErrorNote error={agents.error()} />
          <Show when={!agents.missing()} fallback={<NotAvailable what="agent registry" route="/api/agents" />}>
            <Show
              when={agents.data()?.length}
              fallback={
                <Empty title="No agents registered.">
                  An agent joins with <code>ai-session agent register NAME --role qa</code>.
                </Empty>
              }
            >
              <table class="data" data-testid="agents">
                <thead>
                  <tr>
                    <th scope="col">Agent</th>
                    <th scope="col">Role</th>
                    <Show when={self()}>
                      <th scope="col">Node</th>
                    </Show>
                    <th scope="col">Load</th>
                    <th scope="col">Status</th>
                    <th scope="col">Session</th>
                    <th scope="col">Seen</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={agents.data()}>
                    {(a) => (
                      <tr>
                        <th scope="row">{a.name}</th>
                        <td>{a.role}</td>
                        <Show when={self()}>
                          <td data-testid="agent-node">{a.node}</td>
                        </Show>
                        <td>
                          {held(a)} task{held(a) === 1 ? "" : "s"}
                          <Show when={a.inbox}>
                            <span class="muted"> · {a.inbox} waiting</span>
                          </Show>
                        </td>
                        <td>
                          <Show when={agentStatusText(a)} fallback="—">
                            {(st) => (
                              <span class={`badge ag-${st().status}`} title={st().title}>
                                {st().status}
                              </span>
                            )}
                          </Show>
                        </td>
                        <td class="mono">{a.session ?? "—"}</td>
                        <td>{a.last_seen_at ? `${age(a.last_seen_at)} ago` : "—"}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
          </Show>
        </section>
        <TaskBoard tasks={tasks} />
      </div>
      <Traffic />
    </section>
  );
}
