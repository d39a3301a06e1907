import type { ArgsDef, CommandDef } from "citty";
import { AppError, exitCodeOf, toAppError } from "../../server/errors.ts";

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
  try {
    const code = await fn();
    if (typeof code === "number") process.exitCode = code;
  } catch (err) {
    const e = toAppError(err);
    if (e.code === "internal" && process.env.AI_SESSION_DEBUG) console.error(err);
    process.exitCode = exitCodeOf[e.code];
    await print(`ai-session: ${e.message}\n`, "stderr");
  }
}

let printed: Promise<void> = Promise.resolve();

/**
 * Writes text to stdout (or stderr) after everything printed before it; the process ends once it
 * is written, and a closed stdout is not an error. Bun.write rather than process.stdout, which
 * takes milliseconds to set up.
 */
export function print(text: string, to: "stdout" | "stderr" = "stdout"): Promise<void> {
  const write = () => Bun.write(to === "stdout" ? Bun.stdout : Bun.stderr, text);
  printed = printed.then(write).then(
    () => {},
    () => {},
  );
  return printed;
}

export function printJson(value: unknown): Promise<void> {
  return print(`${JSON.stringify(value)}\n`);
}

export function agentOf(args: GlobalArgs): string | undefined {
  return args.agent ?? process.env.AI_SESSION_AGENT ?? undefined;
}

/** Seconds from a flag, validated. */
export function secondsFlag(value: unknown, flag: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new AppError("invalid", `--${flag} takes a positive number of seconds, not "${value}"`);
  return n;
}
