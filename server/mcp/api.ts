import { AppError, errorFromAnswer } from "../errors.ts";
import { changesServerSettings } from "../security/server-settings.ts";

/**
 * What MCP tools talk to: the server's REST API. Over stdio this is the CLI's client (Unix socket);
 * inside the server it is `inProcessApi`, which calls the Hono app directly with the caller's own
 * credentials, so the same scopes and policies apply to both.
 */
export interface ApiClient {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/**
 * Refuses, before anything is sent, every route that changes the server itself (tokens,
 * configuration, policies, shutdown): nothing reachable over MCP may change them.
 */
export function mcpSafeApi(api: ApiClient): ApiClient {
  return {
    request<T>(method: string, path: string, body?: unknown): Promise<T> {
      if (changesServerSettings(method, path)) {
        return Promise.reject(new AppError("denied", "MCP tools cannot change the server's configuration, tokens or policies (use the ai-session CLI)"));
      }
      return api.request<T>(method, path, body);
    },
  };
}

interface Fetcher {
  fetch(req: Request, env?: unknown): Response | Promise<Response>;
}

/** Turns an `{error:{code,message}}` answer into the AppError it came from. */
export async function errorFromResponse(res: Response): Promise<AppError> {
  return errorFromAnswer(res.status, await res.json().catch(() => undefined));
}

/**
 * An ApiClient that calls the app in the same process. `headers` carry the original caller's
 * Authorization and agent, so the inner request is authorised exactly as the outer one was.
 */
export function inProcessApi(app: Fetcher, headers: Record<string, string>, env: unknown): ApiClient {
  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const init: RequestInit = { method, headers: { host: "127.0.0.1", ...headers } };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] = "application/json";
      }
      const res = await app.fetch(new Request(`http://127.0.0.1${path}`, init), env);
      if (!res.ok) throw await errorFromResponse(res);
      const text = await res.text();
      return (text ? JSON.parse(text) : null) as T;
    },
  };
}
