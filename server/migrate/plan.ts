import { existsSync } from "node:fs";
import { AppError } from "../errors.ts";
import { listPanes, type TmuxPane, type TmuxServer } from "./tmux.ts";

/** What `migrate` will do with each pane: its new session name, or why it is skipped. */
export interface PlannedPane {
  tmux: string;
  name: string;
  cwd: string;
  command: string;
  cols: number;
  rows: number;
  paneId: string;
  action: "create" | "skip";
  note?: string;
}

const SHELLS = new Set(["bash", "zsh", "sh", "fish", "dash", "ksh", "tcsh", "csh", "nu", "pwsh", "-bash", "-zsh"]);

/**
 * `tmuxsession.window.pane`, with anything outside [A-Za-z0-9_.-] replaced by "-", starting with a
 * letter or digit and at most 64 characters (the session name rule).
 */
export function sessionNameFor(p: Pick<TmuxPane, "session" | "window" | "pane">): string {
  const suffix = `.${p.window}.${p.pane}`;
  let head = p.session.replace(/[^A-Za-z0-9_.-]/g, "-");
  if (!/^[A-Za-z0-9]/.test(head)) head = `tmux${head}`;
  return head.slice(0, 64 - suffix.length) + suffix;
}

/**
 * Chooses the panes to import: all sessions, or the named ones (an unknown name is an error that
 * lists what exists). `taken` are names already used by live ai-session sessions.
 */
export async function planMigration(
  server: TmuxServer,
  select: { all?: boolean; sessions?: string[] },
  taken: (name: string) => boolean,
): Promise<PlannedPane[]> {
  const wanted = select.sessions ?? [];
  if (!select.all && wanted.length === 0) {
    throw new AppError("invalid", "name the tmux sessions to import, or pass --all (tmux ls shows them)");
  }
  const panes = await listPanes(server);
  const known = [...new Set(panes.map((p) => p.session))];
  for (const s of wanted) {
    if (!known.includes(s)) {
      throw new AppError("not_found", `no tmux session named "${s}" (tmux has: ${known.join(", ") || "none"})`);
    }
  }
  const chosen = select.all ? panes : panes.filter((p) => wanted.includes(p.session));
  return chosen.map((p) => {
    const name = sessionNameFor(p);
    const planned: PlannedPane = {
      tmux: `${p.session}:${p.window}.${p.pane}`,
      name,
      cwd: p.cwd,
      command: p.command,
      cols: p.cols,
      rows: p.rows,
      paneId: p.paneId,
      action: "create",
    };
    if (taken(name)) return { ...planned, action: "skip", note: `a session named "${name}" already exists` };
    if (!p.cwd || !existsSync(p.cwd)) return { ...planned, action: "skip", note: `its directory ${p.cwd || "(unknown)"} no longer exists` };
    if (p.command && !SHELLS.has(p.command)) {
      planned.note = `${p.command} is not moved; a new shell starts in the same directory`;
    }
    return planned;
  });
}
