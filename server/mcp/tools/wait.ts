import { z } from "zod";
import { AppError } from "../../errors.ts";
import { boundedCall } from "../bounded.ts";
import { MCP_EXPAND_HINT } from "../hints.ts";
import { measureResult, presentRun, RunResult } from "../result.ts";
import { commandIdArg, defineTool, sessionArg, sessionOf } from "../tool.ts";
import description from "./wait.txt" with { type: "text" };

export default defineTool({
  name: "wait",
  description,
  tier: "safe",
  input: z.object({
    command_id: commandIdArg.optional(),
    pattern: z.string().max(1000).optional().describe("regex"),
    session: sessionArg,
    timeout_seconds: z.number().positive().max(86_400).optional(),
  }),
  output: RunResult,
  annotations: { readOnlyHint: true },
  async run(args, env) {
    const session = await sessionOf(env, args.session);
    if (args.command_id === undefined && args.pattern === undefined) {
      // without an id, only a command running now: never an older result dressed as this one
      const s = await env.backend.getSession(session);
      if (s.activity !== "busy") {
        throw new AppError("not_found", `nothing is running in "${session}": give the command_id exec returned (history {session: "${session}"} lists them)`);
      }
    }
    const r = await boundedCall(env, args.timeout_seconds, "wait", (timeoutMs) =>
      env.backend.wait(session, { commandId: args.command_id, pattern: args.pattern, timeoutMs, expandHint: MCP_EXPAND_HINT }),
    );
    const shaped = presentRun(r, { patternWait: args.pattern !== undefined, defaultSession: env.defaultSession });
    await measureResult(env, shaped.data, shaped.text);
    return shaped;
  },
});
