import { createSignal, onCleanup, Show } from "solid-js";
import { controlling } from "../api/caller.ts";
import { del, enc, get, post } from "../api/client.ts";
import { announce } from "../api/events.ts";
import { isLive, type SessionInfo } from "../api/types.ts";
import { ActionNote, createActions, Empty, ErrorNote } from "../components/notes.tsx";
import { VirtualList } from "../components/virtual-list.tsx";
import { age, int } from "../lib/format.ts";
import { lastCommand } from "../lib/last-command.ts";
import { polled } from "../lib/live.ts";
import { linkClick } from "../lib/router.ts";
import { CreateSessionForm } from "./sessions-create.tsx";
import { RestorePanel } from "./sessions-restore.tsx";

const ROW = 44;
/** Height of the sticky header row (styles.css .vlist-head). */
const HEAD = 36;

/** What a session's occupant is doing (GET /api/agent-status), as the server detected it. */
interface OccupantStatus {
  session: string;
  status: string;
  source?: string;
  kind?: string;
  message?: string;
}

/** Every session with its state; create, kill, snapshot and restore when control is on. */
export function SessionsView() {
  const sessions = polled(() => get<SessionInfo[]>("/api/sessions?detailed=1"), 3000, (e) => /session|command/.test(e.type));
  const { note, act } = createActions(() => sessions.refresh());
  // Tokens saved per session, as the server totals them (GET /api/metrics), when it can.
  const metrics = polled(() => get<{ tokens?: { by_session: Array<{ key: string; saved?: number; raw: number; compacted: number }> } }>("/api/metrics"), 5000, (e) => /command/.test(e.type));
  const savedBy = () => new Map((metrics.data()?.tokens?.by_session ?? []).map((r) => [r.key, r.saved ?? r.raw - r.compacted]));
  const occupants = polled(() => get<OccupantStatus[]>("/api/agent-status"), 3000, (e) => /session|command|status/.test(e.type));
  const occupantOf = (name: string) => occupants.data()?.find((o) => o.session === name && o.status !== "unknown");
  const [now, setNow] = createSignal(Date.now());
  const tick = setInterval(() => setNow(Date.now()), 5000);
  onCleanup(() => clearInterval(tick));


  const kill = (s: SessionInfo) => {
    if (!confirm(`End session ${s.name}? Its shell and whatever runs in it stop (the history stays).`)) return;
    void act(`Ended session ${s.name}.`, () => del(`/api/sessions/${enc(s.name)}`));
  };
  const snapshot = (s: SessionInfo) =>
    act(`Saved a snapshot of ${s.name}.`, async () => {
      await post(`/api/sessions/${enc(s.name)}/snapshot`, {});
      announce("snapshot:taken");
    });

  const list = () => sessions.data() ?? [];
  const live = () => list().filter(isLive).length;

  return (
    <section aria-labelledby="sessions-title">
      <div class="view-head">
        <h1 id="sessions-title">Sessions</h1>
        <p class="muted">
          {list().length} sessions, {live()} running
        </p>
      </div>

      <Show when={controlling()} fallback={<p class="muted">Turn on control (top right) to create, snapshot, restore or end sessions.</p>}>
        <div class="row-wrap">
          <CreateSessionForm onCreated={(name) => act(`Created session ${name}.`, async () => {})} />
          <RestorePanel
            onRestored={(name) => act(`Restored session ${name}.`, async () => {})}
            live={list().filter(isLive).map((s) => s.name)}
          />
        </div>
      </Show>
      <ActionNote note={note()} />
      <ErrorNote error={sessions.error()} />

      <Show
        when={list().length > 0}
        fallback={
          <Show when={!sessions.loading()}>
            <Empty title="No sessions yet.">
              Create one with <code>ai-session create --name dev</code>, or with the form above when control is on.
            </Empty>
          </Show>
        }
      >
        <VirtualList
          items={list()}
          rowHeight={ROW}
          height={`min(70vh, ${list().length * ROW + HEAD + 2}px)`}
          label="Sessions"
          role="table"
          header={
            <div class="vlist-head sessions-grid" role="row" aria-rowindex={1}>
              <span role="columnheader">Status</span>
              <span role="columnheader">Name</span>
              <span role="columnheader">Agent · role</span>
              <span role="columnheader">Directory</span>
              <span role="columnheader">Last command</span>
              <span role="columnheader">Age</span>
              <span role="columnheader">Tokens saved</span>
              <span role="columnheader">
                <span class="sr-only">Actions</span>
              </span>
            </div>
          }
        >
          {(s) => (
            <div class="sessions-grid" data-session={s().name}>
              <span role="cell">
                <span class={`badge st-${s().status}`}>{s().status}</span>
                <Show when={s().status === "running" && s().activity === "busy" && !occupantOf(s().name)}>
                  <span class="badge ag-working">busy</span>
                </Show>
                <Show when={occupantOf(s().name)}>
                  {(o) => (
                    <span class={`badge ag-${o().status}`} title={[o().kind, o().message, o().source && `from ${o().source}`].filter(Boolean).join(" · ")}>
                      {o().status}
                    </span>
                  )}
                </Show>
              </span>
              <span role="cell" class="name">
                <a href={`/sessions/${enc(s().name)}`} onClick={linkClick}>
                  {s().name}
                </a>
              </span>
              <span role="cell">
                {s().owner_agent ?? "—"}
                <Show when={s().role}> · {s().role}</Show>
              </span>
              <span role="cell" class="mono ellipsis" title={s().cwd}>
                {s().cwd}
              </span>
              <LastCommandCell name={s().name} count={s().commands} activity={s().activity} />
              <span role="cell">{age(s().created_at, now())}</span>
              <span role="cell">
                {savedBy().has(s().name) ? int(savedBy().get(s().name)) : "—"}
              </span>
              <span role="cell" class="actions">
                <Show when={controlling() && isLive(s())}>
                  <button type="button" onClick={() => snapshot(s())} aria-label={`Snapshot ${s().name}`}>
                    Snapshot
                  </button>
                  <button type="button" class="danger" onClick={() => kill(s())} aria-label={`End ${s().name}`}>
                    End
                  </button>
                </Show>
              </span>
            </div>
          )}
        </VirtualList>
      </Show>
    </section>
  );
}

function LastCommandCell(props: { name: string; count?: number; activity?: string }) {
  const last = lastCommand(
    () => props.name,
    () => (props.count ? `${props.count}:${props.activity ?? ""}` : undefined),
  );
  return (
    <span role="cell" class="mono ellipsis" title={last()?.command ?? ""}>
      <Show when={last()} fallback={<span class="muted">{props.count ? `${props.count} commands` : "none yet"}</span>}>
        {(c) => (
          <>
            <span class={c().exit_code === 0 ? "exit-ok" : c().exit_code == null ? "muted" : "exit-bad"}>[{c().exit_code ?? c().status}]</span> {c().command}
          </>
        )}
      </Show>
    </span>
  );
}
