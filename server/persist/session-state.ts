import type { Session } from "../session/session.ts";

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

/** The shell's exported environment as of its last prompt (later `export`s included). */
export function liveEnv(session: Session): Record<string, string> {
  return restorableEnv(session.env());
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
  const timeout = Bun.sleep(waitMs).then(() => null);
  try {
    const s = await Promise.race([session.screen.capture(), timeout]);
    return s ? { text: s.text, cols: s.cols, rows: s.rows, cursor: s.cursor } : null;
  } catch {
    return null; // the session ended meanwhile
  }
}
