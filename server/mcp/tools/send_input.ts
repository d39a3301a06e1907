import { z } from "zod";
import { AppError } from "../../errors.ts";
import { defineTool, sessionArg, sessionOf } from "../tool.ts";
import description from "./send_input.txt" with { type: "text" };

export const SentShape = z.strictObject({ session: z.string(), sent: z.boolean(), bytes: z.number() });

export default defineTool({
  name: "send_input",
  description,
  tier: "standard",
  input: z.object({
    text: z.string().max(1_000_000).optional(),
    keys: z.array(z.string().min(1).max(32)).max(100).optional().describe('e.g. "Enter", "C-c", "Up"'),
    enter: z.boolean().optional(),
    session: sessionArg,
  }),
  output: SentShape,
  annotations: { destructiveHint: true },
  async run(args, env) {
    if (!args.text && !args.keys?.length && !args.enter) throw new AppError("invalid", "give text, keys or enter: there is nothing to send");
    const session = await sessionOf(env, args.session);
    const r = await env.backend.send(session, { text: args.text, keys: args.keys, enter: args.enter });
    const what = [args.text ? `${args.text.length} characters` : "", ...(args.keys ?? []), args.enter ? "Enter" : ""].filter(Boolean).join(" + ");
    return { data: { session, sent: true, bytes: r.bytes }, text: `sent ${what} to "${session}" (screen or read_output shows the effect)` };
  },
});
