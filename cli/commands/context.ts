import { defineCommand } from "citty";
import { globalArgs, runCommand, write } from "./_shared.ts";

interface ContextAnswer {
  session: string;
  text: string;
  tokens: number;
  max_tokens: number;
  truncated: string[];
}

export default defineCommand({
  meta: { name: "context", description: "A session's AI context within a token budget: facts, last command, errors, next steps" },
  args: {
    ...globalArgs,
    name: { type: "positional", required: true, description: "session name" },
    "max-tokens": { type: "string", description: "token budget (tiktoken o200k_base; default 4000), filled with the last output when there is enough" },
    lines: { type: "string", description: "at most this many lines of the last command's output (default 40 without --max-tokens)" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const { AppError } = await import("../../server/errors.ts");
      const q = new URLSearchParams();
      if (args["max-tokens"] !== undefined) {
        const max = Number(args["max-tokens"]);
        if (!Number.isInteger(max) || max < 16) throw new AppError("invalid", `--max-tokens must be a whole number of at least 16, not "${args["max-tokens"]}"`);
        q.set("max_tokens", String(max));
      }
      if (args.lines !== undefined) {
        const lines = Number(args.lines);
        if (!Number.isInteger(lines) || lines < 0) throw new AppError("invalid", `--lines must be a whole number, not "${args.lines}"`);
        q.set("lines", String(lines));
      }
      const { connect } = await import("../client/index.ts");
      const client = await connect({ home: args.home as string | undefined, agent: args.agent as string | undefined, autostart: true });
      const c = await client.request<ContextAnswer>("GET", `/api/sessions/${encodeURIComponent(String(args.name))}/context?${q}`);
      if (args.json) write(`${JSON.stringify(c)}\n`);
      else write(`${c.text}\n`);
    }),
});
