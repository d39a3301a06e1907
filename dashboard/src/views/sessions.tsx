import { createResource, createSignal, For, onCleanup, Show } from "solid-js";
import { controlling } from "../api/caller.ts";
import { del, enc, get, post } from "../api/client.ts";
import { announce } from "../api/events.ts";
import { clusterNode } from "../api/cluster.ts";
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

/** A session as the list shows it: in a cluster, with the node it runs on. */
type Row = SessionInfo & { node?: string };


/** How a row is addressed: its name here, NAME@NODE on another node (the REST routes and the stream take both). */
const addressOf = (s: Row, self: string | null) => (s.node && s.node !== self ? `${s.name}@${s.node}` : s.name);

/** Every session with its state; create, kill, snapshot and restore when control is on. In a cluster, every node's, with a node column and filter. */
export function SessionsView() {
  const [self] = createResource(clusterNode);
  const sessions = polled(
    async () => ((await clusterNode()) ? get<Row[]>("/api/cluster/sessions") : get<Row[]>("/api/sessions?detailed=1")),
    3000,
    (e) => /session|command/.test(e.type),
  );
  const [nodeFilter, setNodeFilter] = createSignal("");
  const nodes = () => [...new Set((sessions.data() ?? []).map((s) => s.node ?? ""))].filter(Boolean).sort();
  const at = (s: Row) => addressOf(s, self() ?? null);
  const { note, act } = createActions(() => sessions.refresh());
  // Tokens saved per session, as the server totals them (GET /api/metrics), when it can.
  const metrics = polled(() => get<{ tokens?: { by_session: Array<{ key: string; saved?: number; raw: number; compacted: number }> } }>("/api/metrics"), 5000, (e) => /command/.test(e.type));
  const savedBy = () => new Map((metrics.data()?.tokens?.by_session ?? []).map((r) => [r.key, r.saved ?? r.raw - r.compacted]));
  const occupants = polled(() => get<OccupantStatus[]>("/api/agent-status"), 3000, (e) => /session|command|status/.test(e.type));
  const occupantOf = (name: string) => occupants.data()?.find((o) => o.session === name && o.status !== "unknown");
  const [now, setNow] = createSignal(Date.now());
  const tick = setInterval(() => setNow(Date.now()), 5000);
  onCleanup(() => clearInterval(tick));

  const kill = (s: Row) => {
    if (!confirm(`End session ${at(s)}? Its shell and whatever runs in it stop (the history stays).`)) return;
    void act(`Ended session ${at(s)}.`, () => del(`/api/sessions/${enc(at(s))}`));
  };
  const snapshot = (s: Row) =>
    act(`Saved a snapshot of ${at(s)}.`, async () => {
      await post(`/api/sessions/${enc(at(s))}/snapshot`, {});
      announce("snapshot:taken");
    });

  const list = () => (sessions.data() ?? []).filter((s) => !nodeFilter() || s.node === nodeFilter());
  const grid = () => (self() ? "sessions-grid with-node" : "sessions-grid");
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
            live={list().filter((s) => isLive(s) && at(s) === s.name).map((s) => s.name)}
          />
        </div>
      </Show>
      <ActionNote note={note()} />
      <ErrorNote error={sessions.error()} />
      <Show when={self()}>
        <label class="node-filter">
          Node
          <select aria-label="Node" data-testid="node-filter" value={nodeFilter()} onChange={(e) => setNodeFilter(e.currentTarget.value)}>
            <option value="">all nodes</option>
            <For each={nodes()}>{(n) => <option value={n}>{n}</option>}</For>
          </select>
        </label>
      </Show>

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
            <div class={`vlist-head ${grid()}`} role="row" aria-rowindex={1}>
              <span role="columnheader">Status</span>
              <span role="columnheader">Name</span>
              <Show when={self()}>
                <span role="columnheader">Node</span>
              </Show>
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
            <div class={grid()} data-session={at(s())} data-node={s().node}>
              <span role="cell">
                <span class={`badge st-${s().status}`}>{s().status}</span>
                <Show when={s().status === "running" && s().activity === "busy" && !occupantOf(at(s()))}>
                  <span class="badge ag-working">busy</span>
                </Show>
                <Show when={occupantOf(at(s()))}>
                  {(o) => (
                    <span class={`badge ag-${o().status}`} title={[o().kind, o().message, o().source && `from ${o().source}`].filter(Boolean).join(" · ")}>
                      {o().status}
                    </span>
                  )}
                </Show>
              </span>
              <span role="cell" class="name">
                <a href={`/sessions/${enc(at(s()))}`} onClick={linkClick}>
                  {s().name}
                </a>
              </span>
              <Show when={self()}>
                <span role="cell" class="mono">
                  {s().node}
                </span>
              </Show>
              <span role="cell">
                {s().owner_agent ?? "—"}
                <Show when={s().role}> · {s().role}</Show>
              </span>
              <span role="cell" class="mono ellipsis" title={s().cwd}>
                {s().cwd}
              </span>
              <LastCommandCell name={at(s())} count={s().commands} activity={s().activity} />
              <span role="cell">{age(s().created_at, now())}</span>
              <span role="cell">
                {at(s()) === s().name && savedBy().has(s().name) ? int(savedBy().get(s().name)) : "—"}
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
