import type { Caller } from "../security/auth.ts";
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

export interface MigrateOptions {
  dryRun?: boolean;
  /** who asks (the route's `c.get("caller")`): the sessions are created as its agent, in its role */
  caller?: Caller;
  /** the agent and role to create as, when no caller is given (or to override it) */
  agent?: string;
  role?: string;
}

/** The agent and role the imported sessions belong to: the caller's, unless given outright. */
export function migrationStanding(opts: MigrateOptions): { agent?: string; role?: string } {
  const caller = opts.caller as (Caller & { role?: string }) | undefined;
  return { agent: opts.agent ?? caller?.agent, role: opts.role ?? caller?.role };
}

/**
 * Imports tmux panes as ai-session sessions: one per pane, named `tmuxsession.window.pane`, in the
 * pane's cwd and size, with the pane's scrollback shown first, owned by the caller's agent and
 * role (so the role's policy applies to each creation). A pane that cannot be imported is reported
 * and the others still are. tmux runs asynchronously: a long capture never blocks the server.
 */
export async function migrateTmux(
  sessions: SessionManager,
  server: TmuxServer,
  select: { all?: boolean; sessions?: string[] },
  opts: MigrateOptions = {},
): Promise<MigrationReport> {
  const { agent, role } = migrationStanding(opts);
  const taken = liveNames(sessions);
  const plan = await planMigration(server, select, (n) => taken.has(n));
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
      const scrollback = await captureScrollback(server, paneId);
      // The capture carries colours (-e): end them so the new shell's prompt starts plain.
      const seed = new TextEncoder().encode(`${scrollback}\x1b[0m`);
      await sessions.create({ name: p.name, cwd: p.cwd, cols: p.cols, rows: p.rows, seed, agent, role });
      panes.push({ ...p, status: "created", scrollback_bytes: seed.length });
    } catch (err) {
      panes.push({ ...p, status: "failed", note: err instanceof Error ? err.message : String(err) });
    }
  }
  return { dry_run: !!opts.dryRun, panes };
}
