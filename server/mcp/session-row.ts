import { z } from "zod";
import type { SessionInfo } from "./backend.ts";

/** A session as the session tools return it: what an agent needs to pick one and work in it. */
export const SessionRow = z.strictObject({
  name: z.string(),
  status: z.string(),
  activity: z.string(),
  cwd: z.string(),
  commands: z.number(),
});

export function sessionRow(s: SessionInfo): z.infer<typeof SessionRow> {
  return { name: s.name, status: s.status, activity: s.activity, cwd: s.cwd, commands: s.commands };
}
