import { print, defineCommand, globalArgs, printJson, runCommand } from "./_shared.ts";
import { sleep } from "../../server/platform/index.ts";

export default defineCommand({
  meta: { name: "kill-server", description: "Stop the background server (sessions saved, shells ended)" },
  args: { ...globalArgs },
  run: ({ args }) =>
    runCommand(async () => {
      const { connect, answers } = await import("../client/index.ts");
      const c = await connect({ home: args.home, autostart: false });
      const r = await c.shutdown();
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && (await answers(c.paths!.socket))) await sleep(50);
      if (args.json) printJson({ stopped: true, pid: r.pid });
      else print(`server ${r.pid} stopped\n`);
    }),
});
