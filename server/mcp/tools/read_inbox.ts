import { z } from "zod";
import { agentFor, defineTool } from "../tool.ts";
import { MessageRow, messageRow, shown } from "../team-rows.ts";
import description from "./read_inbox.txt" with { type: "text" };

export default defineTool({
  name: "read_inbox",
  description,
  tier: "safe",
  input: z.object({
    limit: z.number().int().min(1).max(100).optional().describe("at most this many (default 10)"),
    keep: z.boolean().optional().describe("leave them unacknowledged"),
    agent: z.string().max(64).optional().describe("default: you"),
  }),
  output: z.strictObject({ agent: z.string(), messages: z.array(MessageRow), waiting: z.number(), dropped: z.number() }),
  annotations: { destructiveHint: false },
  async run(args, env) {
    const agent = agentFor(env, args.agent);
    const r = await env.backend.inbox(agent, { limit: args.limit ?? 10 });
    let waiting = r.waiting;
    if (!args.keep && r.messages.length) waiting = (await env.backend.ack(agent, r.messages.map((m) => m.seq))).waiting;
    const lines = r.messages.map((m) => `#${m.seq} ${m.type} from ${m.sender}: ${shown(m.payload)}`);
    const more = waiting > 0 ? `\n(${waiting} more waiting: read_inbox again)` : "";
    const lost = r.dropped ? `\n(${r.dropped} older messages were dropped: the inbox was full)` : "";
    return { data: { agent, messages: r.messages.map(messageRow), waiting, dropped: r.dropped ?? 0 }, text: (lines.join("\n") || "inbox empty") + more + lost };
  },
});
