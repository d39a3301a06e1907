import { createSignal } from "solid-js";
import { ApiError, post } from "../api/client.ts";
import type { SessionInfo } from "../api/types.ts";

/** Creates a session (POST /api/sessions); shown only when control is on. */
export function CreateSessionForm(props: { onCreated: (name: string) => void }) {
  const [name, setName] = createSignal("");
  const [cwd, setCwd] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body: Record<string, string> = {};
      if (name().trim()) body.name = name().trim();
      if (cwd().trim()) body.cwd = cwd().trim();
      const s = await post<SessionInfo>("/api/sessions", body);
      setName("");
      props.onCreated(s.name);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card inline-form" onSubmit={submit} aria-labelledby="create-title">
      <h2 id="create-title">New session</h2>
      <label>
        Name
        <input name="name" value={name()} onInput={(e) => setName(e.currentTarget.value)} placeholder="dev" autocomplete="off" />
      </label>
      <label>
        Directory
        <input name="cwd" value={cwd()} onInput={(e) => setCwd(e.currentTarget.value)} placeholder="(server's default)" autocomplete="off" />
      </label>
      <button type="submit" disabled={busy()}>
        Create
      </button>
      {error() && (
        <p class="error" role="alert">
          {error()}
        </p>
      )}
    </form>
  );
}
