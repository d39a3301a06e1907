import { print, defineCommand, globalArgs, printJson, runCommand } from "./_shared.ts";

export default defineCommand({
  meta: { name: "status", description: "Is a server running: its pid, port, version and session count" },
  args: { ...globalArgs },
  run: ({ args }) =>
    runCommand(async () => {
      const { connect } = await import("../client/index.ts");
      const { dataHome } = await import("../../server/paths.ts");
      let s;
      try {
        s = await (await connect({ home: args.home, autostart: false })).status();
      } catch (err) {
        // Only "nothing answers" means no server; any other failure is reported as it is.
        if ((err as { code?: string }).code !== "unavailable") throw err;
        if (args.json) printJson({ running: false, home: dataHome(args.home) });
        else print(`no server running for ${dataHome(args.home)}\n`);
        return 1;
      }
      if (args.json) printJson(s);
      else {
        const box = s.sandbox?.kind === "landlock" ? `Landlock ABI ${s.sandbox.abi}` : `none (${s.sandbox?.why ?? "unknown"})`;
        print(`running: pid ${s.pid}, port ${s.port}, version ${s.version}, ${s.sessions} session(s)\ndashboard: ${s.url}\nsandbox for role sessions: ${box}\n`);
        if (s.cluster) print(`cluster: ${s.cluster.name} at ${s.cluster.url}, node ${s.cluster.node} (${s.cluster.connected ? "connected" : "not connected"})\n`);
        for (const line of s.cluster?.tasks_not_moved ?? []) print(`${line}\n`);
      }
    }),
});
