import { Show, type JSX } from "solid-js";
import type { ApiError } from "../api/client.ts";

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
