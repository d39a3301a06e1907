import type { RulesetSpec } from "./landlock.ts";

/**
 * What the server hands the launcher (`ai-session __sandbox SPEC_FILE -- ARGV`), as a JSON file in
 * the session's own directory: the rulesets to stack, then where and with what environment to
 * start the shell. The launcher itself starts with a bare environment in a directory of the
 * server's choosing, so nothing of the session (LD_PRELOAD, a bunfig.toml) runs before the sandbox.
 */
export interface LaunchSpec {
  /** The ABI the rulesets were planned for; a kernel that knows less refuses to start the shell. */
  abi: number;
  layers: RulesetSpec[];
  cwd: string;
  env: Record<string, string>;
}

/** The environment variable that carries a spec small enough to need no file. */
export const SPEC_ENV = "AI_SESSION_SANDBOX_SPEC";

/** The exit status of a launcher that could not build the sandbox: the shell never starts unconfined. */
export const LAUNCH_FAILED = 126;
