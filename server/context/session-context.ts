/**
 * The AI context and the analyses of a server's sessions, read from the live session and its
 * stored commands. A finished command's output never changes, so its compacted form and analysis
 * are computed once and kept (bounded); retrieving a context afterwards is a few lookups and the
 * budgeted assembly, well under a millisecond.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Db } from "../../db/client.ts";
import { AppError } from "../errors.ts";
import { compactOutput } from "../output/compact.ts";
import { z } from "zod";
import { AnalysisSchema, type Analysis } from "../output/types.ts";
import type { SessionManager } from "../session/manager.ts";
import { type CommandRow, commandById, commandOutput, commandsOf } from "../session/store.ts";
import { AssembledContextSchema, assembleContext, type CommandFacts, type SessionFacts } from "./assemble.ts";
import { Conversations } from "./conversation.ts";
import { sqliteConversationStore } from "./conversation-store.ts";

/** A session's AI context (`ai-session context`, GET /api/sessions/{name}/context). */
export const ContextAnswerSchema = AssembledContextSchema.extend({ session: z.string() });
export type ContextAnswer = z.infer<typeof ContextAnswerSchema>;

/** The analysis of one stored command (`ai-session analyze`, GET /api/sessions/{name}/analysis). */
export const AnalysisAnswerSchema = AnalysisSchema.extend({ session: z.string(), command_id: z.number(), command: z.string(), exit_code: z.number().nullable() });
export type AnalysisAnswer = z.infer<typeof AnalysisAnswerSchema>;

export interface ContextSource {
  db: Db;
  sessions: SessionManager;
}

const CACHE_LIMIT = 500;
const RECENT = 11;

/** The branch checked out in `cwd` or a parent directory, from .git/HEAD (no git process). */
export function gitBranch(cwd: string): string | null {
  let dir = cwd;
  for (let i = 0; i < 40; i++) {
    const git = join(dir, ".git");
    if (existsSync(git)) {
      try {
        let head = join(git, "HEAD");
        if (!existsSync(head)) {
          const pointer = /^gitdir: (.+)$/m.exec(readFileSync(git, "utf8"))?.[1]; // worktree or submodule
          if (!pointer) return null;
          head = join(pointer.startsWith("/") ? pointer : join(dir, pointer), "HEAD");
        }
        const ref = readFileSync(head, "utf8").trim();
        return ref.startsWith("ref: refs/heads/") ? ref.slice("ref: refs/heads/".length) : ref.slice(0, 12);
      } catch {
        return null;
      }
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
  return null;
}

export class SessionContexts {
  readonly conversations: Conversations;
  private facts = new Map<string, CommandFacts>();

  constructor(private readonly src: ContextSource) {
    this.conversations = new Conversations({}, (sessionId) => sqliteConversationStore(src.db, sessionId));
  }

  private sessionOf(name: string): { id: string; facts: SessionFacts; cols: number } {
    if (this.src.sessions.has(name)) {
      const s = this.src.sessions.get(name);
      const cwd = s.cwd();
      return {
        id: s.id,
        cols: s.config.cols,
        facts: { name, cwd, shell: s.config.shell, status: s.status, git_branch: gitBranch(cwd), role: s.config.role ?? null, agent: s.config.agent ?? null },
      };
    }
    const row = this.src.sessions.rowByName(name);
    if (!row) this.src.sessions.get(name); // throws the clear not_found
    return {
      id: row!.id,
      cols: row!.cols,
      facts: { name, cwd: row!.cwd, shell: row!.shell, status: row!.status, git_branch: null, role: row!.role ?? null, agent: row!.ownerAgent ?? null },
    };
  }

  /** Compacted output and analysis of a finished command, computed once. */
  private factsOf(sessionName: string, row: Omit<CommandRow, "outputZ">, cols: number, full: boolean): CommandFacts {
    const base: CommandFacts = {
      command_id: row.id,
      command: row.command,
      status: row.status,
      exit_code: row.exitCode,
      duration_ms: row.durationMs,
      analysis: row.tool ? { tool: row.tool, status: row.exitCode === 0 ? "success" : "failure", counts: { passed: 0, failed: 0, skipped: 0, warnings: 0, errors: 0 }, errors: [], tests_failed: [], suggestions: [] } : null,
    };
    if (!full || row.status === "running") return base;
    const key = `${row.sessionId}:${row.id}`;
    const hit = this.facts.get(key);
    if (hit) return hit;
    const stored = commandById(this.src.db, row.sessionId, row.id);
    const bytes = stored ? commandOutput(stored) : null;
    if (!bytes) return base;
    const r = compactOutput(bytes, {
      command: row.command,
      exitCode: row.exitCode,
      cols,
      expandHint: (a, b) => `ai-session read ${sessionName} --command ${row.id} --lines ${a}-${b}`,
    });
    const facts: CommandFacts = { ...base, output: r.text, analysis: r.analysis };
    if (this.facts.size >= CACHE_LIMIT) this.facts.delete(this.facts.keys().next().value!);
    this.facts.set(key, facts);
    return facts;
  }

  /** `ai-session context NAME`: the session's AI context within `maxTokens`. */
  context(name: string, options: { maxTokens?: number; lines?: number } = {}): ContextAnswer {
    const s = this.sessionOf(name);
    const rows = commandsOf(this.src.db, s.id, RECENT);
    const last = rows[rows.length - 1];
    const lastFailed = [...rows].reverse().find((r) => r.status !== "ok" && r.exitCode !== 0);
    const commands = rows.map((r) => this.factsOf(name, r, s.cols, r === last || r === lastFailed));
    const summary = this.conversations.of(s.id).messages().find((m) => m.role === "summary");
    const notes = summary ? summary.content.split("\n") : undefined;
    return { session: name, ...assembleContext({ session: s.facts, commands, notes }, options) };
  }

  /** `ai-session analyze NAME [--command ID]`: the analysis of the last (or given) command. */
  analysis(name: string, commandId?: number): AnalysisAnswer {
    const s = this.sessionOf(name);
    let row: Omit<CommandRow, "outputZ"> | undefined;
    if (commandId !== undefined) {
      row = commandById(this.src.db, s.id, commandId);
      if (!row) throw new AppError("not_found", `session "${name}" has no command ${commandId} (ai-session history ${name})`);
    } else {
      row = commandsOf(this.src.db, s.id, 3).reverse().find((r) => r.status !== "running");
      if (!row) throw new AppError("not_found", `session "${name}" has run no command yet (ai-session exec ${name} COMMAND)`);
    }
    const f = this.factsOf(name, row, s.cols, true);
    if (!f.analysis || !("entities" in f.analysis)) {
      throw new AppError("not_found", `the output of command ${row.id} is no longer stored, so it cannot be analysed`);
    }
    return { session: name, command_id: row.id, command: row.command, exit_code: row.exitCode, ...(f.analysis as Analysis) };
  }
}
