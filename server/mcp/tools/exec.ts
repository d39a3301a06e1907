import { z } from "zod";
import { clip, defineTool, enc, type ToolEnv } from "../tool.ts";
import { ExecShape, sessionArg } from "./shapes.ts";
import execText from "./exec.txt" with { type: "text" };
import waitText from "./wait.txt" with { type: "text" };

/** Every 2 s, or more often when calls are bounded tighter, so a bounded wait always reports. */
const progressEveryMs = (waitCapS: number) => Math.max(250, Math.min(2_000, (waitCapS * 1000) / 4));

/** Runs `work`, sending progress notifications until it settles. */
async function withProgress<T>(env: ToolEnv, totalS: number, label: string, work: Promise<T>): Promise<T> {
  const started = Date.now();
  const timer = setInterval(() => {
    const s = Math.round((Date.now() - started) / 100) / 10;
    void env.progress(s, totalS, `${label}: still running after ${s}s`);
  }, progressEveryMs(env.waitCapS));
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/** Shapes the server's exec/wait answer for a model: bounded output, `running` when it is not over. */
function present(r: ExecShape, waitedS: number, timeoutS: number, bounded: boolean): { data: ExecShape; text: string } {
  const out = clip(r.output ?? "", undefined, `read_output pages through the raw output of command ${r.command_id}`);
  const data: ExecShape = { ...r, output: out.text, waited_s: waitedS, timeout_s: timeoutS };
  if (out.truncated) data.output_truncated = true;
  if (r.status === "timeout" && bounded) {
    data.status = "running";
    data.next = `still running after ${waitedS}s; call wait with command_id ${r.command_id} (or read_output to watch it)`;
  } else if (r.status === "timeout") {
    data.next = `still running; call wait with command_id ${r.command_id}`;
  } else if (r.status === "waiting_for_input") {
    data.next = "the command waits for input: send_input (or send_secret for a password), then wait";
  }
  const head =
    data.status === "running" || data.status === "timeout"
      ? `${data.status} (command_id ${r.command_id}) — ${data.next}`
      : `exit ${r.exit_code ?? "?"} (${r.status}) in ${r.duration_ms ?? "?"} ms`;
  const errors = (r.analysis?.errors ?? []).slice(0, 5).map((e) => `  ${e.file ?? ""}${e.line ? `:${e.line}` : ""} ${e.message ?? ""}`.trimEnd());
  const text = [head, ...(errors.length ? ["errors:", ...errors] : []), data.output].filter(Boolean).join("\n");
  return { data, text };
}

export const exec = defineTool({
  name: "exec",
  title: "Run a shell command",
  description: execText,
  tier: "safe",
  input: z.object({
    session: sessionArg,
    command: z.string().min(1).max(100_000).describe("the command line, as typed at a shell prompt"),
    timeout_seconds: z.number().positive().max(86_400).optional().describe("how long this call waits (at most ~25 s; longer commands keep running: use wait)"),
    mode: z.enum(["compact", "lossless", "raw"]).optional().describe("compact (default) folds noise; lossless folds only what loses nothing; raw is the exact text"),
  }),
  output: ExecShape,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(args, env) {
    const call = await boundedCall(env, args.timeout_seconds, args.command.slice(0, 60), (waitMs) =>
      env.api.request<ExecShape>("POST", `/api/sessions/${enc(args.session)}/exec`, { command: args.command, timeout_ms: waitMs, mode: args.mode }),
    );
    return present(call.result, call.tookS, call.waitS, call.capped);
  },
});

export const wait = defineTool({
  name: "wait",
  title: "Wait for a command or for output",
  description: waitText,
  tier: "safe",
  input: z.object({
    session: sessionArg,
    command_id: z.union([z.number().int(), z.string()]).optional().describe("the command to wait for (from exec's answer); default: the running one"),
    pattern: z.string().max(1000).optional().describe("instead, wait until the output matches this regular expression"),
    timeout_seconds: z.number().positive().max(86_400).optional().describe("how long this call waits (at most ~25 s)"),
  }),
  output: ExecShape,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, env) {
    const call = await boundedCall(env, args.timeout_seconds, "wait", (waitMs) =>
      env.api.request<ExecShape>("POST", `/api/sessions/${enc(args.session)}/wait`, {
        command_id: args.command_id === undefined ? undefined : Number(args.command_id),
        pattern: args.pattern,
        timeout_ms: waitMs,
      }),
    );
    return present(call.result, call.tookS, call.waitS, call.capped || args.timeout_seconds === undefined);
  },
});

export const execTools = [exec, wait];

/**
 * A call that waits at most the client-safe cap (about 25 s), with progress notifications meanwhile;
 * says how long it took and whether the caller asked for longer than the cap allowed.
 */
async function boundedCall(
  env: Parameters<typeof exec.run>[1],
  askedS: number | undefined,
  label: string,
  call: (waitMs: number) => Promise<ExecShape>,
): Promise<{ result: ExecShape; tookS: number; waitS: number; capped: boolean }> {
  const wanted = askedS ?? env.waitCapS;
  const waitS = Math.min(wanted, env.waitCapS);
  const started = Date.now();
  const result = await withProgress(env, waitS, label, call(Math.round(waitS * 1000)));
  return { result, tookS: Math.round((Date.now() - started) / 100) / 10, waitS, capped: wanted > waitS };
}
