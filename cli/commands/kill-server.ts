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
      // stopped means the process is gone, its port and database closed: a server started next finds them free
      const { isAlive } = await import("../../server/pty/process-group.ts");
      while (Date.now() < deadline && r.pid !== process.pid && isAlive(r.pid)) await sleep(20);
      if (args.json) printJson({ stopped: true, pid: r.pid });
      else print(`server ${r.pid} stopped\n`);
    }),
});
