import { z } from "zod";
import { boundedCall } from "../bounded.ts";
import { MCP_EXPAND_HINT } from "../hints.ts";
import { OutputModeSchema } from "../../session/exec-result.ts";
import { measureResult, presentRun, RunResult } from "../result.ts";
import { defineTool, sessionArg, sessionOf } from "../tool.ts";
import description from "./exec.txt" with { type: "text" };

export default defineTool({
  name: "exec",
  description,
  tier: "safe",
  input: z.object({
    command: z.string().min(1).max(100_000),
    session: sessionArg,
    timeout_seconds: z.number().positive().max(86_400).optional(),
    mode: OutputModeSchema.optional(),
    include_output: z.boolean().optional(),
  }),
  output: RunResult,
  annotations: { destructiveHint: true },
  async run(args, env) {
    const session = await sessionOf(env, args.session);
    const r = await boundedCall(env, args.timeout_seconds, args.command.slice(0, 60), (timeoutMs) =>
      env.backend.exec(session, args.command, { timeoutMs, mode: args.mode, expandHint: MCP_EXPAND_HINT }),
    );
    const shaped = presentRun(r, { includeOutput: args.include_output, defaultSession: env.defaultSession });
    await measureResult(env, shaped.data, shaped.text);
    return shaped;
  },
});
