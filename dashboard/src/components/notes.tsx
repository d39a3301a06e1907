import { createSignal, Show, type JSX } from "solid-js";
import { ApiError } from "../api/client.ts";

/** An honest empty state: says what would be here and how it gets here. */
export function Empty(props: { title: string; children?: JSX.Element }) {
  return (
    <div class="empty" role="status">
      <p class="empty-title">{props.title}</p>
      <Show when={props.children}>
        <p>{props.children}</p>
      </Show>
    </div>
  );
}

/** What went wrong when the server answered with an error (not a missing route). */
export function ErrorNote(props: { error: ApiError | undefined }) {
  return (
    <Show when={props.error && !props.error.missingRoute ? props.error : undefined}>
      {(e) => (
        <p class="error" role="alert">
          {e().message}
        </p>
      )}
    </Show>
  );
}

/** The route is not on this server: the feature is not built into it (yet). */
export function NotAvailable(props: { what: string; route: string }) {
  return (
    <Empty title={`No ${props.what} on this server.`}>
      This ai-session server has no <code>{props.route}</code> route, so there is nothing to show. Nothing here is
      made up: the view fills in when the server provides it.
    </Empty>
  );
}

/** What the last action on a view said: done, or the server's reason it was not. */
export interface ActionOutcome {
  text: string;
  error?: boolean;
}

/**
 * A view's actions (kill, snapshot, restore): `act(done, fn)` runs fn, notes `done` or the error,
 * then calls `after` (a refresh) once it worked.
 */
export function createActions(after: () => unknown) {
  const [note, setNote] = createSignal<ActionOutcome>();
  async function act(done: string, fn: () => Promise<unknown>) {
    try {
      await fn();
      setNote({ text: done });
      await after();
    } catch (e) {
      setNote({ text: e instanceof ApiError ? e.message : String(e), error: true });
    }
  }
  return { note, act };
}

/** The line that shows an action's outcome. */
export function ActionNote(props: { note: ActionOutcome | undefined }) {
  return (
    <Show when={props.note}>
      {(n) => (
        <p class={n().error ? "error" : "ok"} role={n().error ? "alert" : "status"}>
          {n().text}
        </p>
      )}
    </Show>
  );
}
