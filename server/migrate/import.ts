import type { SessionManager } from "../session/manager.ts";
import { planMigration, type PlannedPane } from "./plan.ts";
import { captureScrollback, type TmuxServer } from "./tmux.ts";

export interface MigratedPane extends Omit<PlannedPane, "paneId"> {
  /** "planned" on a dry run; "created", "skipped" or "failed" otherwise */
  status: "planned" | "created" | "skipped" | "failed";
  scrollback_bytes?: number;
}

export interface MigrationReport {
  dry_run: boolean;
  panes: MigratedPane[];
}

function liveNames(sessions: SessionManager): Set<string> {
  return new Set(sessions.list().map((s) => s.name));
}

/**
 * Imports tmux panes as ai-session sessions: one per pane, named `tmuxsession.window.pane`, in the
 * pane's cwd and size, with the pane's scrollback shown first. A pane that cannot be imported is
 * reported and the others still are.
 */
export async function migrateTmux(
  sessions: SessionManager,
  server: TmuxServer,
  select: { all?: boolean; sessions?: string[] },
  opts: { dryRun?: boolean; agent?: string } = {},
): Promise<MigrationReport> {
  const taken = liveNames(sessions);
  const plan = planMigration(server, select, (n) => taken.has(n));
  const panes: MigratedPane[] = [];
  for (const { paneId, ...p } of plan) {
    if (opts.dryRun) {
      panes.push({ ...p, status: p.action === "skip" ? "skipped" : "planned" });
      continue;
    }
    if (p.action === "skip") {
      panes.push({ ...p, status: "skipped" });
      continue;
    }
    try {
      const scrollback = captureScrollback(server, paneId);
      // The capture carries colours (-e): end them so the new shell's prompt starts plain.
      const seed = new TextEncoder().encode(`${scrollback}\x1b[0m`);
      await sessions.create({ name: p.name, cwd: p.cwd, cols: p.cols, rows: p.rows, seed, agent: opts.agent });
      panes.push({ ...p, status: "created", scrollback_bytes: seed.length });
    } catch (err) {
      panes.push({ ...p, status: "failed", note: err instanceof Error ? err.message : String(err) });
    }
  }
  return { dry_run: !!opts.dryRun, panes };
}
