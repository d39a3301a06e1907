import { AppError } from "../errors.ts";

/**
 * Environment is input too. A variable can make the shell run code by itself, at every prompt or
 * at every start, without a command ever passing the role's policy: a session held to a role may
 * not be given one (`create --env`), and a restore drops them from the snapshot's environment.
 * Variables a program reads when it runs (GIT_SSH_COMMAND, PAGER...) only act inside a command the
 * policy has already judged, so they are not refused here.
 */
const ALWAYS: Record<string, string> = {
  PROMPT_COMMAND: "bash runs it at every prompt",
  BASH_ENV: "bash sources the file it names at every non-interactive start",
  ENV: "sh and bash in POSIX mode source the file it names at every start",
  ZDOTDIR: "zsh sources the rc files of the directory it names",
  AI_SESSION_USER_ZDOTDIR: "the session's zsh sources the rc files of the directory it names",
  SHELLOPTS: "it turns on shell options (xtrace with PS4, ...) in every bash",
  BASHOPTS: "it turns on shell options in every bash",
  LD_PRELOAD: "the dynamic loader runs the library it names inside every program",
  LD_LIBRARY_PATH: "the dynamic loader takes libraries from the directories it names",
  LD_AUDIT: "the dynamic loader runs the library it names inside every program",
};

/** Prompt strings the shell expands at every prompt: code only when they hold a substitution. */
const PROMPTS = new Set(["PS0", "PS1", "PS2", "PS3", "PS4", "PROMPT", "PROMPT2", "PROMPT3", "PROMPT4", "RPROMPT", "RPS1", "RPS2"]);

/**
 * Whether a prompt string holds a substitution: any `$` or backquote but the prompt escape `\$`
 * (which shows `$` or `#`). Parameter expansion counts: an array subscript in it is evaluated.
 */
function substitutes(value: string): boolean {
  return /`/.test(value) || /(^|[^\\])(\\\\)*\$/.test(value);
}

/** Why a variable would make the shell run code, or null when it would not. */
export function codeRunningReason(name: string, value: string): string | null {
  if (ALWAYS[name]) return ALWAYS[name]!;
  if (name.startsWith("BASH_FUNC_")) return "bash defines the function it holds in every shell it starts";
  if (PROMPTS.has(name) && substitutes(value)) return "the shell runs the substitution it holds at every prompt";
  return null;
}

/** The variables of `env` that would make the shell run code, each with why. */
export function codeRunningVariables(env: Record<string, string> | undefined): Array<{ name: string; why: string }> {
  const out: Array<{ name: string; why: string }> = [];
  for (const [name, value] of Object.entries(env ?? {})) {
    const why = codeRunningReason(name, value);
    if (why) out.push({ name, why });
  }
  return out;
}

/** Refuses an environment for a session held to a role when it would make the shell run code. */
export function refuseCodeRunningEnv(env: Record<string, string> | undefined, heldBy: string): void {
  const [first, ...more] = codeRunningVariables(env);
  if (!first) return;
  const others = more.length ? ` (also ${more.map((v) => v.name).join(", ")})` : "";
  throw new AppError(
    "denied",
    `a session under ${heldBy} cannot set ${first.name}: ${first.why}, outside the role's policy${others}; leave it out of --env`,
  );
}

/** The environment without the variables that would make the shell run code, and what was dropped. */
export function withoutCodeRunningEnv(env: Record<string, string>): { env: Record<string, string>; dropped: string[] } {
  const found = codeRunningVariables(env);
  if (!found.length) return { env, dropped: [] };
  const out = { ...env };
  for (const v of found) delete out[v.name];
  return { env: out, dropped: found.map((v) => v.name) };
}
