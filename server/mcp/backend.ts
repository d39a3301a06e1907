import type { AgentView } from "../bus/agents.ts";
import type { Entry } from "../bus/knowledge.ts";
import type { BusMessage, MessageType } from "../bus/message.ts";
import type { Task, TaskStatus } from "../bus/tasks.ts";
import type { InboxAnswer } from "../bus/transport.ts";
import type { Decision } from "../trace/decisions.ts";
import type { AnalysisAnswer, ContextAnswer } from "../context/session-context.ts";
import type { SnapshotAnswer } from "../persist/snapshot.ts";
import type { RestoreResult } from "../persist/restore.ts";
import type { TokenCounts } from "../tokens/answers.ts";
import type { ExecResult, OutputMode, WaitResult } from "../session/exec-result.ts";
import type { SessionInfo } from "../session/session.ts";
import type { CommandLines, HistoryRow, ReadAnswer, ScreenAnswer, SendAnswer } from "../session/answers.ts";

export type { ExecResult, SessionInfo };

/**
 * What MCP tools call: typed functions, never URLs. Inside the server it is the domain itself
 * (server/mcp/domain-backend.ts, under the caller's scopes and policies); in `ai-session mcp` it is
 * the typed client over the Unix socket (cli/client/mcp-backend.ts). Nothing here changes tokens,
 * configuration or policies: MCP cannot reach them.
 */
export interface McpBackend {
  createSession(o: CreateInput): Promise<SessionInfo>;
  listSessions(): Promise<SessionInfo[]>;
  getSession(name: string): Promise<SessionInfo>;
  killSession(name: string): Promise<SessionInfo>;
  exec(name: string, command: string, o: RunOptions): Promise<ExecResult>;
  wait(name: string, o: RunOptions & { commandId?: number; pattern?: string }): Promise<WaitResult>;
  send(name: string, input: { text?: string; keys?: string[]; enter?: boolean; secret?: boolean }): Promise<SendAnswer>;
  read(name: string, o: { since?: number; lines?: number; raw?: boolean; maxBytes?: number }): Promise<ReadAnswer>;
  screen(name: string): Promise<ScreenAnswer>;
  /** Lines FROM..TO (1-based) of one command's rendered (or raw) output. */
  commandLines(name: string, id: number, from: number, to: number, raw?: boolean): Promise<CommandLines>;
  /** The analysis of the last (or given) finished command. */
  analysis(name: string, commandId?: number): Promise<AnalysisAnswer>;
  history(name: string): Promise<HistoryRow[]>;
  context(name: string, o: { maxTokens?: number; lines?: number }): Promise<ContextAnswer>;
  snapshot(name: string): Promise<SnapshotAnswer>;
  restore(name: string, newName?: string): Promise<RestoreResult>;
  /** Tokens of each text (o200k_base); estimates, said so, while the tokenizer is still loading. */
  countTokens(texts: string[]): Promise<Pick<TokenCounts, "counts" | "estimated">>;

  registerAgent(a: { name: string; role: string; capabilities?: string[]; topics?: string[]; session?: string }): Promise<AgentView>;
  listAgents(): Promise<AgentView[]>;
  getAgent(name: string): Promise<AgentView>;
  publish(m: { to?: string; topic?: string; broadcast?: boolean; type?: MessageType; payload: unknown; correlation_id?: string }): Promise<BusMessage>;
  inbox(agent: string, o: { limit?: number }): Promise<InboxAnswer>;
  ack(agent: string, seqs: number[]): Promise<{ acked: number; waiting: number }>;
  addTask(t: { title: string; description?: string; role?: string; capability?: string; priority?: number; depends_on?: string[] }): Promise<Task>;
  listTasks(q: { status?: TaskStatus; assignee?: string }): Promise<Task[]>;
  claimTask(agent: string): Promise<{ task: Task | null }>;
  taskProgress(id: string, p: { percent?: number; note?: string }): Promise<Task>;
  finishTask(id: string, r: { result?: string; failed?: boolean }): Promise<Task>;
  knowledgeSet(key: string, value: unknown, o: { expected_version?: number; scope?: string }): Promise<Entry>;
  knowledgeGet(key: string): Promise<Entry>;
  knowledgeList(prefix?: string): Promise<Entry[]>;
  decide(d: { what: string; options?: string[]; choice: string; reasoning?: string; session?: string }): Promise<Decision>;
}

export interface CreateInput {
  name?: string;
  cwd?: string;
  shell?: string;
  env?: Record<string, string>;
  cols?: number;
  rows?: number;
  role?: string;
}

export interface RunOptions {
  timeoutMs: number;
  mode?: OutputMode;
  /**
   * How fold markers name the way to read folded lines: a template with {session}, {id}, {from}
   * and {to} (MCP: `read_output {command_id: {id}, lines: "{from}-{to}"}`).
   */
  expandHint?: string;
}

