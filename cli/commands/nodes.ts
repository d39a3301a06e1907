import { print, defineCommand, globalArgs, printJson, runCommand } from "./_shared.ts";

export default defineCommand({
  meta: { name: "nodes", description: "The nodes of the cluster this server joined (serve --cluster): up or down, sessions, agents, last heartbeat" },
  args: { ...globalArgs },
  run: ({ args }) =>
    runCommand(async () => {
      const { connect } = await import("../client/index.ts");
      const nodes = await (await connect({ home: args.home, agent: args.agent })).nodes();
      if (args.json) return printJson(nodes);
      for (const n of nodes) {
        print(`${n.name}${n.self ? " (this node)" : ""}\t${n.state}\t${n.sessions} sessions\t${n.agents} agents\tv${n.version}\tlast heartbeat ${n.last_heartbeat}\n`);
      }
    }),
});
