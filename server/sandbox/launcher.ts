import { accessSync, constants, readFileSync, unlinkSync } from "node:fs";
import { delimiter, join } from "node:path";
import { chdir, closeInheritedFds, dropCapabilities, execve, landlockAbi, restrictSelf, setNoNewPrivs } from "./landlock.ts";
import { LAUNCH_FAILED, type LaunchSpec } from "./spec.ts";

/**
 * `ai-session __sandbox SPEC_FILE -- ARGV...` (internal, never typed by a user): sets
 * no_new_privs, stacks the Landlock rulesets of the spec, gives up capabilities, then execs ARGV
 * in place, so the shell keeps this process's pid and terminal and everything it starts stays in
 * the sandbox. `__sandbox --abi` prints the kernel's Landlock ABI (for runtimes without bun:ffi).
 * Any failure ends here with exit 126: the shell never runs outside the sandbox it was meant for.
 */
export function runLauncher(args: string[]): void {
  if (args[0] === "--abi") {
    process.stdout.write(`${landlockAbi()}\n`);
    return;
  }
  const sep = args.indexOf("--");
  const file = args[0];
  const argv = sep >= 0 ? args.slice(sep + 1) : [];
  try {
    if (!file || sep !== 1 || argv.length === 0) throw new Error("usage: ai-session __sandbox SPEC_FILE -- PROGRAM [ARGS...]");
    const spec = JSON.parse(readFileSync(file, "utf8")) as LaunchSpec;
    unlinkSync(file);
    const abi = landlockAbi();
    if (abi < spec.abi) throw new Error(`the kernel's Landlock ABI is ${abi}, the sandbox was planned for ${spec.abi}`);
    setNoNewPrivs();
    for (const layer of spec.layers) restrictSelf(spec.abi, layer);
    dropCapabilities();
    closeInheritedFds();
    chdir(spec.cwd);
    execve(which(argv[0]!, spec.env.PATH), argv, spec.env);
  } catch (err) {
    process.stderr.write(`ai-session: the sandbox could not be set up (${(err as Error).message}); the shell was not started\r\n`);
    process.exit(LAUNCH_FAILED);
  }
}

/** A program named without a slash is looked up on PATH, as a shell would. */
function which(program: string, path = "/usr/local/bin:/usr/bin:/bin"): string {
  if (program.includes("/")) return program;
  for (const dir of path.split(delimiter)) {
    const full = join(dir || ".", program);
    try {
      accessSync(full, constants.X_OK);
      return full;
    } catch {}
  }
  return program;
}
