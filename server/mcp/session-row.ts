import type { z } from "zod";
import { SessionInfoSchema, type SessionInfo } from "../session/session.ts";

/** A session as the session tools return it: what an agent needs to pick one and work in it. */
export const SessionRow = SessionInfoSchema.pick({ name: true, status: true, activity: true, cwd: true, commands: true }).strict();

export function sessionRow(s: SessionInfo): z.infer<typeof SessionRow> {
  return { name: s.name, status: s.status, activity: s.activity, cwd: s.cwd, commands: s.commands };
}
