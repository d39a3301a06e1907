import { setAuthLost, token } from "./auth.ts";

/** An error the server answered with (`{error:{code,message}}`), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
  /** True when the route is not on this server (yet): views show an empty state, not an error. */
  get missingRoute(): boolean {
    return this.status === 404 && /^no route for /.test(this.message);
  }
}

function headers(extra?: Record<string, string>): Record<string, string> {
  const t = token();
  return { accept: "application/json", ...(t ? { authorization: `Bearer ${t}` } : {}), ...extra };
}

/** Calls the server's JSON API with the tab's token. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: headers(body === undefined ? undefined : { "content-type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "unavailable", "the ai-session server does not answer (is `ai-session serve` still running?)");
  }
  const text = await res.text();
  let json: unknown ;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: reported below */
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (res.status === 401) setAuthLost(true);
    throw new ApiError(res.status, err?.code ?? "internal", err?.message ?? `${method} ${path} answered ${res.status}`);
  }
  return json as T;
}

export const get = <T>(path: string) => api<T>("GET", path);
export const post = <T>(path: string, body: unknown = {}) => api<T>("POST", path, body);
export const del = <T>(path: string) => api<T>("DELETE", path);

/** A ws:// URL for a server path; browsers cannot set headers on WebSockets, so the token rides in the query. */
export function wsUrl(path: string): string {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const t = token();
  if (t) url.searchParams.set("token", t);
  return url.toString();
}

/** Same, for EventSource (SSE) URLs. */
export function sseUrl(path: string): string {
  const url = new URL(path, location.href);
  const t = token();
  if (t) url.searchParams.set("token", t);
  return url.toString();
}

export const enc = encodeURIComponent;
