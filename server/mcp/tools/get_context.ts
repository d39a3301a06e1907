import { z } from "zod";
import { defineTool, sessionArg, sessionOf } from "../tool.ts";
import description from "./get_context.txt" with { type: "text" };

export default defineTool({
  name: "get_context",
  description,
  tier: "safe",
  input: z.object({
    max_tokens: z.number().int().min(100).max(8_000).optional(),
    lines: z.number().int().min(1).max(2_000).optional(),
    session: sessionArg,
  }),
  output: z.strictObject({ session: z.string(), tokens: z.number(), truncated: z.array(z.string()) }),
  annotations: { readOnlyHint: true },
  async run(args, env) {
    const session = await sessionOf(env, args.session);
    // a budget asked for is filled from the last output; without one, 1,000 tokens and 40 lines
    const r = await env.backend.context(session, { maxTokens: args.max_tokens ?? 1000, lines: args.lines ?? (args.max_tokens === undefined ? 40 : undefined) });
    return { data: { session, tokens: r.tokens, truncated: r.truncated ?? [] }, text: r.text };
  },
});
