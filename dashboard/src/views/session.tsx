import { createSignal, Show } from "solid-js";
import { controlling } from "../api/caller.ts";
import { del, enc, get, post } from "../api/client.ts";
import { announce } from "../api/events.ts";
import { isLive } from "../api/types.ts";
import type { CommandRecord, SessionInfo } from "../api/types.ts";
import { ActionNote, createActions, ErrorNote } from "../components/notes.tsx";
import { LiveTerminal } from "../components/terminal.tsx";
import { age } from "../lib/format.ts";
import { polled } from "../lib/live.ts";
import { linkClick } from "../lib/router.ts";
import { CommandDetailPanel } from "./session-command.tsx";
import { HistoryTable } from "./session-history.tsx";

/** One session: its live terminal, its command history, and the selected command's analysis and output. */
export default function SessionView(props: { name: string }) {
  const path = () => `/api/sessions/${enc(props.name)}`;
  // a session of another node (NAME@NODE) sends no events here: it is polled at the plain interval
  const here = !props.name.includes("@");
  const info = polled(() => get<SessionInfo>(path()), 5000, here ? (e) => /session/.test(e.type) : undefined);
  const history = polled(
    async () => {
      const h = await get<CommandRecord[] | { commands: CommandRecord[] }>(`${path()}/history`);
      return Array.isArray(h) ? h : h.commands;
    },
    2000,
    here ? (e) => /command/.test(e.type) : undefined,
  );
  const [selected, setSelected] = createSignal<string>();
  const { note, act } = createActions(() => void info.refresh());
  const snapshot = () =>
    act("Snapshot saved.", async () => {
      await post(`${path()}/snapshot`, {});
      announce("snapshot:taken");
    });
  const end = () => {
    if (confirm(`End session ${props.name}? Its shell and whatever runs in it stop (the history stays).`)) void act("Session ended.", () => del(path()));
  };

  return (
    <section aria-labelledby="session-title" class="session-view">
      <div class="view-head">
        <p class="crumbs">
          <a href="/" onClick={linkClick}>
            Sessions
          </a>{" "}
          /
        </p>
        <h1 id="session-title">{props.name}</h1>
        <Show when={info.data()}>
          {(s) => (
            <p class="muted">
              <span class={`badge st-${s().status}`}>{s().status}</span> <span class="mono">{s().cwd}</span> · {s().shell ?? ""}{" "}
              · pid {s().pid ?? "—"} · {s().cols}×{s().rows} · up {age(s().created_at)}
              <Show when={s().owner_agent}> · agent {s().owner_agent}</Show>
              <Show when={s().role}> ({s().role})</Show>
            </p>
          )}
        </Show>
      </div>
      <Show when={controlling() && info.data() && isLive(info.data()!)}>
        <div class="actions" role="group" aria-label="Session actions">
          <button type="button" onClick={snapshot}>
            Snapshot
          </button>
          <button type="button" class="danger" onClick={end}>
            End session
          </button>
        </div>
      </Show>
      <ActionNote note={note()} />
      <ErrorNote error={info.error()} />

      <div class="session-grid">
        {/* Not keyed: the terminal lives as long as the page, while the polled info refreshes around it. */}
        <Show when={!!info.data()}>
          <LiveTerminal session={props.name} writable={controlling} cols={info.data()?.cols} rows={info.data()?.rows} />
        </Show>
        <section aria-labelledby="history-title" class="card history">
          <h2 id="history-title">History</h2>
          <ErrorNote error={history.error()} />
          <HistoryTable commands={history.data() ?? []} selected={selected()} onSelect={setSelected} />
        </section>
      </div>

      <Show when={selected()} keyed>
        {(id) => <CommandDetailPanel session={props.name} commandId={id} />}
      </Show>
    </section>
  );
}
