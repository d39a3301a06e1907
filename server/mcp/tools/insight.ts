import { z } from "zod";
import { AppError } from "../../errors.ts";
import { clip, defineTool, enc } from "../tool.ts";
import { Analysis, sessionArg } from "./shapes.ts";
import contextText from "./get_context.txt" with { type: "text" };
import analyzeText from "./analyze_output.txt" with { type: "text" };
import historyText from "./history.txt" with { type: "text" };

export const getContext = defineTool({
  name: "get_context",
  title: "A session's AI context",
  description: contextText,
  tier: "safe",
  input: z.object({
    session: sessionArg,
    max_tokens: z.number().int().min(100).max(8_000).optional().describe("token budget (default 2000)"),
    lines: z.number().int().min(1).max(2_000).optional().describe("recent output lines to consider"),
  }),
  output: z.looseObject({ session: z.string(), text: z.string(), tokens: z.number().optional() }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, env) {
    const q = new URLSearchParams({ max_tokens: String(args.max_tokens ?? 2000) });
    if (args.lines) q.set("lines", String(args.lines));
    const r = await env.api.request<Record<string, unknown> & { text?: string; tokens?: number }>("GET", `/api/sessions/${enc(args.session)}/context?${q}`);
    const text = clip(typeof r.text === "string" ? r.text : JSON.stringify(r)).text;
    return { data: { ...r, session: args.session, text }, text };
  },
});

export const analyzeOutput = defineTool({
  name: "analyze_output",
  title: "Analyse a command's output",
  description: analyzeText,
  tier: "safe",
  input: z.object({
    session: sessionArg,
    command_id: z.union([z.number().int(), z.string()]).optional().describe("the command (default: the last one)"),
  }),
  output: z.looseObject({ session: z.string(), command_id: z.union([z.number(), z.string()]).nullable().optional(), analysis: Analysis }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, env) {
    const base = `/api/sessions/${enc(args.session)}`;
    let id = args.command_id;
    if (id === undefined) {
      const commands = await env.api.request<Array<{ command_id: number }>>("GET", `${base}/history`);
      id = commands.at(-1)?.command_id;
      if (id === undefined) throw new AppError("not_found", `session "${args.session}" has run no command yet (exec runs one)`);
    }
    const r = await env.api.request<Record<string, unknown>>("GET", `${base}/commands/${enc(String(id))}`);
    const analysis = (r.analysis ?? r) as z.infer<typeof Analysis>;
    const errors = (analysis.errors ?? []).slice(0, 20);
    const lines = [
      `${analysis.tool ?? "unknown tool"}: ${analysis.status ?? "?"}${analysis.kind ? ` (${analysis.kind})` : ""}`,
      ...errors.map((e) => `  ${e.file ?? ""}${e.line ? `:${e.line}` : ""} ${e.message ?? ""}`),
      ...(analysis.suggestions ?? []).slice(0, 5).map((s) => `  next: ${typeof s === "string" ? s : JSON.stringify(s)}`),
    ];
    return {
      data: { session: args.session, command_id: (r.command_id as number | undefined) ?? id, command: r.command, exit_code: r.exit_code, analysis },
      text: clip(lines.join("\n")).text,
    };
  },
});

const HistoryItem = z.looseObject({
  command_id: z.union([z.number(), z.string()]).optional(),
  id: z.union([z.number(), z.string()]).optional(),
  command: z.string(),
  exit_code: z.number().nullable().optional(),
  status: z.string().optional(),
  duration_ms: z.number().nullable().optional(),
});

export const history = defineTool({
  name: "history",
  title: "A session's command history",
  description: historyText,
  tier: "safe",
  input: z.object({
    session: sessionArg,
    limit: z.number().int().min(1).max(500).optional().describe("how many of the latest commands (default 50)"),
  }),
  output: z.object({ session: z.string(), commands: z.array(HistoryItem), total: z.number() }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, env) {
    const r = await env.api.request<unknown>("GET", `/api/sessions/${enc(args.session)}/history`);
    const all = (Array.isArray(r) ? r : ((r as { commands?: unknown[] }).commands ?? [])) as z.infer<typeof HistoryItem>[];
    const commands = all.slice(-(args.limit ?? 50));
    const text = commands
      .map((c) => `#${c.command_id ?? c.id ?? "?"} exit ${c.exit_code ?? "?"} ${c.duration_ms ?? "?"}ms  ${c.command.length > 200 ? `${c.command.slice(0, 200)}…` : c.command}`)
      .join("\n");
    return { data: { session: args.session, commands, total: all.length }, text: clip(text || "no commands yet").text };
  },
});

export const insightTools = [getContext, analyzeOutput, history];
