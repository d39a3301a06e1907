import { For, Show } from "solid-js";
import { commandIdOf, tokensOf, type CommandRecord } from "../api/types.ts";
import { Empty } from "../components/notes.tsx";
import { change, clock, duration, int } from "../lib/format.ts";

/** The session's commands, newest first: exit code, duration, raw against compacted tokens. Click one to see it. */
export function HistoryTable(props: { commands: CommandRecord[]; selected?: string; onSelect: (id: string) => void }) {
  const rows = () => [...props.commands].reverse().slice(0, 500);
  return (
    <Show
      when={props.commands.length > 0}
      fallback={<Empty title="No commands yet.">Run one: <code>ai-session exec NAME 'make test'</code>.</Empty>}
    >
      <div class="table-scroll">
        <table class="data">
          <caption class="sr-only">Commands run in this session, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Exit</th>
              <th scope="col">Command</th>
              <th scope="col">Time</th>
              <th scope="col">Took</th>
              <th scope="col">Tokens raw → compacted</th>
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(c) => {
                const id = commandIdOf(c);
                const t = tokensOf(c);
                return (
                  <tr class={props.selected === id ? "selected" : ""} data-command-id={id}>
                    <td>
                      <span class={c.exit_code === 0 ? "exit-ok" : c.exit_code == null ? "muted" : "exit-bad"}>
                        {c.exit_code ?? c.status}
                      </span>
                    </td>
                    <td class="mono">
                      <button type="button" class="linklike" onClick={() => props.onSelect(id)} aria-pressed={props.selected === id}>
                        {c.command}
                      </button>
                    </td>
                    <td class="nowrap">{clock(c.started_at)}</td>
                    <td class="nowrap">{duration(c.duration_ms)}</td>
                    <td>
                      <Show when={t} fallback="—">
                        {(tk) => (
                          <>
                            {int(tk().raw)} → {int(tk().compacted)}{" "}
                            <span class="muted">({change(tk().raw, tk().compacted)})</span>
                          </>
                        )}
                      </Show>
                    </td>
                  </tr>
                );
              }}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}
