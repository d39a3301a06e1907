import { chdir, closeInheritedFds, dropCapabilities, executable, execve, landlockAbi, restrictSelf, setNoNewPrivs, unlink } from "./landlock.ts";
import { LAUNCH_FAILED, SPEC_ENV, type LaunchSpec } from "./spec.ts";

/**
 * `ai-session __sandbox SPEC_FILE|- -- ARGV...` (internal, never typed by a user; `-`: the spec is
 * in $AI_SESSION_SANDBOX_SPEC): sets
 * no_new_privs, stacks the Landlock rulesets of the spec, gives up capabilities, then execs ARGV
 * in place, so the shell keeps this process's pid and terminal and everything it starts stays in
 * the sandbox. `__sandbox --abi` prints the kernel's Landlock ABI (for runtimes without bun:ffi).
 * Any failure ends here with exit 126: the shell never runs outside the sandbox it was meant for.
 * It loads bun:ffi and nothing else (node:fs alone would cost milliseconds of every session start).
 */
export async function runLauncher(args: string[]): Promise<void> {
  if (args[0] === "--abi") {
    await Bun.write(Bun.stdout, `${landlockAbi()}\n`);
    return;
  }
  const sep = args.indexOf("--");
  const file = args[0];
  const argv = sep >= 0 ? args.slice(sep + 1) : [];
  try {
    if (!file || sep !== 1 || argv.length === 0) throw new Error("usage: ai-session __sandbox SPEC_FILE -- PROGRAM [ARGS...]");
    const inline = file === "-" ? process.env[SPEC_ENV] : undefined;
    if (file === "-" && !inline) throw new Error(`no spec in $${SPEC_ENV}`);
    const spec = JSON.parse(inline ?? (await Bun.file(file).text())) as LaunchSpec;
    if (!inline) unlink(file);
    const abi = landlockAbi();
    if (abi < spec.abi) throw new Error(`the kernel's Landlock ABI is ${abi}, the sandbox was planned for ${spec.abi}`);
    setNoNewPrivs();
    for (const layer of spec.layers) restrictSelf(spec.abi, layer);
    dropCapabilities();
    closeInheritedFds();
    chdir(spec.cwd);
    execve(which(argv[0]!, spec.env.PATH), argv, spec.env);
  } catch (err) {
    await Bun.write(Bun.stderr, `ai-session: the sandbox could not be set up (${(err as Error).message}); the shell was not started\r\n`);
    process.exit(LAUNCH_FAILED);
  }
}

/** A program named without a slash is looked up on PATH, as a shell would. */
function which(program: string, path = "/usr/local/bin:/usr/bin:/bin"): string {
  if (program.includes("/")) return program;
  for (const dir of path.split(":")) {
    const full = `${dir || "."}/${program}`;
    if (executable(full)) return full;
  }
  return program;
}
