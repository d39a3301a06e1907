import type { ArgsDef, CommandDef } from "citty";
import { AppError, exitCodeOf, toAppError } from "../../server/errors.ts";
import { platform } from "../../server/platform/index.ts";

/**
 * citty's defineCommand (it returns its argument, typed), without loading citty: cli/main.ts runs
 * plain command lines itself, and citty with node:util costs milliseconds at every start.
 */
export function defineCommand<const T extends ArgsDef = ArgsDef>(def: CommandDef<T>): CommandDef<T> {
  return def;
}

/** Flags every command accepts. */
export const globalArgs = {
  json: { type: "boolean", description: "print exactly one JSON document on stdout" },
  home: { type: "string", description: "data directory (default $AI_SESSION_HOME, ~/.local/share/ai-session)" },
  agent: { type: "string", description: "act as this agent (its role's policy applies); or AI_SESSION_AGENT" },
} as const;

export interface GlobalArgs {
  json?: boolean;
  home?: string;
  agent?: string;
}

/** Runs a command body; a user mistake becomes one line on stderr and the matching exit code. */
export async function runCommand(fn: () => Promise<number | void> | number | void): Promise<void> {
  let code = 0;
  try {
    const r = await fn();
    if (typeof r === "number") code = r;
  } catch (err) {
    const e = toAppError(err);
    if (e.code === "internal" && platform.proc.env("AI_SESSION_DEBUG")) console.error(err);
    code = exitCodeOf[e.code];
    void print(`ai-session: ${e.message}\n`, "stderr");
  }
  await printed;
  // output that could not be written is a failure, whatever the command did
  const set = platform.proc.exitCode; // set by the command itself
  if (code === 0 && set) code = set;
  platform.proc.exitCode = code === 0 && writeFailed ? 1 : code;
}

let printed: Promise<void> = Promise.resolve();
let writeFailed = false;

/** Why a write failed, in our words. */
const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: "no space is left on the device",
  EIO: "the device gave an I/O error",
  EBADF: "it is closed",
  EACCES: "it is not writable",
  EFBIG: "the file is too large",
  EDQUOT: "the disk quota is used up",
};

/**
 * Writes text to stdout (or stderr) after everything printed before it; the process ends once it
 * is written. A reader that went away (`| head`) is not an error; any other failure to write is
 * one line on stderr and exit 1. server/platform writes it (on Bun without process.stdout, which
 * takes milliseconds to set up).
 */
export function print(text: string, to: "stdout" | "stderr" = "stdout"): Promise<void> {
  const put = () => platform.write(to, text);
  printed = printed.then(put).then(
    () => {},
    (err: { code?: string }) => {
      if (err?.code === "EPIPE" || writeFailed) return;
      writeFailed = true;
      const why = WRITE_FAILURES[err?.code ?? ""] ?? `error ${err?.code ?? "unknown"}`;
      if (to === "stdout") {
        try {
          require("node:fs").writeSync(2, `ai-session: cannot write the output to stdout: ${why}\n`);
        } catch {
          // stderr is gone too: the exit code says it
        }
      }
    },
  );
  return printed;
}

/** `print` for commands that hand it one string at a time (it returns nothing to await). */
export function write(text: string): void {
  void print(text);
}

export function printJson(value: unknown): Promise<void> {
  return print(`${JSON.stringify(value)}\n`);
}

export function agentOf(args: GlobalArgs): string | undefined {
  return args.agent ?? platform.proc.env("AI_SESSION_AGENT") ?? undefined;
}

/** Seconds from a flag, validated. */
export function secondsFlag(value: unknown, flag: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new AppError("invalid", `--${flag} takes a positive number of seconds, not "${value}"`);
  return n;
}
