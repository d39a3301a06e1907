/**
 * A session's AI context within a token budget: who and where the session is, the last command
 * with its result and (compacted) output, the errors still open, what to do next, and the recent
 * commands. Pure: the caller passes the session's facts and commands; lines are counted with
 * tiktoken once and cached, so assembling again takes well under a millisecond.
 */
import { z } from "zod";
import type { Analysis } from "../output/types.ts";
import { linesTokens } from "../tokens/cache.ts";
import type { Encoding } from "../tokens/tokens.ts";

export interface SessionFacts {
  name: string;
  cwd: string;
  shell?: string;
  status?: string;
  git_branch?: string | null;
  role?: string | null;
  agent?: string | null;
}

export interface CommandFacts {
  command_id: number | string;
  command: string;
  status: string; // ok | failed | timeout | running | waiting_for_input
  exit_code: number | null;
  duration_ms?: number | null;
  /** The compacted output (what exec returned). */
  output?: string;
  analysis?: Pick<Analysis, "tool" | "status" | "counts" | "errors" | "tests_failed" | "suggestions"> | null;
}

export interface ContextInput {
  session: SessionFacts;
  /** Newest last. */
  commands: CommandFacts[];
  /** Optional conversation summary or notes to carry (already short). */
  notes?: string[];
}

export interface ContextOptions {
  maxTokens?: number;
  /**
   * At most this many lines of the last command's output. Default: 40 when no budget is asked for;
   * with `maxTokens`, none (the budget asked for is filled when there is output for it).
   */
  lines?: number;
  encoding?: Encoding;
}

export const AssembledContextSchema = z.strictObject({
  text: z.string(),
  tokens: z.number().describe("tokens of text: the sum of its lines' tiktoken counts, an upper bound within about 2%"),
  max_tokens: z.number(),
  truncated: z.array(z.string()).describe("sections that had to be cut or left out to fit the budget"),
});
export type AssembledContext = z.infer<typeof AssembledContextSchema>;

const seconds = (ms?: number | null) => (ms === undefined || ms === null ? "" : `, ${ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`}`);

function countsText(a: CommandFacts["analysis"]): string {
  if (!a) return "";
  const parts = Object.entries(a.counts)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${v} ${k}`);
  return parts.length ? ` — ${parts.join(", ")}` : "";
}

/** A command as one line: a heredoc or a long script shows its first line and how many follow. */
export function oneLineCommand(command: string, max = 160): string {
  const lines = command.split("\n");
  const first = lines[0]!.length > max ? `${lines[0]!.slice(0, max)}…` : lines[0]!;
  return lines.length > 1 ? `${first} …(+${lines.length - 1} lines)` : first;
}

function commandLine(c: CommandFacts): string {
  const exit = c.exit_code === null ? "" : `exit ${c.exit_code}`;
  const tool = c.analysis && c.analysis.tool !== "generic" ? `${c.analysis.tool}: ` : "";
  return `#${c.command_id} ${c.status}${exit ? ` (${exit}${seconds(c.duration_ms)})` : ""} $ ${oneLineCommand(c.command)}${tool || countsText(c.analysis) ? ` · ${tool}${countsText(c.analysis).replace(/^ — /, "")}` : ""}`;
}

export function assembleContext(input: ContextInput, options: ContextOptions = {}): AssembledContext {
  const maxTokens = Math.max(16, options.maxTokens ?? 4000);
  const maxLines = Math.max(0, options.lines ?? (options.maxTokens === undefined ? 40 : Number.MAX_SAFE_INTEGER));
  const enc = options.encoding ?? "o200k_base";
  const truncated: string[] = [];
  let used = 0;
  const fits = (lines: string[]) => used + linesTokens(lines, enc) + 1 <= maxTokens;
  const take = (lines: string[]) => {
    used += linesTokens(lines, enc) + 1;
    return lines;
  };

  const s = input.session;
  const where = [s.shell, s.git_branch ? `branch ${s.git_branch}` : "", s.role ? `role ${s.role}` : "", s.agent ? `agent ${s.agent}` : ""].filter(Boolean).join(", ");
  const facts = take([`# session ${s.name}${s.status ? ` (${s.status})` : ""}: ${s.cwd}${where ? ` — ${where}` : ""}`]);

  const last = input.commands[input.commands.length - 1];
  const lastHead: string[] = [];
  const errors: string[] = [];
  const next: string[] = [];
  let output: string[] = [];
  const recent: string[] = [];
  const notes: string[] = [];

  if (last) {
    if (fits([`## last command`, commandLine(last)])) lastHead.push(...take(["## last command", commandLine(last)]));
    const open = [...input.commands].reverse().find((c) => c.status !== "ok" && (c.analysis?.errors.length ?? 0) > 0) ?? last;
    const errs = (open.analysis?.errors ?? []).filter((e) => e.severity === "error").slice(0, 20);
    const failedTests = open.analysis?.tests_failed.slice(0, 20) ?? [];
    if (errs.length || failedTests.length) {
      const head = `## open errors (from #${open.command_id})`;
      if (fits([head])) {
        errors.push(...take([head]));
        for (const e of errs) {
          const at = e.file ? `${e.file}${e.line !== null ? `:${e.line}` : ""}${e.column !== null ? `:${e.column}` : ""} ` : "";
          const message = e.message.split("\n")[0]!.slice(0, 300);
          const line = `- ${at && message.includes(at.trim()) ? "" : at}${e.code && !message.includes(e.code) ? `[${e.code}] ` : ""}${message}`;
          if (!fits([line])) {
            truncated.push("errors");
            break;
          }
          errors.push(...take([line]));
        }
        for (const t of failedTests) {
          const line = `- failed test: ${t}`;
          if (!fits([line])) {
            truncated.push("failed tests");
            break;
          }
          errors.push(...take([line]));
        }
      } else truncated.push("errors");
    }
    const suggestions = open.analysis?.suggestions ?? [];
    if (suggestions.length && fits(["## next", `- ${suggestions[0]}`])) {
      next.push(...take(["## next"]));
      for (const sug of suggestions) if (fits([`- ${sug}`])) next.push(...take([`- ${sug}`]));
    }
    const older = input.commands.slice(0, -1).reverse().slice(0, 10);
    if (older.length && fits(["## recent commands", commandLine(older[0]!)])) {
      recent.push(...take(["## recent commands"]));
      for (const c of older) {
        const line = commandLine(c);
        if (!fits([line])) {
          truncated.push("recent commands");
          break;
        }
        recent.push(...take([line]));
      }
    }
    // The output of the last command fills what is left, from its end (where results are).
    if (last.output && maxLines > 0) output = outputSection(last.output, maxLines, maxTokens - used - 1, enc, truncated);
    used += output.length ? linesTokens(output, enc) + 1 : 0;
  }
  for (const note of input.notes ?? []) {
    if (!fits([note])) {
      truncated.push("notes");
      break;
    }
    notes.push(...take([note]));
  }

  const all = [...facts, ...lastHead, ...output, ...errors, ...next, ...recent, ...(notes.length ? ["## notes", ...notes] : [])];
  const tokens = linesTokens(all, enc);
  return { text: all.join("\n"), tokens, max_tokens: maxTokens, truncated: [...new Set(truncated)] };
}

/** "## output", a note of what was left out, and as many of the last lines as fit in `budget`. */
function outputSection(text: string, maxLines: number, budget: number, enc: Encoding, truncated: string[]): string[] {
  const lines = text.split("\n");
  const tail = lines.slice(-maxLines);
  const marker = (hidden: number) => `… ${hidden} earlier lines not shown`;
  let room = budget - linesTokens(["## output", marker(lines.length)], enc) - 2;
  let k = tail.length;
  while (k > 0) {
    const cost = linesTokens([tail[k - 1]!], enc) + 1;
    if (cost > room) break;
    room -= cost;
    k--;
  }
  const shown = tail.slice(k);
  if (shown.length === 0) {
    truncated.push("output");
    return [];
  }
  const hidden = lines.length - shown.length;
  if (hidden > 0) truncated.push("output");
  return ["## output", ...(hidden > 0 ? [marker(hidden)] : []), ...shown];
}
