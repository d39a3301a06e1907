import { z } from "zod";
import { defineTool } from "../tool.ts";
import description from "./record_decision.txt" with { type: "text" };

export default defineTool({
  name: "record_decision",
  description,
  tier: "safe",
  input: z.object({
    what: z.string().min(1).max(2_000).describe("the question decided"),
    choice: z.string().min(1).max(2_000),
    options: z.array(z.string().max(2_000)).max(50).optional(),
    reasoning: z.string().max(20_000).optional(),
    session: z.string().max(200).optional().describe("the session it concerns"),
  }),
  output: z.strictObject({ id: z.number(), choice: z.string() }),
  annotations: { destructiveHint: false },
  async run(args, env) {
    const d = await env.backend.decide(args);
    return { data: { id: d.id, choice: d.choice }, text: `recorded decision #${d.id}: ${d.choice}` };
  },
});
