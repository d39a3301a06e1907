import { defineCommand, agentOf, globalArgs, printJson, runCommand } from "./_shared.ts";

export default defineCommand({
  meta: { name: "kill", description: "End a session and everything it runs (its history stays)" },
  args: { ...globalArgs, name: { type: "positional", required: true, description: "session name" } },
  run: ({ args }) =>
    runCommand(async () => {
      const { connect } = await import("../client/index.ts");
      const s = await (await connect({ home: args.home, agent: agentOf(args) })).kill(String(args.name));
      if (args.json) printJson(s);
    }),
});
