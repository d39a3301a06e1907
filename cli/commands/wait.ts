import { AppError } from "../../server/errors.ts";
import { defineCommand, agentOf, globalArgs, runCommand, secondsFlag } from "./_shared.ts";
import { reportResult } from "./exec.ts";

export default defineCommand({
  meta: { name: "wait", description: "Wait for a running command to finish, or for output matching a pattern" },
  args: {
    ...globalArgs,
    name: { type: "positional", required: true, description: "session name" },
    command: { type: "string", description: "command id to wait for (default: the running one)" },
    for: { type: "string", description: "regular expression to wait for in the output since the last input" },
    timeout: { type: "string", description: "seconds to wait (default 600); exit 124 on timeout" },
    raw: { type: "boolean", description: "print the exact output" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      let commandId: number | undefined;
      if (args.command !== undefined) {
        commandId = Number(args.command);
        if (!Number.isInteger(commandId)) throw new AppError("invalid", `--command takes a command id, not "${args.command}"`);
      }
      const timeout = secondsFlag(args.timeout, "timeout") ?? 600;
      const { connect } = await import("../client/index.ts");
      const c = await connect({ home: args.home, agent: agentOf(args) });
      const r = await c.wait(String(args.name), { commandId, pattern: args.for, timeoutMs: Math.round(timeout * 1000), mode: args.raw ? "raw" : "compact" });
      return reportResult(r, Boolean(args.json));
    }),
});
