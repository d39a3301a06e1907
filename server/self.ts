import { runtimeSelfCommand } from "./platform/self-command.ts";

/**
 * The argv that runs this program: $AI_SESSION_BIN, else the compiled binary itself, or the
 * runtime (Bun or Deno) with the CLI's source (server/platform/self-command.ts). Clients start `serve` with
 * it; the server starts the sandbox launcher with it.
 */
export function selfCommand(): string[] {
  if (process.env.AI_SESSION_BIN) return [process.env.AI_SESSION_BIN];
  return runtimeSelfCommand();
}
