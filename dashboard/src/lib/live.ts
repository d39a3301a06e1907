import { createSignal, onCleanup, type Accessor } from "solid-js";
import { ApiError } from "../api/client.ts";
import { eventMode, onServerEvent, type ServerEvent } from "../api/events.ts";

/** While live events flow, a view that listens to them only polls now and then, as a safety net. */
const CALM_MS = 15_000;

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
  let lastText = "";
  let again = false;

  async function refresh(): Promise<void> {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      const value = await fetcher();
      // Unchanged data keeps its objects, so rows are not rebuilt (and keep keyboard focus).
      const text = JSON.stringify(value);
      if (text !== lastText) {
        lastText = text;
        setData(() => value);
      }
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
  let last = Date.now();
  const timer = setInterval(() => {
    const due = when && eventMode() !== "poll" ? Math.max(everyMs, CALM_MS) : everyMs;
    if (document.visibilityState !== "visible" || Date.now() - last < due - 50) return;
    last = Date.now();
    void refresh();
  }, Math.min(everyMs, 1000));
  let debounce: ReturnType<typeof setTimeout> | undefined;
  const off = when
    ? onServerEvent((e) => {
        if (!when(e)) return;
        clearTimeout(debounce);
        debounce = setTimeout(() => {
          last = Date.now();
          void refresh();
        }, 100);
      })
    : undefined;
  onCleanup(() => {
    clearInterval(timer);
    clearTimeout(debounce);
    off?.();
  });

  return { data, error, missing: () => error()?.missingRoute ?? false, loading, refresh };
}
