import { statSync } from "node:fs";
import type { Db } from "../../db/client.ts";
import type { Session } from "../session/session.ts";
import { lastCommand } from "../session/store.ts";
import { sleep } from "../platform/index.ts";

/**
 * What a snapshot reads from a live session. Kept in one place so the rest of persistence does
 * not depend on how the session layer stores things.
 */

/** Variables that belong to one shell process or to ai-session's own integration, never restored. */
const NOT_RESTORED = new Set([
  "PWD",
  "OLDPWD",
  "SHLVL",
  "_",
  "COLUMNS",
  "LINES",
  "PROMPT_COMMAND",
  "PS0",
  "PS1",
  "BASH_ENV",
  "ENV",
  "ZDOTDIR",
  "TERM_SESSION_ID",
  "TMUX",
  "TMUX_PANE",
  "INVOCATION_ID",
  "JOURNAL_STREAM",
]);

export function restorableEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (NOT_RESTORED.has(k) || k.startsWith("AI_SESSION_") || k.startsWith("BASH_FUNC_") || k.startsWith("__ais")) continue;
    out[k] = v;
  }
  return out;
}

/** The shell's live directory (read from /proc by the session). */
export function liveCwd(session: Session): string {
  return session.cwd();
}

/**
 * The shell's exported environment as of its last prompt (later `export`s included), through the
 * session's own torn-read-safe reader (`readShellEnv`); the start environment without integration.
 */
export function liveEnv(session: Session): Record<string, string> {
  return restorableEnv(session.env());
}

/**
 * Waits (up to `waitMs`, asynchronously) until the shell's environment file is at least as new as
 * the last command. The integration writes it before announcing a command's end, so this returns
 * at once for a finished command; it only guards a shell that has not reached its prompt yet.
 */
export async function envSettled(session: Session, db: Db, waitMs = 300): Promise<void> {
  const last = lastCommand(db, session.id);
  if (!last || last.status === "running") return;
  const file = session.envFile;
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    try {
      if (statSync(file).mtimeMs >= last.startedAt) return;
    } catch {
      return; // no such file: this shell has no integration writing it
    }
    await sleep(5);
  }
}

/**
 * The newest `maxBytes` of the session's scrollback. When older bytes are left out, the cut is
 * moved to the next line start so no escape sequence or character is split.
 */
export function scrollbackOf(session: Session, maxBytes: number): { data: Uint8Array; start: number; end: number } {
  const sb = session.scrollback;
  let from = Math.max(sb.start, sb.end - maxBytes);
  const r = sb.read(from);
  let data = r.data;
  if (r.start > 0) {
    const nl = data.indexOf(0x0a);
    if (nl >= 0 && nl < data.length - 1) {
      data = data.subarray(nl + 1);
      from = r.start + nl + 1;
    }
  } else from = r.start;
  return { data, start: from, end: r.offset };
}

export type ScreenState = { text: string; cols: number; rows: number; cursor: { x: number; y: number } };

/** The visible screen, waiting at most `waitMs` for the emulator to catch up. */
export async function screenOf(session: Session, waitMs = 200): Promise<ScreenState | null> {
  const timeout = sleep(waitMs).then(() => null);
  try {
    const s = await Promise.race([session.screen.capture(), timeout]);
    return s ? { text: s.text, cols: s.cols, rows: s.rows, cursor: s.cursor } : null;
  } catch {
    return null; // the session ended meanwhile
  }
}
