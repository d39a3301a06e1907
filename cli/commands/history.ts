import { print, defineCommand, agentOf, globalArgs, printJson, runCommand } from "./_shared.ts";

interface Entry {
  command_id: number;
  command: string;
  status: string;
  exit_code: number | null;
  duration_ms: number | null;
  tokens: { raw: number | null; compacted: number | null };
  output_dropped?: boolean;
  match_line?: string | null;
  output_unreadable?: string;
}

export default defineCommand({
  meta: { name: "history", description: "A session's commands with exit codes, durations and token counts" },
  args: {
    ...globalArgs,
    name: { type: "positional", required: true, description: "session name (live or killed)" },
    grep: { type: "string", description: "only commands whose text or output contains TEXT" },
    failed: { type: "boolean", description: "only commands that failed or timed out" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const { connect } = await import("../client/index.ts");
      const c = await connect({ home: args.home, agent: agentOf(args) });
      const q = new URLSearchParams();
      if (args.grep) q.set("grep", String(args.grep));
      if (args.failed) q.set("failed", "1");
      const rows = await c.request<Entry[]>("GET", `/api/sessions/${encodeURIComponent(String(args.name))}/history?${q}`);
      if (args.json) return printJson(rows);
      for (const r of rows) {
        const exit = r.exit_code === null ? r.status : `exit ${r.exit_code}`;
        const dur = r.duration_ms === null ? "-" : `${r.duration_ms} ms`;
        const tok = r.tokens.raw === null ? "" : `\t${r.tokens.raw}→${r.tokens.compacted} tokens`;
        const note = r.output_dropped
          ? "\t(output dropped by retention)"
          : r.output_unreadable
            ? `\t(output not searched: ${r.output_unreadable})`
            : "";
        print(`${r.command_id}\t${exit}\t${dur}${tok}\t${r.command.replace(/\n/g, "⏎")}${note}\n`);
        if (r.match_line) print(`\t  ${r.match_line}\n`);
      }
    }),
});
