import { print, defineCommand, globalArgs, printJson, runCommand } from "./_shared.ts";

export default defineCommand({
  meta: { name: "list", description: "List the live sessions" },
  args: { ...globalArgs, detailed: { type: "boolean", description: "more columns" } },
  run: ({ args }) =>
    runCommand(async () => {
      const { connect } = await import("../client/index.ts");
      const sessions = await (await connect({ home: args.home, agent: args.agent })).listSessions();
      if (args.json) return printJson(sessions);
      if (sessions.length === 0) return void print("no sessions\n");
      for (const s of sessions) {
        const base = `${s.name}\t${s.status}/${s.activity}\tpid ${s.pid}\t${s.commands} cmds\t${s.cwd}`;
        print(args.detailed ? `${base}\t${s.shell}\t${s.cols}x${s.rows}\t${s.created_at}\t${s.owner_agent ?? "-"}\t${s.role ?? "-"}\n` : `${base}\n`);
      }
    }),
});
