import { z } from "zod";
import { defineTool, sessionArg, sessionOf } from "../tool.ts";
import { SentShape } from "./send_input.ts";
import description from "./send_secret.txt" with { type: "text" };

export default defineTool({
  name: "send_secret",
  description,
  tier: "standard",
  input: z.object({
    secret: z.string().min(1).max(10_000),
    enter: z.boolean().optional().describe("default true"),
    session: sessionArg,
  }),
  output: SentShape,
  annotations: { destructiveHint: false },
  async run(args, env) {
    const session = await sessionOf(env, args.session);
    // the domain's send decides whether a secret may be typed now (issue 11 owns that refusal)
    const r = await env.backend.send(session, { text: args.secret, secret: true, enter: args.enter ?? true });
    return { data: { session, sent: true, bytes: r.bytes }, text: `sent a secret to "${session}" (not stored); wait picks up the command` };
  },
});
