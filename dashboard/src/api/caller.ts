import { createSignal } from "solid-js";
import { ApiError, get } from "./client.ts";

export interface CallerInfo {
  name: string;
  scopes: string[];
  /** How the page learned the scopes: from the server, or assumed (no whoami route yet). */
  source: "server" | "assumed";
}

const [caller, setCaller] = createSignal<CallerInfo | null>(null);
export { caller };

/** The control switch: off by default, so the page is read-only until the person turns it on. */
export const [controlOn, setControlOn] = createSignal(false);

export const canExec = () => {
  const s = caller()?.scopes ?? [];
  return s.includes("exec") || s.includes("admin");
};

/** Typing, creating and killing are allowed only with the exec scope AND the switch on. */
export const controlling = () => canExec() && controlOn();

type Whoami = { name?: string; scopes?: string[]; caller?: { name?: string; scopes?: string[] } };

/**
 * Asks the server who this token is. Without a whoami route, a token the server accepts can only be
 * the owner token (scoped tokens come with the whoami route), so the page assumes the owner's scopes;
 * the server still checks every request.
 */
export async function loadCaller(): Promise<CallerInfo> {
  let info: CallerInfo;
  try {
    const w = await get<Whoami>("/api/whoami");
    const c = w.caller ?? w;
    info = { name: c.name ?? "token", scopes: c.scopes ?? [], source: "server" };
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    const status = await get<Whoami>("/api/status");
    const c = status.caller;
    info = c?.scopes
      ? { name: c.name ?? "token", scopes: c.scopes, source: "server" }
      : { name: "owner", scopes: ["read", "exec", "admin"], source: "assumed" };
  }
  setCaller(info);
  return info;
}
