import { defineCommand } from "citty";
import { globalArgs, runCommand, write } from "./_shared.ts";
import type { Analysis } from "../../server/output/types.ts";

function printAnalysis(a: Analysis): void {
  const c = a.counts;
  const counts = Object.entries(c)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${v} ${k}`)
    .join(", ");
  const out = [`${a.tool} (${a.kind}): ${a.status}${counts ? ` — ${counts}` : ""}`];
  for (const e of a.errors.slice(0, 50)) {
    const at = e.file ? `${e.file}${e.line !== null ? `:${e.line}` : ""}${e.column !== null ? `:${e.column}` : ""} ` : "";
    out.push(`  ${e.severity} ${at}${e.code ? `[${e.code}] ` : ""}${e.message}`);
  }
  for (const t of a.tests_failed.slice(0, 50)) out.push(`  failed test: ${t}`);
  for (const s of a.suggestions) out.push(`  next: ${s}`);
  write(`${out.join("\n")}\n`);
}

export default defineCommand({
  meta: { name: "analyze", description: "Analyse a command's output: tool, status, counts, errors with file:line, next steps" },
  args: {
    ...globalArgs,
    name: { type: "positional", required: false, description: "session name (analyses its last or given command)" },
    command: { type: "string", description: "command id (with NAME), or the command line that made --file" },
    file: { type: "string", description: "analyse saved raw output from this file, without a server" },
    "exit-code": { type: "string", description: "with --file: the exit code of the command" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      if (args.file) {
        const { readInput } = await import("./compact.ts");
        const { renderOutput } = await import("../../server/output/render.ts");
        const { analyzeOutput } = await import("../../server/output/analyze.ts");
        const raw = await readInput(args.file as string);
        const exitCode = args["exit-code"] === undefined ? undefined : Number(args["exit-code"]);
        const a = analyzeOutput(renderOutput(raw), { command: args.command as string | undefined, exitCode: Number.isFinite(exitCode) ? exitCode : undefined });
        if (args.json) write(`${JSON.stringify(a)}\n`);
        else printAnalysis(a);
        return;
      }
      const { AppError } = await import("../../server/errors.ts");
      if (!args.name) throw new AppError("invalid", "analyze needs a session NAME or --file FILE (ai-session analyze --file out.txt)");
      const { connect } = await import("../client/index.ts");
      const client = await connect({ home: args.home as string | undefined, agent: args.agent as string | undefined, autostart: true });
      const query = args.command ? `?command=${encodeURIComponent(String(args.command))}` : "";
      const a = await client.request<Analysis>("GET", `/api/sessions/${encodeURIComponent(String(args.name))}/analysis${query}`);
      if (args.json) write(`${JSON.stringify(a)}\n`);
      else printAnalysis(a);
    }),
});
