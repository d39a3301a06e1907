import { z } from "zod";
import { defineTool, enc } from "../tool.ts";
import { SessionShape, sessionArg } from "./shapes.ts";
import snapshotText from "./snapshot.txt" with { type: "text" };
import restoreText from "./restore.txt" with { type: "text" };

export const snapshot = defineTool({
  name: "snapshot",
  title: "Save a session's state",
  description: snapshotText,
  tier: "safe",
  input: z.object({ session: sessionArg }),
  output: z.looseObject({ session: z.string(), id: z.union([z.string(), z.number()]).optional(), created_at: z.number().optional() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run({ session }, env) {
    const r = await env.api.request<Record<string, unknown>>("POST", `/api/sessions/${enc(session)}/snapshot`, {});
    const data = { ...r, session };
    return { data, text: `saved a snapshot of "${session}"${r.id ? ` (${r.id})` : ""}; restore brings it back` };
  },
});

export const restore = defineTool({
  name: "restore",
  title: "Bring a session back",
  description: restoreText,
  tier: "standard",
  input: z.object({
    session: sessionArg.describe("name of the session whose last snapshot to restore"),
    name: z.string().min(1).max(64).optional().describe("name for the restored session (default: the same name)"),
  }),
  output: SessionShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(args, env) {
    const s = await env.api.request<SessionShape>("POST", `/api/sessions/${enc(args.session)}/restore`, { name: args.name });
    return { data: s, text: `restored "${args.session}" as "${s.name}" in ${s.cwd ?? "?"}` };
  },
});

export const persistTools = [snapshot, restore];
