import { z } from "zod";
import { defineTool, enc } from "../tool.ts";
import { sessionArg } from "./shapes.ts";

const RestoredShape = z.looseObject({
  name: z.string(),
  id: z.string(),
  pid: z.number().nullable().optional(),
  cwd: z.string().optional(),
  commands: z.number().optional(),
  notes: z.array(z.string()).optional(),
});
type RestoredShape = z.infer<typeof RestoredShape>;
import snapshotText from "./snapshot.txt" with { type: "text" };
import restoreText from "./restore.txt" with { type: "text" };

export const snapshot = defineTool({
  name: "snapshot",
  title: "Save a session's state",
  description: snapshotText,
  tier: "safe",
  input: z.object({ session: sessionArg }),
  output: z.looseObject({ session: z.string(), id: z.union([z.string(), z.number()]).optional() }),
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
  output: RestoredShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(args, env) {
    const s = await env.api.request<RestoredShape>("POST", "/api/restore", { name: args.session, new_name: args.name });
    const notes = s.notes?.length ? `\n${s.notes.join("\n")}` : "";
    return { data: s, text: `restored "${args.session}" as "${s.name}" in ${s.cwd ?? "?"} (${s.commands ?? 0} commands of history)${notes}` };
  },
});

export const persistTools = [snapshot, restore];
