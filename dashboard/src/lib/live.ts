import { createSignal, onCleanup, type Accessor } from "solid-js";
import { ApiError } from "../api/client.ts";
import { onServerEvent, type ServerEvent } from "../api/events.ts";

export interface Polled<T> {
  data: Accessor<T | undefined>;
  error: Accessor<ApiError | undefined>;
  /** True when the server has no such route (yet): the view shows an empty state saying so. */
  missing: Accessor<boolean>;
  loading: Accessor<boolean>;
  refresh: () => Promise<void>;
}

/**
 * Data that stays fresh: fetched now, again every `everyMs` while the tab is visible, and at once
 * when a server event passes `when`. Call inside a component (it cleans up after itself).
 */
export function polled<T>(fetcher: () => Promise<T>, everyMs: number, when?: (e: ServerEvent) => boolean): Polled<T> {
  const [data, setData] = createSignal<T>();
  const [error, setError] = createSignal<ApiError>();
  const [loading, setLoading] = createSignal(true);
  let inFlight = false;
  let again = false;

  async function refresh(): Promise<void> {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      const value = await fetcher();
      setData(() => value);
      setError(undefined);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, "internal", String(e)));
    } finally {
      inFlight = false;
      setLoading(false);
      if (again) {
        again = false;
        void refresh();
      }
    }
  }

  void refresh();
  const timer = setInterval(() => document.visibilityState === "visible" && void refresh(), everyMs);
  let debounce: ReturnType<typeof setTimeout> | undefined;
  const off = when
    ? onServerEvent((e) => {
        if (!when(e)) return;
        clearTimeout(debounce);
        debounce = setTimeout(() => void refresh(), 100);
      })
    : undefined;
  onCleanup(() => {
    clearInterval(timer);
    clearTimeout(debounce);
    off?.();
  });

  return { data, error, missing: () => error()?.missingRoute ?? false, loading, refresh };
}
