import { z } from "zod";
import { defineTool } from "../tool.ts";
import { SessionRow, sessionRow } from "../session-row.ts";
import description from "./list_sessions.txt" with { type: "text" };

const CAP = 50;

export default defineTool({
  name: "list_sessions",
  description,
  tier: "safe",
  input: z.object({ offset: z.number().int().min(0).optional() }),
  output: z.strictObject({ sessions: z.array(SessionRow), total: z.number(), cap: z.number() }),
  annotations: { readOnlyHint: true },
  async run(args, env) {
    const all = await env.backend.listSessions();
    const offset = args.offset ?? 0;
    const sessions = all.slice(offset, offset + CAP).map(sessionRow);
    const more = all.length > offset + CAP ? `\n… ${all.length - offset - CAP} more: list_sessions {offset: ${offset + CAP}}` : "";
    const lines = sessions.map((s) => `${s.name}\t${s.status}/${s.activity}\t${s.cwd}\t${s.commands} commands`);
    return {
      data: { sessions, total: all.length, cap: CAP },
      text: sessions.length ? lines.join("\n") + more : "no sessions (exec works in a session of your own, made on first use; create_session makes another)",
    };
  },
});
