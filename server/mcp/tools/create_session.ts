import { z } from "zod";
import { defineTool } from "../tool.ts";
import { SessionRow, sessionRow } from "../session-row.ts";
import description from "./create_session.txt" with { type: "text" };

export default defineTool({
  name: "create_session",
  description,
  tier: "safe",
  input: z.object({
    name: z.string().min(1).max(64).optional(),
    cwd: z.string().max(4096).optional(),
    shell: z.string().max(4096).optional(),
    env: z.record(z.string(), z.string()).optional(),
    cols: z.number().int().min(20).max(1000).optional(),
    rows: z.number().int().min(5).max(500).optional(),
    role: z.string().max(64).optional(),
  }),
  output: SessionRow.extend({ pid: z.number() }),
  annotations: { destructiveHint: false },
  async run(args, env) {
    const s = await env.backend.createSession(args);
    return { data: { ...sessionRow(s), pid: s.pid }, text: `created session "${s.name}" (pid ${s.pid}, cwd ${s.cwd})` };
  },
});
