import { z } from "zod";
import { defineTool, sessionArg, sessionOf } from "../tool.ts";
import description from "./snapshot.txt" with { type: "text" };

export default defineTool({
  name: "snapshot",
  description,
  tier: "safe",
  input: z.object({ session: sessionArg }),
  output: z.strictObject({ session: z.string(), id: z.number(), commands: z.number() }),
  annotations: { destructiveHint: false },
  async run(args, env) {
    const session = await sessionOf(env, args.session);
    const r = await env.backend.snapshot(session);
    return {
      data: { session, id: r.id, commands: r.commands },
      text: `saved snapshot ${r.id} of "${session}" (${r.commands} commands); restore {session: "${session}"} brings it back`,
    };
  },
});
