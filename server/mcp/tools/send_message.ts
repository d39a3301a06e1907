import { z } from "zod";
import { defineTool } from "../tool.ts";
import description from "./send_message.txt" with { type: "text" };

const TYPES = ["task_assignment", "progress", "completion", "status_update", "help_request", "knowledge_share", "custom"] as const;

export default defineTool({
  name: "send_message",
  description,
  tier: "safe",
  input: z.object({
    payload: z.unknown().describe("text or JSON (at most 64 KB)"),
    to: z.string().max(64).optional().describe("one agent"),
    topic: z.string().max(128).optional().describe("everyone following it"),
    broadcast: z.boolean().optional(),
    type: z.enum(TYPES).optional().describe("default custom"),
    correlation_id: z.string().max(128).optional().describe("id of the message this answers"),
  }),
  output: z.strictObject({ seq: z.number(), id: z.string(), type: z.string() }),
  annotations: { destructiveHint: false },
  async run(args, env) {
    const m = await env.backend.publish({ ...args, payload: args.payload ?? null });
    const where = m.to ? `to ${m.to}` : m.topic ? `on ${m.topic}` : "to everyone";
    return { data: { seq: m.seq, id: m.id, type: m.type }, text: `sent ${m.type} #${m.seq} ${where}` };
  },
});
