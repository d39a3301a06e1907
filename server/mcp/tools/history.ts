import { z } from "zod";
import { defineTool, oneLine, sessionArg, sessionOf } from "../tool.ts";
import description from "./history.txt" with { type: "text" };

const Item = z.strictObject({ command_id: z.number(), command: z.string(), status: z.string(), exit_code: z.number().nullable() });

export default defineTool({
  name: "history",
  description,
  tier: "safe",
  input: z.object({
    limit: z.number().int().min(1).max(100).optional(),
    before: z.number().int().min(1).optional().describe("command_id to page back from"),
    session: sessionArg,
  }),
  output: z.strictObject({ session: z.string(), commands: z.array(Item), total: z.number() }),
  annotations: { readOnlyHint: true },
  async run(args, env) {
    const session = await sessionOf(env, args.session);
    const all = await env.backend.history(session);
    const older = args.before === undefined ? all : all.filter((c) => c.command_id < args.before!);
    const picked = older.slice(-(args.limit ?? 20));
    const commands = picked.map((c) => ({ command_id: c.command_id, command: oneLine(c.command), status: c.status, exit_code: c.exit_code }));
    const ms = new Map(picked.map((c) => [c.command_id, c.duration_ms]));
    const next = older.length > picked.length ? `history {before: ${picked[0]!.command_id}}` : undefined;
    const text = commands.map((c) => `#${c.command_id} ${c.status} exit ${c.exit_code ?? "?"} ${ms.get(c.command_id) ?? "?"}ms  ${c.command}`).join("\n");
    return {
      data: { session, commands, total: all.length },
      text: (text || "no commands yet") + (next ? `\n… ${older.length - picked.length} older: ${next}` : ""),
    };
  },
});
