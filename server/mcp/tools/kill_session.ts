import { z } from "zod";
import { AppError } from "../../errors.ts";
import { defineTool, tierAllows } from "../tool.ts";
import description from "./kill_session.txt" with { type: "text" };

export default defineTool({
  name: "kill_session",
  description,
  tier: "standard",
  input: z.object({ session: z.string().min(1).max(200) }),
  output: z.strictObject({ session: z.string(), killed: z.boolean() }),
  annotations: { destructiveHint: true, idempotentHint: true },
  async run({ session }, env) {
    const s = await env.backend.getSession(session);
    // a session on another node (NAME@NODE) answers with its own node's name for it: it is named as addressed
    const name = session.includes("@") ? session : s.name;
    if (env.selfSession && (name === env.selfSession || s.id === env.selfSession)) {
      throw new AppError("denied", `"${session}" is the session this agent runs in; killing it would end the agent itself`);
    }
    if (s.owner_agent && env.agent && s.owner_agent !== env.agent && !tierAllows(env.tier, "full")) {
      throw new AppError("denied", `"${session}" belongs to the agent "${s.owner_agent}" (only the full tier may kill another agent's session)`);
    }
    await env.backend.killSession(session);
    return { data: { session: name, killed: true }, text: `killed session "${name}" (its history stays: history {session: "${name}"})` };
  },
});
