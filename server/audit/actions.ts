import { redactText } from "../security/redact.ts";

/**
 * Which HTTP requests change state, and how each is named in the audit log. Pure: the audit
 * middleware (server/routes/audit.ts) feeds it the method, path and parsed JSON body.
 */
export interface AuditedAction {
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
}

const SESSION_VERBS = new Set(["exec", "send", "resize", "wait", "snapshot", "restore", "signal", "share", "role"]);

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

export function describeApiRequest(method: string, path: string, body: Record<string, unknown> | null): AuditedAction | null {
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return null;
  const parts = path.replace(/^\/api\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const [area, name, verb] = parts;
  if (!area) return null;
  if (area === "sessions") {
    if (!name) return { action: "create", target: str(body?.name), detail: body?.cwd ? { cwd: body.cwd } : null };
    if (!verb) return method === "DELETE" ? { action: "kill", target: name, detail: null } : { action: `session.${method.toLowerCase()}`, target: name, detail: null };
    if (verb === "exec") {
      const command = str(body?.command);
      return { action: "exec", target: name, detail: command ? { command: redactText(command).text } : null };
    }
    if (verb === "send") {
      // The text itself is never recorded; for a secret not even its length.
      const text = str(body?.text);
      if (body?.secret) return { action: "send", target: name, detail: { secret: true } };
      return { action: "send", target: name, detail: { chars: text?.length ?? 0, keys: body?.keys ?? null } };
    }
    if (verb === "read" || verb === "screen" || verb === "history" || verb === "stream" || verb === "wait") return null;
    return { action: SESSION_VERBS.has(verb) ? verb : `session.${verb}`, target: name, detail: null };
  }
  // Reads and pure computations that happen to be POSTs change nothing.
  if (["audit", "status", "compact", "analyze", "whoami", "metrics"].includes(area)) return null;
  if (area === "tokens" && name === "count") return null;
  if (area === "restore") {
    const target = str(body?.new_name) ?? str(body?.name);
    return { action: "restore", target, detail: body?.all ? { all: true } : body?.file ? { file: body.file } : null };
  }
  if (area === "migrate") {
    const detail = { all: !!body?.all, sessions: body?.sessions ?? [], dry_run: !!body?.dry_run };
    return { action: "migrate", target: null, detail };
  }
  if (area === "server" && name === "shutdown") return { action: "kill-server", target: null, detail: null };
  // Everything else, named by area and what happened: token.create, token.delete, agents.heartbeat...
  const noun = area === "tokens" ? "token" : area;
  const what = verb ?? (name ? (method === "DELETE" ? "delete" : "update") : method === "POST" ? "create" : method.toLowerCase());
  const detail = area === "tokens" && !name ? { scopes: body?.scopes ?? null } : null;
  return { action: `${noun}.${what}`, target: name ?? str(body?.name) ?? str(body?.title), detail };
}
