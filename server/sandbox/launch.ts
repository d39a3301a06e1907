import { writeFileSync } from "node:fs";
import { selfCommand } from "../self.ts";
import type { LaunchSpec } from "./spec.ts";

/**
 * Writes the spec (0600) and returns the argv that starts `argv` through the launcher, so that
 * either PTY backend (Bun.Terminal, node-pty) starts the shell inside the sandbox.
 */
export function launcherArgv(specFile: string, spec: LaunchSpec, argv: string[]): string[] {
  writeFileSync(specFile, JSON.stringify(spec), { mode: 0o600 });
  return [...selfCommand(), "__sandbox", specFile, "--", ...argv];
}

/** The launcher's own environment: just enough to start; the shell's environment travels in the spec. */
export function launcherEnv(): Record<string, string> {
  // No HOME: Bun running from source would read a ~/.bunfig.toml there before the sandbox is up.
  return { PATH: process.env.PATH ?? "/usr/bin:/bin" };
}
