import { createMemo, createSignal, For, Show } from "solid-js";
import { ApiError, get, post } from "../api/client.ts";
import { bytes, clock } from "../lib/format.ts";
import { polled } from "../lib/live.ts";

/** A stored snapshot as GET /api/snapshots lists it. */
interface SnapshotSummary {
  id: number;
  name: string;
  created_at: string | number;
  reason?: string;
  bytes?: number;
  commands?: number;
}

/** Brings a session back from its latest snapshot (POST /api/restore); shown only when control is on. */
export function RestorePanel(props: { onRestored: (name: string) => void; live: string[] }) {
  const snaps = polled(() => get<SnapshotSummary[]>("/api/snapshots"), 10_000, (e) => /snapshot|session/.test(e.type));
  const [error, setError] = createSignal<string>();

  // The latest snapshot of each session name, newest first.
  const latest = createMemo(() => {
    const by = new Map<string, SnapshotSummary>();
    for (const s of snaps.data() ?? []) {
      const prev = by.get(s.name);
      if (!prev || s.id > prev.id) by.set(s.name, s);
    }
    return [...by.values()].sort((a, b) => b.id - a.id).slice(0, 30);
  });

  async function restore(s: SnapshotSummary) {
    setError(undefined);
    try {
      const r = await post<{ name: string }>("/api/restore", { name: s.name });
      props.onRestored(r.name);
      void snaps.refresh();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  return (
    <section class="card" aria-labelledby="restore-title">
      <h2 id="restore-title">Restore from a snapshot</h2>
      <Show when={!snaps.missing()} fallback={<p class="muted">This server has no snapshot routes.</p>}>
        <Show when={latest().length > 0} fallback={<p class="muted">No snapshots yet: use Snapshot on a session, or `ai-session snapshot NAME`.</p>}>
          <ul class="plain compact-list">
            <For each={latest()}>
              {(s) => (
                <li>
                  <span class="mono">{s.name}</span>{" "}
                  <span class="muted">
                    {clock(s.created_at)} · {s.reason ?? "snapshot"}
                    {s.bytes ? ` · ${bytes(s.bytes)}` : ""}
                  </span>{" "}
                  <Show when={!props.live.includes(s.name)} fallback={<span class="muted">(running)</span>}>
                    <button type="button" onClick={() => restore(s)} aria-label={`Restore ${s.name}`}>
                      Restore
                    </button>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
      {error() && (
        <p class="error" role="alert">
          {error()}
        </p>
      )}
    </section>
  );
}
