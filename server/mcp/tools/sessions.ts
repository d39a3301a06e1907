import { z } from "zod";
import { AppError } from "../../errors.ts";
import { defineTool, enc, tierAllows } from "../tool.ts";
import { SessionShape, sessionArg } from "./shapes.ts";
import createText from "./create_session.txt" with { type: "text" };
import listText from "./list_sessions.txt" with { type: "text" };
import killText from "./kill_session.txt" with { type: "text" };

const MAX_LISTED = 200;

export const createSession = defineTool({
  name: "create_session",
  title: "Create a terminal session",
  description: createText,
  tier: "safe",
  input: z.object({
    name: z.string().min(1).max(64).optional().describe("name for the session (a free one is picked when omitted)"),
    cwd: z.string().max(4096).optional().describe("working directory (default: the server's home directory)"),
    shell: z.string().max(4096).optional().describe("shell to run, e.g. /bin/bash"),
    env: z.record(z.string(), z.string()).optional().describe("extra environment variables"),
    cols: z.number().int().min(20).max(1000).optional(),
    rows: z.number().int().min(5).max(500).optional(),
    role: z.string().max(64).optional().describe("role whose policy applies in this session"),
  }),
  output: SessionShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(args, env) {
    const s = await env.api.request<SessionShape>("POST", "/api/sessions", args);
    return { data: s, text: `created session "${s.name}" (pid ${s.pid ?? "?"}, cwd ${s.cwd ?? "?"})` };
  },
});

export const listSessions = defineTool({
  name: "list_sessions",
  title: "List terminal sessions",
  description: listText,
  tier: "safe",
  input: z.object({}),
  output: z.object({ sessions: z.array(SessionShape), total: z.number(), truncated: z.boolean() }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(_args, env) {
    const all = await env.api.request<SessionShape[]>("GET", "/api/sessions");
    const sessions = all.slice(0, MAX_LISTED);
    const lines = sessions.map((s) => `${s.name}\t${s.status}\t${s.cwd ?? ""}\t${s.commands ?? 0} commands`);
    return {
      data: { sessions, total: all.length, truncated: all.length > MAX_LISTED },
      text: sessions.length ? lines.join("\n") : "no sessions (create_session starts one)",
    };
  },
});

function isSelf(s: SessionShape, self: string | undefined): boolean {
  return Boolean(self) && (s.name === self || s.id === self);
}

export const killSession = defineTool({
  name: "kill_session",
  title: "End a terminal session",
  description: killText,
  tier: "standard",
  input: z.object({ session: sessionArg }),
  output: z.object({ session: z.string(), killed: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async run({ session }, env) {
    const s = await env.api.request<SessionShape>("GET", `/api/sessions/${enc(session)}`);
    if (isSelf(s, env.selfSession)) {
      throw new AppError("denied", `"${session}" is the session this agent runs in; killing it would end the agent itself`);
    }
    if (s.owner_agent && env.agent && s.owner_agent !== env.agent && !tierAllows(env.tier, "full")) {
      throw new AppError("denied", `"${session}" belongs to the agent "${s.owner_agent}" (only the full tier may kill another agent's session)`);
    }
    await env.api.request("DELETE", `/api/sessions/${enc(session)}`);
    return { data: { session: s.name, killed: true }, text: `killed session "${s.name}"` };
  },
});

export const sessionTools = [createSession, listSessions, killSession];
