import { createSignal } from "solid-js";

const KEY = "ai-session.token";

/**
 * Takes the login token from the address bar (`/?token=…`, as `ai-session serve` prints it), keeps
 * it for this tab in sessionStorage and removes it from the address bar and the history entry.
 */
export function captureToken(): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    sessionStorage.setItem(KEY, fromUrl);
    url.searchParams.delete("token");
    history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  }
  return sessionStorage.getItem(KEY);
}

export const [token, setToken] = createSignal<string | null>(null);

/** Set when the server refuses the token: the app then shows only the login message. */
export const [authLost, setAuthLost] = createSignal(false);

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
  setToken(null);
}
