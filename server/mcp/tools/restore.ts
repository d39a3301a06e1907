import { z } from "zod";
import { defineTool } from "../tool.ts";
import description from "./restore.txt" with { type: "text" };

export default defineTool({
  name: "restore",
  description,
  tier: "standard",
  input: z.object({
    session: z.string().min(1).max(200),
    name: z.string().min(1).max(64).optional().describe("new name"),
  }),
  output: z.strictObject({ name: z.string(), cwd: z.string(), commands: z.number(), notes: z.array(z.string()) }),
  annotations: { destructiveHint: false },
  async run(args, env) {
    const s = await env.backend.restore(args.session, args.name);
    const notes = s.notes ?? [];
    return {
      data: { name: s.name, cwd: s.cwd, commands: s.commands, notes },
      text: `restored "${args.session}" as "${s.name}" in ${s.cwd} (${s.commands} commands of history)${notes.length ? `\n${notes.join("\n")}` : ""}`,
    };
  },
});
