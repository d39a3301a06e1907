import { createMemo, For, Show } from "solid-js";
import type { Task } from "../api/observability.ts";
import { Empty, ErrorNote, NotAvailable } from "../components/notes.tsx";
import type { Polled } from "../lib/live.ts";

const COLUMNS: Array<{ title: string; statuses: string[] }> = [
  { title: "Queued", statuses: ["queued", "blocked", "waiting"] },
  { title: "Claimed", statuses: ["assigned", "claimed", "running"] },
  { title: "Done", statuses: ["done", "failed", "cancelled"] },
];

/** The task queue as three columns: queued, claimed, done. */
export function TaskBoard(props: { tasks: Polled<Task[]> }) {
  const columns = createMemo(() => {
    const all = props.tasks.data() ?? [];
    return COLUMNS.map((c) => ({ ...c, tasks: all.filter((t) => c.statuses.includes(t.status)) }));
  });
  return (
    <section class="card" aria-labelledby="tasks-title">
      <h2 id="tasks-title">Tasks</h2>
      <ErrorNote error={props.tasks.error()} />
      <Show when={!props.tasks.missing()} fallback={<NotAvailable what="task queue" route="/api/tasks" />}>
        <Show when={props.tasks.data()?.length} fallback={<Empty title="No tasks.">Add one with <code>ai-session task add "fix the build" --role backend</code>.</Empty>}>
          <div class="board" data-testid="task-board">
            <For each={columns()}>
              {(col) => (
                <section aria-label={`${col.title} tasks`}>
                  <h3>
                    {col.title} <span class="muted">({col.tasks.length})</span>
                  </h3>
                  <ol>
                    <For each={col.tasks}>
                      {(t) => (
                        <li>
                          <strong>{t.title}</strong>
                          <div class="muted">
                            {t.role ? `role ${t.role}` : "any role"}
                            {t.assignee ? ` · ${t.assignee}` : ""}
                            {t.priority ? ` · priority ${t.priority}` : ""}
                            {t.progress != null && t.status !== "done" ? ` · ${t.progress}%` : ""}
                            {t.status !== "done" && col.title === "Done" ? ` · ${t.status}` : ""}
                          </div>
                          <Show when={t.result}>
                            <div class="mono ellipsis" title={t.result ?? ""}>
                              {t.result}
                            </div>
                          </Show>
                        </li>
                      )}
                    </For>
                  </ol>
                </section>
              )}
            </For>
          </div>
        </Show>
      </Show>
    </section>
  );
}
