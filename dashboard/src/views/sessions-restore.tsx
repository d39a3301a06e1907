import { createSignal, For, Show } from "solid-js";
import { ApiError, get, post } from "../api/client.ts";
import { clock } from "../lib/format.ts";
import { polled } from "../lib/live.ts";

interface SnapshotInfo {
  id?: string | number;
  session?: string;
  name?: string;
  created_at?: string | number;
  createdAt?: string | number;
}

/** Brings a session back from its last snapshot (shown only when control is on). */
export function RestorePanel(props: { onRestored: (name: string) => void }) {
  const snaps = polled(() => get<SnapshotInfo[] | { snapshots: SnapshotInfo[] }>("/api/snapshots"), 10000, (e) => /snapshot/.test(e.type));
  const [error, setError] = createSignal<string>();
  const list = () => {
    const d = snaps.data();
    return (Array.isArray(d) ? d : (d?.snapshots ?? [])).slice(0, 50);
  };
  const nameOf = (s: SnapshotInfo) => s.session ?? s.name ?? "";

  async function restore(s: SnapshotInfo) {
    setError(undefined);
    try {
      const r = await post<{ name?: string }>("/api/snapshots/restore", { name: nameOf(s), id: s.id });
      props.onRestored(r.name ?? nameOf(s));
      void snaps.refresh();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  return (
    <section class="card" aria-labelledby="restore-title">
      <h2 id="restore-title">Restore</h2>
      <Show when={!snaps.missing()} fallback={<p class="muted">This server has no snapshot routes.</p>}>
        <Show when={list().length > 0} fallback={<p class="muted">No snapshots yet (Snapshot a session, or `ai-session snapshot NAME`).</p>}>
          <ul class="plain compact-list">
            <For each={list()}>
              {(s) => (
                <li>
                  <span class="mono">{nameOf(s)}</span> <span class="muted">{clock(s.created_at ?? s.createdAt)}</span>{" "}
                  <button type="button" onClick={() => restore(s)} aria-label={`Restore ${nameOf(s)}`}>
                    Restore
                  </button>
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
