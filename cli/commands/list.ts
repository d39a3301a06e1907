import { print, defineCommand, globalArgs, printJson, runCommand } from "./_shared.ts";

export default defineCommand({
  meta: { name: "list", description: "List the live sessions" },
  args: {
    ...globalArgs,
    detailed: { type: "boolean", description: "more columns" },
    "all-nodes": { type: "boolean", description: "the sessions of every node of the cluster (serve --cluster), each with its node" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const { connect } = await import("../client/index.ts");
      const c = await connect({ home: args.home, agent: args.agent });
      const sessions: Array<Awaited<ReturnType<typeof c.listSessions>>[number] & { node?: string }> = args["all-nodes"] ? await c.listClusterSessions() : await c.listSessions();
      if (args.json) return printJson(sessions);
      if (sessions.length === 0) return void print("no sessions\n");
      for (const s of sessions) {
        const base = `${s.node ? `${s.name}@${s.node}` : s.name}\t${s.status}/${s.activity}\tpid ${s.pid}\t${s.commands} cmds\t${s.cwd}`;
        print(args.detailed ? `${base}\t${s.shell}\t${s.cols}x${s.rows}\t${s.created_at}\t${s.owner_agent ?? "-"}\t${s.role ?? "-"}\n` : `${base}\n`);
      }
    }),
});
