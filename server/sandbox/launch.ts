import { writeFileSync } from "node:fs";
import { selfCommand } from "../self.ts";
import { SPEC_ENV, type LaunchSpec } from "./spec.ts";

/** A spec up to this size travels in the launcher's environment (no file to read); a larger one in a file. */
const INLINE_SPEC_BYTES = 96 * 1024;

/**
 * The argv and environment that start `argv` through the launcher, so that either PTY backend
 * (Bun's terminal, node-pty) starts the shell inside the sandbox. The launcher's own environment is
 * bare: the shell's travels in the spec. No HOME: Bun running from source would read a
 * ~/.bunfig.toml there before the sandbox is up.
 */
export function launcherStart(specFile: string, spec: LaunchSpec, argv: string[]): { argv: string[]; env: Record<string, string> } {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  const json = JSON.stringify(spec);
  if (json.length <= INLINE_SPEC_BYTES) {
    env[SPEC_ENV] = json;
    return { argv: [...selfCommand(), "__sandbox", "-", "--", ...argv], env };
  }
  writeFileSync(specFile, json, { mode: 0o600 });
  return { argv: [...selfCommand(), "__sandbox", specFile, "--", ...argv], env };
}
