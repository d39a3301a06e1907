import { defineCommand } from "citty";
import { globalArgs, runCommand, write } from "./_shared.ts";

export default defineCommand({
  meta: { name: "decide", description: "Record a decision (record_decision): what, the options weighed, the choice and why" },
  args: {
    ...globalArgs,
    what: { type: "positional", required: true, description: "the question decided" },
    choice: { type: "string", required: true, description: "what was chosen" },
    options: { type: "string", description: "comma-separated options considered" },
    reasoning: { type: "string", description: "why" },
    session: { type: "string", description: "the session it concerns" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const [{ connect }, { busClient }] = await Promise.all([import("../client/index.ts"), import("../client/bus.ts")]);
      const api = busClient(await connect({ home: args.home as string | undefined, agent: args.agent as string | undefined, autostart: true }));
      const d = await api.decide({
        what: String(args.what),
        choice: String(args.choice),
        options: args.options ? String(args.options).split(",").map((s) => s.trim()).filter(Boolean) : undefined,
        reasoning: args.reasoning ? String(args.reasoning) : undefined,
        session: args.session ? String(args.session) : undefined,
      });
      write(`${args.json ? JSON.stringify(d) : `decision ${d.id} recorded`}\n`);
    }),
});
