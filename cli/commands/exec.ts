import { AppError } from "../../server/errors.ts";
import { platform } from "../../server/platform/index.ts";
import type { WaitResult } from "../client/index.ts";
import { agentOf, defineCommand, globalArgs, print, printJson, runCommand, secondsFlag } from "./_shared.ts";

/** Exit code when a command is left waiting at a prompt for input (status waiting_for_input). */
export const EXIT_WAITING_FOR_INPUT = 125;
export const EXIT_TIMEOUT = 124;
/** Exit code when the command ended but its exit status is unknown (status unknown, exit_code null). */
export const EXIT_STATUS_UNKNOWN = 123;

/** Prints an exec-shaped result (exec and wait) and returns the exit code the CLI ends with. */
export function reportResult(r: WaitResult, json: boolean, extra?: Record<string, unknown>): number {
  if (json) void printJson({ ...r, ...extra });
  else {
    if (r.output) void print(r.output.endsWith("\n") ? r.output : `${r.output}\n`);
    if (r.status === "timeout") {
      const how = r.command_id !== null ? `ai-session wait ${r.session} --command ${r.command_id}` : `ai-session read ${r.session}`;
      void print(`ai-session: still running after ${Math.round(r.duration_ms / 1000)} s (${how})\n`, "stderr");
    } else if (r.status === "waiting_for_input") {
      void print(
        `ai-session: the command waits for input at ${JSON.stringify(r.prompt ?? "")} (answer: ai-session send ${r.session} TEXT --enter, or --secret; then ai-session wait ${r.session} --command ${r.command_id})\n`,
        "stderr",
      );
    } else if (r.status === "unknown") {
      void print(
        `ai-session: the command ended but its exit status is unknown (the shell reports none; run it as "COMMAND; echo exit=$?" to see it, or use bash or zsh)\n`,
        "stderr",
      );
    }
  }
  if (r.status === "timeout") return EXIT_TIMEOUT;
  if (r.status === "waiting_for_input") return EXIT_WAITING_FOR_INPUT;
  if (r.exit_code === null) return r.status === "ok" ? 0 : EXIT_STATUS_UNKNOWN; // a pattern match has no exit code
  return r.exit_code;
}

export default defineCommand({
  meta: { name: "exec", description: "Run a command in a session's shell, wait for it, print its output and exit with its exit code" },
  args: {
    ...globalArgs,
    name: { type: "positional", required: true, description: "session name" },
    // "...": unquoted words after it reach run(), which says to quote them
    command: { type: "positional", required: true, valueHint: "...", description: "the command line (quote it), or - to read it from stdin" },
    timeout: { type: "string", description: "seconds to wait (default 600); on timeout exit 124 and the command keeps running" },
    raw: { type: "boolean", description: "print the exact output (ANSI removed only by you)" },
    lossless: { type: "boolean", description: "fold only what loses nothing" },
    capture: { type: "boolean", description: "also return the visible screen after the command (JSON: screen)" },
  },
  run: ({ args, rawArgs }) =>
    runCommand(async () => {
      const extraWords = (args._ as string[] | undefined)?.slice(2) ?? [];
      if (extraWords.length) {
        // Unquoted words lose their flags to this command's parser (`echo -n hi` would run `echo hi`).
        const words = rawArgs.slice(rawArgs.indexOf(String(args.name)) + 1).filter((w) => w !== "--json");
        throw new AppError("invalid", `quote the command as one argument: ai-session exec ${args.name} "${words.join(" ")}"`);
      }
      let command = String(args.command);
      // `-` reads the command from stdin: scripts too long for an argument list.
      if (command === "-") command = new TextDecoder().decode(await platform.readStdin()).replace(/\n$/, "");
      if (args.raw && args.lossless) throw new AppError("invalid", "--raw and --lossless cannot be used together");
      const timeout = secondsFlag(args.timeout, "timeout") ?? 600;
      const { connect } = await import("../client/index.ts");
      const c = await connect({ home: args.home, agent: agentOf(args) });
      const r = await c.exec(String(args.name), command, {
        timeoutMs: Math.round(timeout * 1000),
        mode: args.raw ? "raw" : args.lossless ? "lossless" : "compact",
      });
      const screen = args.capture ? (await c.screen(String(args.name))).text : undefined;
      const code = reportResult(r, Boolean(args.json), screen !== undefined ? { screen } : undefined);
      if (screen !== undefined && !args.json) void print(`--- screen ---\n${screen}\n`);
      return code;
    }),
});
